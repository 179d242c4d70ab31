"""Filings: list, new, detail with history and actions, edit, and the workflow steps."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry import labels
from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.capacity.positions import position_at
from registry.caps.services import PENDING, approval_previews
from registry.errors import settle_refusal
from registry.extensions import db
from registry.filings import services, workflow
from registry.filings.cover_rows import indicator_choices, prepare_rows, replacement_rows, row_errors, rows_posted
from registry.filings.forms import AmendmentForm, FilingFilterForm, FilingForm
from registry.filings.models import APPROVED, KINDS, OPEN, STATUSES, Filing
from registry.filings.proof_panel import proof_of
from registry.filings.schemas import FilingFilter, FilingIn, FilingPatch, TransitionIn
from registry.formatting import is_chinese
from registry.members.models import Enterprise, Smelter
from registry.members.services import enterprises_for, smelters_for
from registry.permissions import require_role
from registry.problems import Problem, RuleBroken
from registry.readiness import refusals_for
from registry.reference.provinces import PROVINCES
from registry.roles import FILER
from registry.ui.formkit import load, show_problem, submitted
from registry.ui.forms import (
    ActionForm,
    NoteForm,
)
from registry.ui.listing import Listing
from registry.ui.pages import bp

FORM_FIELDS = ("smelter_id", "kind", "capacity_tpa", "effective_month", "notes", "cell_count",
               "cell_amperage_ka")
OPTIONAL_FIELDS = ("cell_count", "cell_amperage_ka")
PAGE_SIZE = 25


def _smelter_choices(blank: str) -> list[tuple]:
    smelters = db.session.scalars(smelters_for(current_user))
    return [("", blank)] + [(s.id, s.name) for s in smelters]


def _kind_choices(blank: str | None = None) -> list[tuple]:
    head = [("", blank)] if blank else []
    return head + [(k, str(labels.KINDS[k])) for k in KINDS]


# The list's sortable columns; the exports keep the same order.
SORTS = {"number": Filing.id, "smelter": Smelter.name, "enterprise": Enterprise.name, "capacity": Filing.capacity_tpa,
         "effective": Filing.effective_month, "status": Filing.status, "submitted": Filing.submitted_at}


def filings_listing() -> tuple[FilingFilterForm, Listing, sa.Select]:
    """The filings list as the query string asks for it: its filter form, search and sort, and the statement.

    The page and its exports share it, so a download holds what the page lists.
    """
    form = FilingFilterForm(request.args)
    form.status.choices = [("", _("Any status"))] + [(s, str(labels.STATUSES[s])) for s in STATUSES]
    form.kind.choices = _kind_choices(_("Any kind"))
    form.smelter_id.choices = _smelter_choices(_("Any smelter"))
    form.enterprise_id.choices = [("", _("Any enterprise"))] + [
        (e.id, e.name) for e in db.session.scalars(enterprises_for(current_user))]
    form.province.choices = [("", _("Any province"))] + [
        (code, zh if is_chinese() else en) for code, zh, en in PROVINCES]
    filters = {}
    if request.args:
        form.validate()
        loaded = load(form, FilingFilter(), ("status", "kind", "smelter_id", "enterprise_id", "province",
                                             "effective_from", "effective_to"))
        filters = loaded or {}
    listing = Listing.from_request(SORTS, "-number")
    stmt = services.filings_for(current_user, filters, join_smelter=True).join(
        Enterprise, Enterprise.id == Smelter.enterprise_id)
    stmt = listing.search(stmt, Smelter.name, Enterprise.name, Enterprise.name_en, id_column=Filing.id)
    return form, listing, listing.ordered(stmt, Filing.id.desc())


@bp.route("/filings")
def filings():
    """Filings this user may see, newest first, with the API's filters, a search, sorting and paging."""
    form, listing, stmt = filings_listing()
    items, meta = listing.paged(stmt, PAGE_SIZE)
    enterprises = {e.id: e for e in db.session.scalars(
        sa.select(Enterprise).where(Enterprise.id.in_({f.smelter.enterprise_id for f in items})))}
    return render_template("filings/list.html", form=form, filings=items, meta=meta, enterprises=enterprises,
                           listing=listing)


