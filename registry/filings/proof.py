"""The filing page's proof of replacement from the web: notice, objections, announcement, dismantling.

Each step posts a form through the API's schema to the same service as the
API (``registry.evidence.services``); a refusal lands beside its field on
the filing page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.evidence import services
from registry.evidence.schemas import AnnouncementIn, DismantlingIn, NoticeIn, ObjectionIn, ResolutionIn
from registry.filings.forms import AnnouncementForm, DismantlingForm, NoticeForm, ObjectionForm, ResolutionForm
from registry.filings.services import get_filing
from registry.filings.views import render_detail
from registry.problems import Problem
from registry.ui.formkit import load, show_problem, submitted
from registry.ui.forms import ActionForm
from registry.ui.pages import bp


@dataclass(frozen=True)
class Step:
    """One step of the proof: its form, the API's schema and fields, the service call, what the page says."""

    form: Callable
    schema: Any
    fields: tuple[str, ...]
    run: Callable[[int, dict[str, Any], int | None, Any], object]  # (filing_id, data, objection_id, actor)
    done: Callable[[], str]


STEPS = {
    "notice": Step(NoticeForm, NoticeIn(), ("authority", "published_on", "url"),
                   lambda f, d, _o, a: services.publish_notice(f, d, a), lambda: _("Public notice recorded.")),
    "objection": Step(ObjectionForm, ObjectionIn(), ("note",),
                      lambda f, d, _o, a: services.raise_objection(f, d["note"], a), lambda: _("Objection recorded.")),
    "resolve": Step(ResolutionForm, ResolutionIn(), ("upheld", "note"),
                    lambda f, d, o, a: services.resolve_objection(f, o, d["upheld"], d["note"], a),
                    lambda: _("Objection resolved.")),
    "announcement": Step(AnnouncementForm, AnnouncementIn(), ("announced_on", "document_no"),
                         lambda f, d, _o, a: services.announce(f, d["announced_on"], d["document_no"], a),
                         lambda: _("Announcement recorded.")),
    "dismantling": Step(DismantlingForm, DismantlingIn(), ("completed_on", "evidence"),
                        lambda f, d, _o, a: services.record_dismantling(f, d["completed_on"], d["evidence"], a),
                        lambda: _("Dismantling recorded: staff confirm it.")),
    "confirm": Step(ActionForm, None, (), lambda f, _d, _o, a: services.confirm_dismantling(f, a),
                    lambda: _("Dismantling confirmed.")),
}


@bp.route("/filings/<int:filing_id>/proof/<step>", methods=["POST"])
@bp.route("/filings/<int:filing_id>/proof/<step>/<int:objection_id>", methods=["POST"])
def filing_proof(filing_id: int, step: str, objection_id: int | None = None):
    """One step of the proof, through the API's schema and service; back to the filing page."""
    if step not in STEPS or (step == "resolve") != (objection_id is not None):
        abort(404)
    get_filing(current_user, filing_id)  # 404 for another member's filing, before anything is read
    spec = STEPS[step]
    form = spec.form()
    if submitted(form):
        extra = {"upheld": form.upheld.data == "true"} if step == "resolve" else {}
        fields = tuple(n for n in spec.fields if n not in extra)
        data = load(form, spec.schema, fields, **extra) if spec.schema else {}
        if data is not None:
            try:
                spec.run(filing_id, data, objection_id, current_user)
            except Problem as problem:
                show_problem(form, problem, spec.fields[0] if spec.fields else None)
            else:
                flash(spec.done(), "success")
                return redirect(url_for("web.filing_detail", filing_id=filing_id, _anchor="proof"))
    return render_detail(get_filing(current_user, filing_id), status=422, proof_forms={step: form})
