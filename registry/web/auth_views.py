"""Sign-in, sign-out and the language switch; every other page needs a login."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from registry.auth.services import authenticate
from registry.extensions import db, limiter
from registry.web import bp
from registry.web.forms import LoginForm

PUBLIC_ENDPOINTS = {"web.login", "web.set_language", "static"}


@bp.before_app_request
def require_login():
    """Deny by default: web pages other than the allow-list need a session."""
    if request.path.startswith("/api/") or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.endpoint is None:  # 404: let the error handler answer
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


def safe_next(target: str | None) -> str:
    """Only redirect to a path on this site after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return url_for("web.index")


def _login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _too_many_sign_ins(_limit):
    """The sign-in page again, saying why it refuses for now (429)."""
    form = LoginForm()
    message = _("Too many failed sign-ins. Wait a few minutes and try again.")
    response = current_app.make_response(
        (render_template("login.html", form=form, refusal=message), 429))
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 302,
               error_message="Too many failed sign-ins. Wait a few minutes and try again.",
               on_breach=_too_many_sign_ins)
def login():
    """Sign in with e-mail and password; failures count towards the rate limit."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("web.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            locale = session.get("locale")
            session.clear()
            login_user(user)
            if locale and not user.locale:
                session["locale"] = locale
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong e-mail or password."))
        return render_template("login.html", form=form), 200
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session entirely (the remember cookie too)."""
    locale = session.get("locale") or getattr(current_user, "locale", None)
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have signed out."), "info")
    return redirect(url_for("web.login"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    """Remember the chosen language (in the account too when signed in)."""
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))
