"""Admin: member enterprises, and smelters with their baselines."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from registry import labels
from registry.extensions import db
from registry.members.forms import EnterpriseForm, SmelterForm, enterprise_choices
from registry.members.models import POWER_SOURCES, Enterprise, Smelter
from registry.members.schemas import EnterpriseIn, SmelterIn
from registry.members.services import (
    create_enterprise,
    create_smelter,
    enterprises_for,
    get_enterprise,
    get_smelter,
    smelters_for,
    update_enterprise,
    update_smelter,
)
from registry.ui.formkit import save_form
from registry.ui.forms import (
    province_choices,
)
from registry.ui.listing import Listing
from registry.ui.pages import admin_bp

ENTERPRISE_FIELDS = ("uscc", "name", "name_en", "province", "active")
PAGE_SIZE = 25
ENTERPRISE_SORTS = {"name": Enterprise.name, "uscc": Enterprise.uscc, "province": Enterprise.province,
                    "status": Enterprise.active}
SMELTER_SORTS = {"name": Smelter.name, "enterprise": (Enterprise.name, Enterprise.id), "province": Smelter.province,
                 "baseline": Smelter.baseline_month, "built": Smelter.baseline_built_tpa,
                 "operating": Smelter.baseline_operating_tpa}


@admin_bp.route("/enterprises")
def enterprises():
    """Member enterprises: searched by name, English name, credit code or number; sorted; paged."""
    listing = Listing.from_request(ENTERPRISE_SORTS, "name")
    stmt = listing.search(enterprises_for(current_user), Enterprise.name, Enterprise.name_en, Enterprise.uscc,
                          id_column=Enterprise.id)
    rows, meta = listing.paged(listing.ordered(stmt, Enterprise.id), PAGE_SIZE)
    return render_template("admin/enterprises.html", enterprises=rows, listing=listing, meta=meta)


@admin_bp.route("/enterprises/new", methods=["GET", "POST"])
def enterprise_new():
    form = EnterpriseForm()
    form.province.choices = province_choices(_("Choose a province"))
    return save_form(form, EnterpriseIn(), ENTERPRISE_FIELDS, lambda data: create_enterprise(data, current_user),
                     title=_("New member enterprise"), back="web.admin.enterprises",
                     done=_("Enterprise registered."))


@admin_bp.route("/enterprises/<int:enterprise_id>", methods=["GET", "POST"])
def enterprise_edit(enterprise_id: int):
    enterprise = get_enterprise(current_user, enterprise_id)
    form = EnterpriseForm(obj=enterprise)
    form.province.choices = province_choices()
    return save_form(form, EnterpriseIn(), ENTERPRISE_FIELDS,
                     lambda data: update_enterprise(enterprise, data, current_user),
                     title=_("Edit %(name)s", name=enterprise.name), back="web.admin.enterprises",
                     nullable=("name_en",))


SMELTER_FIELDS = ("enterprise_id", "name", "province", "prefecture", "baseline_month", "baseline_built_tpa",
          "baseline_operating_tpa", "cell_amperage_ka", "power_source")


def _form(**kwargs) -> SmelterForm:
    form = SmelterForm(**kwargs)
    form.enterprise_id.choices = enterprise_choices(current_user, _("Choose an enterprise"))
    form.province.choices = province_choices(_("Choose a province"))
    form.power_source.choices = [(p, str(labels.POWER_SOURCES[p])) for p in POWER_SOURCES]
    return form


@admin_bp.route("/smelters")
def smelters():
    """Smelters with their baselines: searched by smelter, enterprise or number; sorted; paged."""
    listing = Listing.from_request(SMELTER_SORTS, "enterprise")
    stmt = smelters_for(current_user).join(Enterprise, Enterprise.id == Smelter.enterprise_id)
    stmt = listing.search(stmt, Smelter.name, Enterprise.name, Enterprise.name_en, id_column=Smelter.id)
    rows, meta = listing.paged(listing.ordered(stmt, Smelter.name, Smelter.id), PAGE_SIZE)
    enterprises = {e.id: e for e in db.session.scalars(
        sa.select(Enterprise).where(Enterprise.id.in_({s.enterprise_id for s in rows})))}
    return render_template("admin/smelters.html", smelters=rows, enterprises=enterprises, listing=listing,
                           meta=meta)


@admin_bp.route("/smelters/new", methods=["GET", "POST"])
def smelter_new():
    return save_form(_form(), SmelterIn(), SMELTER_FIELDS, lambda data: create_smelter(data, current_user),
                     title=_("New smelter"), back="web.admin.smelters", done=_("Smelter registered."))


@admin_bp.route("/smelters/<int:smelter_id>", methods=["GET", "POST"])
def smelter_edit(smelter_id: int):
    smelter = get_smelter(current_user, smelter_id)
    return save_form(_form(obj=smelter), SmelterIn(), SMELTER_FIELDS,
                     lambda data: update_smelter(smelter, data, current_user),
                     title=_("Edit %(name)s", name=smelter.name), back="web.admin.smelters",
                     nullable=("cell_amperage_ka", "prefecture"))
