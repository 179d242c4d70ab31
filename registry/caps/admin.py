"""Admin: caps. Deactivated, never deleted; the audit keeps every edit."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from registry import labels
from registry.caps.forms import CapForm
from registry.caps.models import BASES, SCOPES, Cap
from registry.caps.schemas import CapIn
from registry.caps.services import caps_for, create_cap, get_cap, update_cap
from registry.ui.formkit import save_form
from registry.ui.listing import Listing
from registry.ui.pages import admin_bp

FIELDS = ("name", "scope", "scope_ref", "basis", "limit_tpa", "period_from", "period_to", "source", "active")
PAGE_SIZE = 25  # caps are few, but a list is paged all the same
SORTS = {"name": Cap.name, "scope": (Cap.scope, Cap.scope_ref), "basis": Cap.basis, "limit": Cap.limit_tpa,
         "period": (Cap.period_from, Cap.period_to), "status": Cap.active}


def _form(**kwargs) -> CapForm:
    form = CapForm(**kwargs)
    form.scope.choices = [(s, str(labels.SCOPES[s])) for s in SCOPES]
    form.basis.choices = [(b, str(labels.BASES[b])) for b in BASES]
    return form


@admin_bp.route("/caps")
def caps():
    """Every cap, active or not: searched by name, source or number; sorted; paged."""
    listing = Listing.from_request(SORTS, "name")
    stmt = listing.search(caps_for(current_user), Cap.name, Cap.source, id_column=Cap.id)
    rows, meta = listing.paged(listing.ordered(stmt, Cap.id), PAGE_SIZE)
    return render_template("admin/caps.html", caps=rows, listing=listing, meta=meta)


@admin_bp.route("/caps/new", methods=["GET", "POST"])
def cap_new():
    return save_form(_form(), CapIn(), FIELDS, lambda data: create_cap(data, current_user),
                     title=_("New cap"), back="web.admin.caps", nullable=("scope_ref",),
                     done=_("Cap created."))


@admin_bp.route("/caps/<int:cap_id>", methods=["GET", "POST"])
def cap_edit(cap_id: int):
    cap = get_cap(current_user, cap_id)
    return save_form(_form(obj=cap), CapIn(), FIELDS, lambda data: update_cap(cap, data, current_user),
                     title=_("Edit %(name)s", name=cap.name), back="web.admin.caps", nullable=("scope_ref",))
