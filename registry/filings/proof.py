"""The filing page's proof of replacement from the web: notice, objections, announcement, dismantling.

Each step posts a form through the API's schema to the same service as the
API (``registry.evidence.services``); a refusal lands beside its field on
the filing page.
"""

from __future__ import annotations

from collections.abc import Callable
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


def _run(step: str, filing_id: int, data: dict[str, Any], objection_id: int | None) -> None:
    actor = current_user
    {
        "notice": lambda: services.publish_notice(filing_id, data, actor),
        "objection": lambda: services.raise_objection(filing_id, data["note"], actor),
        "resolve": lambda: services.resolve_objection(filing_id, objection_id, data["upheld"], data["note"], actor),
        "announcement": lambda: services.announce(filing_id, data["announced_on"], data["document_no"], actor),
        "dismantling": lambda: services.record_dismantling(filing_id, data["completed_on"], data["evidence"], actor),
        "confirm": lambda: services.confirm_dismantling(filing_id, actor),
    }[step]()


# step -> (form, the API's schema, its fields, what the page says when done)
STEPS: dict[str, tuple[Callable, Any, tuple[str, ...], Callable[[], str]]] = {
    "notice": (NoticeForm, NoticeIn(), ("authority", "published_on", "url"), lambda: _("Public notice recorded.")),
    "objection": (ObjectionForm, ObjectionIn(), ("note",), lambda: _("Objection recorded.")),
    "resolve": (ResolutionForm, ResolutionIn(), ("upheld", "note"), lambda: _("Objection resolved.")),
    "announcement": (AnnouncementForm, AnnouncementIn(), ("announced_on", "document_no"),
                     lambda: _("Announcement recorded.")),
    "dismantling": (DismantlingForm, DismantlingIn(), ("completed_on", "evidence"),
                    lambda: _("Dismantling recorded: staff confirm it.")),
    "confirm": (ActionForm, None, (), lambda: _("Dismantling confirmed.")),
}


@bp.route("/filings/<int:filing_id>/proof/<step>", methods=["POST"])
@bp.route("/filings/<int:filing_id>/proof/<step>/<int:objection_id>", methods=["POST"])
def filing_proof(filing_id: int, step: str, objection_id: int | None = None):
    """One step of the proof, through the API's schema and service; back to the filing page."""
    if step not in STEPS or (step == "resolve") != (objection_id is not None):
        abort(404)
    get_filing(current_user, filing_id)  # 404 for another member's filing, before anything is read
    form_class, schema, names, done = STEPS[step]
    form = form_class()
    if submitted(form):
        extra = {"upheld": form.upheld.data == "true"} if step == "resolve" else {}
        data = load(form, schema, tuple(n for n in names if n not in extra), **extra) if schema else {}
        if data is not None:
            try:
                _run(step, filing_id, data, objection_id)
            except Problem as problem:
                show_problem(form, problem, names[0] if names else None)
            else:
                flash(done(), "success")
                return redirect(url_for("web.filing_detail", filing_id=filing_id, _anchor="proof"))
    return render_detail(get_filing(current_user, filing_id), status=422, proof_forms={step: form})
