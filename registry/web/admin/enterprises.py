"""Admin: member enterprises."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from registry.extensions import db
from registry.members.schemas import EnterpriseIn
from registry.members.services import create_enterprise, enterprises_for, get_enterprise, update_enterprise
from registry.web.admin import admin_bp
from registry.web.admin.common import province_choices, save_form
from registry.web.forms import EnterpriseForm

FIELDS = ("uscc", "name", "name_en", "province", "active")


@admin_bp.route("/enterprises")
def enterprises():
    rows = list(db.session.scalars(enterprises_for(current_user)))
    return render_template("admin/enterprises.html", enterprises=rows)


@admin_bp.route("/enterprises/new", methods=["GET", "POST"])
def enterprise_new():
    form = EnterpriseForm()
    form.province.choices = province_choices(_("Choose a province"))
    return save_form(form, EnterpriseIn(), FIELDS, lambda data: create_enterprise(data, current_user),
                     title=_("New member enterprise"), back="web.admin.enterprises",
                     done=_("Enterprise registered."))


@admin_bp.route("/enterprises/<int:enterprise_id>", methods=["GET", "POST"])
def enterprise_edit(enterprise_id: int):
    enterprise = get_enterprise(current_user, enterprise_id)
    form = EnterpriseForm(obj=enterprise)
    form.province.choices = province_choices()
    return save_form(form, EnterpriseIn(), FIELDS,
                     lambda data: update_enterprise(enterprise, data, current_user),
                     title=_("Edit %(name)s", name=enterprise.name), back="web.admin.enterprises",
                     nullable=("name_en",))
