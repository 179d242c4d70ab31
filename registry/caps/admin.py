"""Admin: caps. Deactivated, never deleted; the audit keeps every edit."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from registry import labels
from registry.caps.forms import CapForm
from registry.caps.models import BASES, SCOPES
from registry.caps.schemas import CapIn
from registry.caps.services import caps_for, create_cap, get_cap, update_cap
from registry.extensions import db
from registry.ui.formkit import save_form
from registry.ui.pages import admin_bp

FIELDS = ("name", "scope", "scope_ref", "basis", "limit_tpa", "period_from", "period_to", "source", "active")


def _form(**kwargs) -> CapForm:
    form = CapForm(**kwargs)
    form.scope.choices = [(s, str(labels.SCOPES[s])) for s in SCOPES]
    form.basis.choices = [(b, str(labels.BASES[b])) for b in BASES]
    return form


@admin_bp.route("/caps")
def caps():
    return render_template("admin/caps.html", caps=list(db.session.scalars(caps_for(current_user))))


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