def _saved(form: FilingForm, save: Callable[[], Filing], done: str):
    """Call the service: on success flash ``done`` and go to the filing; refused, mark the form (None)."""
    try:
        filing = save()
    except Problem as problem:
        show_problem(form, problem)
        return None
    flash(done, "info")
    return redirect(url_for("web.filing_detail", filing_id=filing.id))


@bp.route("/filings/new", methods=["GET", "POST"])
def filing_new():
    """A new draft (filers); the form comes back with messages beside the fields."""
    require_role(current_user, FILER)
    form = FilingForm()
    form.smelter_id.choices = _smelter_choices(_("Choose a smelter"))
    form.kind.choices = _kind_choices(_("Choose a kind"))
    if request.method == "GET" and request.args.get("smelter_id", type=int):
        form.smelter_id.data = request.args.get("smelter_id", type=int)
    choices = indicator_choices(current_user)
    prepare_rows(form, choices)
    if submitted(form):
        rows = replacement_rows(form)
        data = load(form, FilingIn(), FORM_FIELDS, **({"replacements": rows} if rows else {}))
        if data is not None and rows is not None:
            saved = _saved(form, lambda: services.create_filing(data, current_user),
                           _("Draft saved. Check it, then submit it for review."))
            if saved is not None:
                return saved
    status = 422 if request.method == "POST" else 200
    return render_template("filings/form.html", form=form, filing=None, indicator_choices=choices,
                           row_errors=row_errors(form)), status


@bp.route("/filings/<int:filing_id>/amend", methods=["GET", "POST"])
def filing_amend(filing_id: int):
    """A draft amendment of an approved filing (its enterprise's filer): what changes, or a cancellation."""
    original = services.get_filing(current_user, filing_id)
    require_role(current_user, FILER)
    form = AmendmentForm()
    if request.method == "GET":
        form.capacity_tpa.data, form.effective_month.data = original.capacity_tpa, original.effective_month
    if submitted(form):
        data = load(form, FilingIn(), ("capacity_tpa", "effective_month", "notes"), amends_id=original.id,
                    cancel=bool(form.cancel.data))
        if data is not None:
            if data["cancel"]:  # a cancellation keeps the original's figures, whatever the boxes held
                data.pop("capacity_tpa", None)
                data.pop("effective_month", None)
            else:
                for name in ("capacity_tpa", "effective_month"):
                    if data.get(name) == getattr(original, name):
                        data.pop(name)  # only what changes
                if "capacity_tpa" not in data and "effective_month" not in data:
                    data["capacity_tpa"] = original.capacity_tpa  # the service says it changes nothing
            saved = _saved(form, lambda: services.create_filing(data, current_user),
                           _("Draft amendment saved. Check it, then submit it for review."))
            if saved is not None:
                return saved
    status = 422 if request.method == "POST" else 200
    return render_template("filings/amend.html", form=form, original=original), status


@bp.route("/filings/<int:filing_id>/edit", methods=["GET", "POST"])
def filing_edit(filing_id: int):
    """Edit a draft or returned filing (its enterprise's filer)."""
    filing = services.get_filing(current_user, filing_id)
    require_role(current_user, FILER)
    form = FilingForm(obj=filing)
    del form.smelter_id
    form.kind.choices = _kind_choices() if filing.amends_id is None else [
        (filing.kind, str(labels.KINDS[filing.kind]))]  # an amendment keeps its original's kind
    choices = indicator_choices(current_user, keep=[r.indicator_id for r in filing.replacements])
    prepare_rows(form, choices, spare_row=request.method == "GET")
    if submitted(form):
        cleared = {name: None for name in OPTIONAL_FIELDS if form[name].data is None}
        rows = replacement_rows(form)
        listed = {"replacements": rows} if rows is not None and rows_posted() else {}
        data = load(form, FilingPatch(), tuple(f for f in FORM_FIELDS if f != "smelter_id"), **listed)
        if data is not None and rows is not None:
            saved = _saved(form, lambda: services.update_filing(filing, {**cleared, **data}, current_user),
                           _("Changes saved."))
            if saved is not None:
                return saved
    status = 422 if request.method == "POST" else 200
    return render_template("filings/form.html", form=form, filing=filing, indicator_choices=choices,
                           row_errors=row_errors(form)), status


