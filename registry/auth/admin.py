"""Admin: users (list with search, sort and pages; create, edit, activate, deactivate, password reset links)."""

from __future__ import annotations

import smtplib

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_mailman import EmailMessage

from registry import labels
from registry.auth.forms import UserEditForm, UserForm
from registry.auth.models import User
from registry.auth.services import create_user, issue_password_reset, set_user_active, update_user
from registry.extensions import db
from registry.members.models import Enterprise
from registry.messages import Template
from registry.problems import NotFound, Problem
from registry.roles import ROLES
from registry.ui.formkit import show_problem
from registry.ui.forms import (
    ActionForm,
)
from registry.ui.listing import Listing
from registry.ui.pages import admin_bp

NO_SUCH_USER = Template("no_such_user", "No such user.")
RESET_MAIL_SUBJECT = Template("password_reset_mail_subject", "Set a new password for the Capacity Registry")
RESET_MAIL_BODY = Template("password_reset_mail_body",
                           "An administrator has issued a link for you to set a new password. It works once, "
                           "within 24 hours; then ask for a new one:")
PAGE_SIZE = 50
SORTS = {"email": User.email, "name": User.name, "role": User.role, "enterprise": Enterprise.name,
         "status": User.active, "created": User.created_at}


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(NO_SUCH_USER())
    return user


def _enterprise_choices(blank: str) -> list[tuple]:
    enterprises = db.session.scalars(sa.select(Enterprise).order_by(Enterprise.name, Enterprise.id))  # admins: all
    return [("", blank)] + [(e.id, e.name) for e in enterprises]


def _edit_form(user: User, **kwargs) -> UserEditForm:
    form = UserEditForm(obj=user, **kwargs)
    form.role.choices = [(r, str(labels.ROLES[r])) for r in ROLES]
    form.enterprise_id.choices = _enterprise_choices(_("None (association staff)"))
    form.locale.choices = [("", _("The browser's language")), ("en", "English"), ("zh_CN", "中文")]
    form.locale.data = form.locale.data or ""  # the account's None is the form's empty choice
    return form


@admin_bp.route("/users")
def users():
    """Every user, searchable by e-mail, name and enterprise, sortable, in pages."""
    listing = Listing.from_request(SORTS, "email")
    stmt = sa.select(User).outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
    stmt = listing.search(stmt, User.email, User.name, Enterprise.name, Enterprise.name_en, id_column=User.id)
    rows, meta = listing.paged(listing.ordered(stmt, User.id), PAGE_SIZE)
    return render_template("admin/users.html", users=rows, meta=meta, listing=listing, toggle_form=ActionForm())


@admin_bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserForm()
    form.role.choices = [(r, str(labels.ROLES[r])) for r in ROLES]
    form.enterprise_id.choices = _enterprise_choices(_("None (association staff)"))
    if form.validate_on_submit():
        enterprise = db.session.get(Enterprise, form.enterprise_id.data) if form.enterprise_id.data else None
        try:
            create_user(form.email.data, form.role.data, form.password.data, enterprise=enterprise,
                        name=(form.name.data or "").strip(), actor=current_user)
        except Problem as problem:
            show_problem(form, problem)
        else:
            flash(_("User created. Give them the initial password through a separate channel."), "info")
            return redirect(url_for("web.admin.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/form.html", form=form, title=_("New user"), back="web.admin.users"), status


@admin_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Role, enterprise, language and active; the service keeps one active admin at least."""
    user = _user(user_id)
    form = _edit_form(user)
    if form.validate_on_submit():
        enterprise = db.session.get(Enterprise, form.enterprise_id.data) if form.enterprise_id.data else None
        try:
            update_user(user, current_user, role=form.role.data, enterprise=enterprise,
                        locale=form.locale.data or None, active=bool(form.active.data),
                        languages=tuple(current_app.config["LANGUAGES"]))
        except Problem as problem:
            show_problem(form, problem, field="enterprise_id" if problem.errors and "enterprise" in problem.errors
                         else None)
        else:
            flash(_("Changes saved."), "info")
            return redirect(url_for("web.admin.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_edit.html", form=form, user=user, reset_form=ActionForm()), status


def _mail_reset_link(user: User, link: str) -> bool:
    """E-mail the link to the user in their language; False when no mail server takes it."""
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        subject, body = RESET_MAIL_SUBJECT().render(), f"{RESET_MAIL_BODY().render()}\n\n{link}\n"
    message = EmailMessage(subject, body, current_app.config["MAIL_DEFAULT_SENDER"], [user.email])
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        current_app.logger.warning("password reset mail to user %s not sent", user.id)
        return False
    return True


@admin_bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
def user_reset_password(user_id: int):
    """A one-time link to set a new password, shown once here and e-mailed to the user."""
    user = _user(user_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("web.admin.user_edit", user_id=user.id))
    _reset, plain = issue_password_reset(user, current_user)
    link = current_app.config["REGISTRY_BASE_URL"].rstrip("/") + url_for("web.password_reset", token=plain)
    mailed = _mail_reset_link(user, link)
    return render_template("admin/user_edit.html", form=_edit_form(user, formdata=None), user=user,
                           reset_form=ActionForm(), reset_link=link, mailed=mailed)


@admin_bp.route("/users/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
def user_active(user_id: int, action: str):
    if not ActionForm().validate_on_submit():
        return redirect(url_for("web.admin.users"))
    user = _user(user_id)
    try:
        set_user_active(user, action == "activate", current_user)
    except Problem as problem:
        show_problem(None, problem)
    else:
        flash(_("Account activated.") if action == "activate" else _("Account deactivated."), "info")
    return redirect(url_for("web.admin.users"))
