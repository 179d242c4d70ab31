"""Admin: users (create, activate, deactivate)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry import labels
from registry.auth.forms import UserForm
from registry.auth.models import User
from registry.auth.services import create_user, set_user_active
from registry.extensions import db
from registry.members.models import Enterprise
from registry.messages import Template
from registry.problems import NotFound, Problem
from registry.roles import ROLES
from registry.ui.formkit import show_problem
from registry.ui.forms import (
    ActionForm,
)
from registry.ui.pages import admin_bp

NO_SUCH_USER = Template("no_such_user", "No such user.")


@admin_bp.route("/users")
def users():
    rows = list(db.session.scalars(db.select(User).order_by(User.role, User.email)))
    return render_template("admin/users.html", users=rows, toggle_form=ActionForm())


@admin_bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserForm()
    form.role.choices = [(r, str(labels.ROLES[r])) for r in ROLES]
    enterprises = db.session.scalars(sa.select(Enterprise).order_by(Enterprise.id))  # admins see all
    form.enterprise_id.choices = [("", _("None (association staff)"))] + [(e.id, e.name) for e in enterprises]
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


@admin_bp.route("/users/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
def user_active(user_id: int, action: str):
    if not ActionForm().validate_on_submit():
        return redirect(url_for("web.admin.users"))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(NO_SUCH_USER())
    try:
        set_user_active(user, action == "activate", current_user)
    except Problem as problem:
        show_problem(None, problem)
    else:
        flash(_("Account activated.") if action == "activate" else _("Account deactivated."), "info")
    return redirect(url_for("web.admin.users"))
