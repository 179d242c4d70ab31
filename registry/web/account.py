"""The user's own account: password and API tokens (the token shown once)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.auth.services import change_password, create_token, revoke_token, user_tokens
from registry.extensions import db
from registry.problems import Problem
from registry.web import bp
from registry.web.formkit import show_problem
from registry.web.forms import ActionForm, PasswordForm, TokenForm


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
            db.session.commit()
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
            db.session.commit()
            return _render(new_token=plain)
    return _render(token_form=form, status=422)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
def account_token_revoke(token_id: int):
    """Revoke one of the user's own tokens (another's is 404)."""
    if not ActionForm().validate_on_submit():
        return _render(status=400)
    revoke_token(current_user, token_id)
    db.session.commit()
    flash(_("Token revoked; programs using it can no longer sign in."), "info")
    return redirect(url_for("web.account"))
