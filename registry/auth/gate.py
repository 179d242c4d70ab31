"""The two login gates, deny by default, both registered in ``create_app``: a session for pages, a token for the API.

API requests authenticate only by token: a session cookie is ignored under
/api/, so a page on another site cannot ride a user's browser session into
the API (the API has no CSRF tokens)."""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user

from registry.auth.models import User
from registry.auth.services import note_token_use, user_for_token
from registry.extensions import db, login_manager
from registry.problems import Unauthorized
from registry.rest.api import is_api_request

PUBLIC_API_PATHS = ("/api/v1/openapi.json", "/api/v1/docs", "/api/v1/public/")  # public: published figures
PUBLIC_ENDPOINTS = {"web.login", "web.set_language", "web.password_reset", "static",
                    "public_pages.page", "public_pages.month_page", "public_pages.pipeline_chart"}


@login_manager.user_loader
def load_session_user(user_id: str) -> User | None:
    """The signed-in web user, if the session is of the user's current version; never for API requests."""
    user_pk, _, version = user_id.partition(":")
    if is_api_request() or not user_pk.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_pk))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@login_manager.request_loader
def load_token_user(req) -> User | None:
    """The user of a valid ``Authorization: Bearer`` token on an API request."""
    if not is_api_request():
        return None
    scheme, _, token = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    found = user_for_token(token.strip())
    if found is None:
        return None
    user, stale_token_id = found
    if stale_token_id is not None:
        g.token_used = stale_token_id
    return user


def note_token_used(_error: BaseException | None = None) -> None:
    """teardown_request: note the token's use once the request's transaction has ended."""
    token_id = g.pop("token_used", None)
    if token_id is not None:
        note_token_use(token_id)


def require_api_token() -> None:
    """before_request: every API path but the documents needs a valid token."""
    if not is_api_request() or request.path.startswith(PUBLIC_API_PATHS):
        return
    if not current_user.is_authenticated:
        raise Unauthorized()


def require_login():
    """Deny by default: web pages other than the allow-list need a session."""
    if is_api_request() or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.endpoint is None:  # 404: let the error handler answer
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None
