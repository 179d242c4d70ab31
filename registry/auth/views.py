"""Sign-in, sign-out, the language switch, and the user's own account (password, API tokens)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from registry.auth.forms import LoginForm, NewPasswordForm, PasswordForm, TokenForm
from registry.auth.services import (
    authenticate,
    change_password,
    create_token,
    end_sessions,
    reset_for_token,
    reset_password,
    revoke_token,
    user_tokens,
)
from registry.extensions import limiter
from registry.problems import Problem
from registry.ui.formkit import show_problem
from registry.ui.forms import (
    ActionForm,
)
from registry.ui.pages import bp


def safe_next(target: str | None) -> str:
    """Only redirect to a path on this site after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return url_for("web.index")


def _login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_FAILURE_LIMIT"]


def _account_key() -> str:
    """The account a sign-in tries, as typed: unknown e-mails count too, so a lockout reveals nothing."""
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _failed(response) -> bool:
    return response.status_code != 302


def _too_many_sign_ins(_limit):
    """The sign-in page again, saying why it refuses for now (429)."""
    form = LoginForm()
    message = _("Too many failed sign-ins. Wait a few minutes and try again.")
    response = current_app.make_response(
        (render_template("login.html", form=form, refusal=message), 429))
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed,
               on_breach=_too_many_sign_ins)
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed, on_breach=_too_many_sign_ins)
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
    """End the session entirely (the remember cookie too, and any copy of the cookie)."""
    locale = session.get("locale") or getattr(current_user, "locale", None)
    end_sessions(current_user)
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have signed out."), "info")
    return redirect(url_for("web.login"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    """Remember the chosen language (in the account too when signed in); ``auto`` follows the browser again."""
    if code == "auto":
        session.pop("locale", None)
        if current_user.is_authenticated:
            current_user.locale = None
    elif code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
    return redirect(safe_next(request.form.get("next")))


def _render(password_form=None, token_form=None, new_token=None, status=200):
    return render_template(
        "account/account.html", password_form=password_form or PasswordForm(),
        token_form=token_form or TokenForm(), revoke_form=ActionForm(),
        tokens=user_tokens(current_user), new_token=new_token), status


@bp.route("/account")
def account():
    return _render()


@bp.route("/account/password", methods=["POST"])
def account_password():
    """Change the password after checking the current one (auth service)."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except Problem as problem:
            show_problem(form, problem)
        else:
            login_user(current_user._get_current_object())  # this session stays, on the new version
            flash(_("Your password has been changed."), "info")
            return redirect(url_for("web.account"))
    return _render(password_form=form, status=422)


@bp.route("/account/tokens", methods=["POST"])
def account_token_create():
    """A new API token, shown on this response only; only its hash is kept."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _token, plain = create_token(current_user, (form.name.data or "").strip())
        except Problem as problem:
            show_problem(form, problem)
        else:
            return _render(new_token=plain)
    return _render(token_form=form, status=422)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
def account_token_revoke(token_id: int):
    """Revoke one of the user's own tokens (another's is 404)."""
    if not ActionForm().validate_on_submit():
        return _render(status=400)
    revoke_token(current_user, token_id)
    flash(_("Token revoked; programs using it can no longer sign in."), "info")
    return redirect(url_for("web.account"))


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def password_reset(token: str):
    """Set a new password through an admin's one-time link (signed out; the link is the credential).

    Using it ends every session of the user, this browser's included: they
    then sign in with the new password. A spent or expired link is a 404.
    """
    reset = reset_for_token(token)
    if reset is None:
        return render_template("password_reset.html", form=None), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(token, form.new_password.data)
        except Problem as problem:
            show_problem(form, problem)
        else:
            if current_user.is_authenticated:
                logout_user()
            locale = session.get("locale")
            session.clear()
            if locale:
                session["locale"] = locale
            flash(_("Your password has been set. Sign in with it."), "info")
            return redirect(url_for("web.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("password_reset.html", form=form, email=reset.user.email), status
