"""Capacity Registry: the association's shared record of smelters' capacity plans."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from config import config_for
from registry import approvals
from registry import models as _schema  # noqa: F401  (every table, for Alembic)
from registry.audit.api import blp as audit
from registry.auth import admin as _user_admin  # noqa: F401  (the views modules attach their pages to ``pages``)
from registry.auth import views as _auth_pages  # noqa: F401
from registry.auth.gate import note_token_used, require_api_token, require_login
from registry.caps import admin as _cap_admin  # noqa: F401
from registry.caps import views as _cap_pages  # noqa: F401
from registry.caps.api import blp as caps
from registry.cli import register_cli
from registry.clock import parse_today
from registry.dashboard import views as _dashboard  # noqa: F401
from registry.db import configure_sqlite, want_write_lock
from registry.errors import register_error_handlers
from registry.evidence.api import blp as replacement_proof
from registry.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
from registry.filings import exports as _filing_exports  # noqa: F401
from registry.filings import proof as _filing_proof  # noqa: F401
from registry.filings import review as _review  # noqa: F401
from registry.filings import views as _filing_pages  # noqa: F401
from registry.filings.api import blp as filings
from registry.i18n import CatalogueDomain, select_locale
from registry.imports import views as _import_pages  # noqa: F401
from registry.imports.api import blp as imports
from registry.members import admin as _member_admin  # noqa: F401
from registry.members import views as _member_pages  # noqa: F401
from registry.members.api import enterprises, smelters
from registry.public.api import blp as public
from registry.public.views import bp as public_pages
from registry.replacement.api import indicators, ratios
from registry.replacement.views import bp as replacement_pages
from registry.rest.api import api
from registry.rest.content import require_json_body
from registry.rest.docs import docs_assets
from registry.rest.query import refuse_unknown_query_parameters
from registry.returns import views as _return_pages  # noqa: F401
from registry.returns.api import blp as monthly_returns
from registry.security import refuse_oversized_request, set_security_headers
from registry.summaries.api import blp as summaries
from registry.summaries.views import bp as summary_pages
from registry.tasks.api import blp as me
from registry.transactions import end_request
from registry.ui import filters as _filters  # noqa: F401  (template filters on the pages blueprint)
from registry.ui.pages import bp as pages
from registry.workdays.api import blp as calendar


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application for an environment (``REGISTRY_ENV`` by default)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_for(config_name))
    app.config.update(overrides or {})
    _check_config(app)
    if app.config.get("PROXY_FIX_HOPS"):
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # the client's address, not the proxy's
    register_extensions(app)
    register_api(app)
    register_web(app)
    register_hooks(app)
    approvals.register(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def _check_config(app: Flask) -> None:
    """Fail fast on settings a deployment must give; default to SQLite locally."""
    app.config["REGISTRY_TODAY_DATE"] = parse_today(app.config.get("REGISTRY_TODAY"))
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set (see README, Configuration).")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        if app.config.get("REQUIRE_DATABASE_URL"):
            raise RuntimeError("DATABASE_URL must be set in production (see README, Configuration).")
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "registry.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = CatalogueDomain()  # finds translations/zh_CN for Babel's zh_Hans_CN
    limiter.init_app(app)
    mail.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)


def register_api(app: Flask) -> None:
    api.init_app(app, spec_kwargs={
        "info": {"description": "The Capacity Registry's REST API. "
                               "Authenticate with `Authorization: Bearer <token>`."},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
    })
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in (enterprises, smelters, filings, caps, indicators, ratios, monthly_returns, summaries,
                      audit, me, imports, public, calendar, replacement_proof):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # bearer tokens, never cookies, authenticate the API
    app.register_blueprint(docs_assets)


def register_web(app: Flask) -> None:
    app.register_blueprint(pages)
    app.register_blueprint(replacement_pages)
    app.register_blueprint(summary_pages)
    app.register_blueprint(public_pages)


def _serialise_writers() -> None:
    """SQLite: a writing request holds the database's write lock from its first statement."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        want_write_lock()


def register_hooks(app: Flask) -> None:
    app.before_request(refuse_oversized_request)  # 414/431 in the surface's shape, before any work
    app.before_request(_serialise_writers)
    app.before_request(require_login)  # pages: a session, else the sign-in page
    app.before_request(require_api_token)  # API: a bearer token, else 401
    app.teardown_request(note_token_used)  # the token's last use, once the request's transaction ended
    app.before_request(require_json_body)
    app.before_request(refuse_unknown_query_parameters)
    app.after_request(set_security_headers)
    app.after_request(end_request)  # the request's one commit (or rollback)