def history(filing_id: int) -> list[tuple[AuditEvent, str | None]]:
    """The filing's audit trail with who acted, oldest first."""
    return list(db.session.execute(
        sa.select(AuditEvent, User.email)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.entity_type == "filing", AuditEvent.entity_id == filing_id)
        .order_by(AuditEvent.id)
    ).all())


def render_detail(filing, *, status: int = 200, refusal: RuleBroken | None = None,
                  note_forms: dict | None = None, proof_forms: dict | None = None):
    """The filing page: facts, position, cap preview, history and the actions allowed now."""
    actions = workflow.allowed_actions(filing, current_user)
    note_forms = note_forms or {}
    forms = {action: note_forms.get(action) or (NoteForm() if workflow.TRANSITIONS[action].note_required
                                               else ActionForm())
             for action in actions}
    rows_of: dict[int, list] = {}
    previews = approval_previews([filing], rows_of)  # a filer sees what the reviewer will see
    pending = filing.status in PENDING
    enterprise = db.session.get(Enterprise, filing.smelter.enterprise_id)
    amendments = list(db.session.scalars(sa.select(Filing).where(Filing.amends_id == filing.id).order_by(Filing.id)))
    return render_template(
        "filings/detail.html", filing=filing, enterprise=enterprise, actions=actions, forms=forms,
        preview=previews[filing.id], refusal=refusal, history=history(filing.id),
        refusals=refusals_for([filing], previews, rows_of)[filing.id] if pending else None,
        position=position_at(filing.smelter, filing.effective_month),
        editable=filing.status in services.EDITABLE and current_user.role == FILER,
        original=db.session.get(Filing, filing.amends_id) if filing.amends_id else None, amendments=amendments,
        amendable=filing.status == APPROVED and current_user.role == FILER
        and not any(a.status in OPEN for a in amendments),
        four_eyes=workflow.needs_four_eyes(filing), threshold_tpa=current_app.config["FOUR_EYES_THRESHOLD_TPA"],
        first_approver=db.session.get(User, filing.first_approved_by) if filing.first_approved_by else None,
        proof=proof_of(filing, proof_forms),
    ), status


@bp.route("/filings/<int:filing_id>")
def filing_detail(filing_id: int):
    return render_detail(services.get_filing(current_user, filing_id))


def _done_message(action: str) -> str:
    return {
        "submit": _("Filing submitted for review."),
        "withdraw": _("Filing withdrawn."),
        "approve": _("Filing approved."),
        "reject": _("Filing rejected."),
        "return": _("Filing returned to the filer for changes."),
    }[action]


@bp.route("/filings/<int:filing_id>/<action>", methods=["POST"])
def filing_action(filing_id: int, action: str):
    """One workflow step through the same service as the API; a refusal shows its figures."""
    if action not in workflow.TRANSITIONS:
        abort(404)
    spec = workflow.TRANSITIONS[action]
    form = NoteForm() if spec.note_required else ActionForm()
    filing = services.get_filing(current_user, filing_id)
    if not form.validate_on_submit():
        abort(400)
    note = None
    if spec.note_required:
        data = load(form, TransitionIn(), ("note",))
        if data is None:
            return render_detail(filing, status=422, note_forms={action: form})
        note = data.get("note")
    try:
        workflow.transition(filing_id, action, current_user, note)
    except RuleBroken as refusal:
        settle_refusal(refusal)
        return render_detail(services.get_filing(current_user, filing_id), status=409, refusal=refusal)
    except Problem as problem:
        show_problem(form if spec.note_required else None, problem)
        return render_detail(services.get_filing(current_user, filing_id), status=problem.status,
                             note_forms={action: form} if spec.note_required else None)
    flash(_done_message(action), "info")
    if request.form.get("next") == "review" and current_user.is_staff:
        return redirect(url_for("web.review"))
    return redirect(url_for("web.filing_detail", filing_id=filing_id))
