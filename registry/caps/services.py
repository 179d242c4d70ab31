"""Caps: creation and edits (admin), visibility, and the approval check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from registry import months
from registry.audit.services import audited_fields, record
from registry.capacity.checks import Effect, approval_effect, smelter_rows
from registry.capacity.disclosure import group_passes
from registry.capacity.models import SmelterMonth
from registry.capacity.usage import Usage, cap_usage, caps_covering, is_surge, national_additions, status_for
from registry.caps.models import ENTERPRISE, MONTHLY_ADDITIONS, PROVINCE, Cap
from registry.extensions import db
from registry.filings.models import AWAITING, DRAFT, RETURNED, SUBMITTED, Filing
from registry.members.models import Enterprise, Smelter
from registry.messages import Template
from registry.permissions import enterprise_scope
from registry.problems import CapExceeded, InvalidInput, NotFound
from registry.reference.provinces import PROVINCE_CODES
from registry.rest.fields import MAX_ID

NO_SUCH_CAP = Template("no_such_cap", "No such cap.")
PROVINCE_REF = Template("province_cap_ref", "A province cap needs a GB/T 2260 province code.")
ENTERPRISE_REF = Template("enterprise_cap_ref", "An enterprise cap needs an existing enterprise id.")
NATIONAL_REF = Template("national_cap_ref", "A national cap has no scope_ref.")
PERIOD_BACKWARDS = Template("period_backwards", "Must not be before period_from.")

PENDING = (DRAFT, SUBMITTED, RETURNED, AWAITING)  # filings an approval could still meet: previewed

CAP_FIELDS = ("name", "scope", "scope_province", "scope_enterprise_id", "basis", "limit_tpa",
              "period_from", "period_to", "source", "active")


def caps_for(user, active: bool | None = None) -> sa.Select:
    """The caps ``user`` may see: all for staff, those covering its enterprise for a filer."""
    stmt = sa.select(Cap).order_by(Cap.id)
    scope = enterprise_scope(user)
    if scope is not None:
        stmt = stmt.where(caps_covering(sa.select(Smelter.province).where(Smelter.enterprise_id == scope), scope))
    if active is not None:
        stmt = stmt.where(Cap.active.is_(active))
    return stmt


USAGE_FIGURES = ("approved_tpa", "pending_tpa", "headroom_tpa", "national_additions_tpa")


def usage_disclosed(user, cap: Cap) -> bool:
    """Whether ``user`` may read a cap's usage figures, or only its status.

    Staff read everything and a filer its own enterprise's caps. A national or
    province cap's usage is the sum of its members' capacity: a filer reads it
    only when that sum passes the public disclosure rule
    (``registry.capacity.disclosure``) over the enterprises in the cap's scope,
    by their current positions; otherwise, with few members, usage minus its own
    would be the others' figure. One grouped query.
    """
    if enterprise_scope(user) is None or cap.scope == ENTERPRISE:
        return True
    stmt = (sa.select(Smelter.enterprise_id, sa.func.sum(SmelterMonth.built_tpa),
                      sa.func.sum(SmelterMonth.operating_tpa))
            .join(Smelter, Smelter.id == SmelterMonth.smelter_id).where(SmelterMonth.is_last.is_(True))
            .group_by(Smelter.enterprise_id))
    if cap.scope == PROVINCE:
        stmt = stmt.where(Smelter.province == cap.scope_ref)
    contributions = {enterprise: {"built_tpa": int(built or 0), "operating_tpa": int(operating or 0)}
                     for enterprise, built, operating in db.session.execute(stmt)}
    return group_passes(contributions, ("built_tpa", "operating_tpa"))


def withheld_usage(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Usage rows with their figures withheld (null); the limit and the status bands stay."""
    return [{**row, **dict.fromkeys((k for k in USAGE_FIGURES if k in row), None)} for row in rows]


def get_cap(user, cap_id: int, *, for_update: bool = False) -> Cap:
    """A cap ``user`` may see, else 404; locked for an edit, so it waits for running approvals."""
    stmt = caps_for(user).where(Cap.id == cap_id)
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    cap = db.session.scalar(stmt)
    if cap is None:
        raise NotFound(NO_SUCH_CAP())
    return cap


def _is_id(ref: str | None) -> bool:
    """Whether ``ref`` is a database id that the database can compare (64-bit)."""
    return bool(ref) and ref.isascii() and ref.isdigit() and 0 < int(ref) <= MAX_ID


def _apply(cap: Cap, data: dict[str, Any]) -> None:
    """Set fields, turning the API's ``scope_ref`` into the matching column."""
    data = dict(data)
    has_ref = "scope_ref" in data
    ref = data.pop("scope_ref", None)
    for name, value in data.items():
        setattr(cap, name, value)
    if has_ref or "scope" in data:
        _apply_ref(cap, ref if has_ref else cap.scope_ref)
    if cap.period_from > cap.period_to:
        raise InvalidInput("period_to", PERIOD_BACKWARDS())


def _apply_ref(cap: Cap, ref: str | None) -> None:
    """Set the scope's column from ``ref``; no autoflush, which would write a half-set scope (a 500)."""
    with db.session.no_autoflush:
        cap.scope_province = cap.scope_enterprise_id = None
        if cap.scope == PROVINCE:
            if ref not in PROVINCE_CODES:
                raise InvalidInput("scope_ref", PROVINCE_REF())
            cap.scope_province = ref
        elif cap.scope == ENTERPRISE:
            if not _is_id(ref) or db.session.get(Enterprise, int(ref)) is None:
                raise InvalidInput("scope_ref", ENTERPRISE_REF())
            cap.scope_enterprise_id = int(ref)
        elif ref not in (None, ""):
            raise InvalidInput("scope_ref", NATIONAL_REF())


def create_cap(data: dict[str, Any], actor) -> Cap:
    """A new cap (admin). One created below today's usage shows as a breach."""
    cap = Cap(active=True, source="")
    data = {"scope_ref": None, **data}
    _apply(cap, data)
    db.session.add(cap)
    db.session.flush()
    record(actor, "cap", cap.id, "create", after=audited_fields(cap, CAP_FIELDS))
    return cap


def update_cap(cap: Cap, data: dict[str, Any], actor) -> Cap:
    """Edit or deactivate a cap (admin); caps are never deleted, the audit keeps history."""
    before = audited_fields(cap, CAP_FIELDS)
    _apply(cap, data)
    db.session.flush()
    record(actor, "cap", cap.id, "update", before=before, after=audited_fields(cap, CAP_FIELDS))
    return cap


def covering_caps(smelter: Smelter, *, lock: bool = False) -> list[Cap]:
    """Active caps covering ``smelter``, by id (the lock order)."""
    stmt = (
        sa.select(Cap)
        .where(Cap.active.is_(True), caps_covering(smelter.province, smelter.enterprise_id))
        .order_by(Cap.id)
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return list(db.session.scalars(stmt))


def affected_months(cap: Cap, effect: Effect) -> tuple[str, str] | None:
    """The months of the cap's period that approving the filing changes, as (first, last)."""
    if cap.basis == MONTHLY_ADDITIONS:
        inside = [m for m, change in effect.additions.items() if change and cap.period_from <= m <= cap.period_to]
        return (min(inside), max(inside)) if inside else None
    first = max(cap.period_from, effect.first)
    return (first, cap.period_to) if first <= cap.period_to else None


@dataclass(frozen=True)
class CapImpact:
    """What approving a filing does to one cap, in the month where the cap ends highest."""

    cap: Cap
    delta_tpa: int  # the filing's addition to the cap's basis in that month
    month: str | None = None  # None: the filing adds to no month of the cap's period
    usage_tpa: int | None = None  # approved usage there before the approval
    resulting_tpa: int | None = None

    @property
    def refused(self) -> bool:
        """Only a month the filing adds to can be refused; reductions always pass."""
        return self.delta_tpa > 0 and self.resulting_tpa is not None and self.resulting_tpa > self.cap.limit_tpa

    @property
    def excess_tpa(self) -> int:
        return max(0, (self.resulting_tpa or 0) - self.cap.limit_tpa)


def cap_impact(cap: Cap, filing: Filing, effect: Effect, usage=None) -> CapImpact:
    """The filing's effect on ``cap`` in the month of the cap's period it adds to that ends highest.

    ``usage(first, last)`` gives the cap's series for those months; by default
    it is queried, a preview of many filings passes one read per cap. A month
    the filing adds nothing to (a restart's capacity taken by a later
    closure) cannot be refused for it.
    """
    span = affected_months(cap, effect)
    if span is None:
        return CapImpact(cap, effect.delta(cap.basis, effect.first))
    series = usage(*span) if usage is not None else cap_usage(cap, *span)
    changed = [(u, effect.delta(cap.basis, u.month)) for u in series]
    changed = [(u, d) for u, d in changed if d != 0]
    if not changed:
        return CapImpact(cap, 0)
    adding = [(u, d) for u, d in changed if d > 0]
    worst, delta = max(adding or changed, key=lambda pair: pair[0].approved_tpa + pair[1])  # keeps the first
    return CapImpact(cap, delta, worst.month, worst.approved_tpa, worst.approved_tpa + delta)


def refusal_figures(impact: CapImpact) -> dict[str, Any] | None:
    """The figures of the ``cap_exceeded`` refusal an approval with this impact meets; None when it passes."""
    if not impact.refused:
        return None
    cap = impact.cap
    return {"cap_id": cap.id, "cap_name": cap.name, "basis": cap.basis, "month": impact.month,
            "usage_tpa": impact.usage_tpa, "filing_tpa": impact.delta_tpa, "resulting_tpa": impact.resulting_tpa,
            "limit_tpa": cap.limit_tpa, "excess_tpa": impact.excess_tpa}


def check_caps(smelter: Smelter, filing: Filing, effect: Effect) -> None:
    """Refuse a filing that would push any covering cap above its limit in any month.

    Filings that only lower capacity always pass. The caps are locked first
    (by id), so the usage read below cannot change before the approval commits.
    """
    for cap in covering_caps(smelter, lock=True):
        figures = refusal_figures(cap_impact(cap, filing, effect))
        if figures is not None:
            raise CapExceeded(**figures)


def approval_preview(filing: Filing) -> list[dict]:
    """What approving a filing not yet decided would do to each covering cap; locks and changes nothing.

    The same computation as :func:`check_caps`, so the page and the approval
    cannot disagree (short of another approval landing in between).
    """
    return approval_previews([filing])[filing.id]


def approval_previews(filings: list[Filing], rows_of: dict[int, list] | None = None) -> dict[int, list[dict]]:
    """:func:`approval_preview` for a queue of filings: one usage read per cap, not per filing.

    ``rows_of`` (smelter id -> its projection rows) is filled as smelters are read; a caller
    that checks the same filings' positions next passes the same dict and reads them once.
    """
    caps_of: dict[int, list[Cap]] = {}
    rows_of = {} if rows_of is None else rows_of
    series_of: dict[int, dict[str, Usage]] = {}

    def usage_of(cap: Cap):
        def usage(first: str, last: str) -> list[Usage]:
            if cap.id not in series_of:
                series_of[cap.id] = {u.month: u for u in cap_usage(cap, cap.period_from, cap.period_to)}
            return [series_of[cap.id][month] for month in months.span(first, last)]
        return usage

    previews: dict[int, list[dict]] = {}
    for filing in filings:
        if filing.status not in PENDING:
            previews[filing.id] = []
            continue
        smelter = filing.smelter
        if smelter.id not in caps_of:
            caps_of[smelter.id] = covering_caps(smelter)
        if smelter.id not in rows_of:
            rows_of[smelter.id] = smelter_rows(smelter)
        effect = approval_effect(smelter, filing, check=False, rows=rows_of[smelter.id])
        previews[filing.id] = [_preview_row(cap_impact(cap, filing, effect, usage_of(cap)))
                               for cap in caps_of[smelter.id]]
    return previews


def _preview_row(impact: CapImpact) -> dict:
    cap, affected = impact.cap, impact.month is not None
    return {
        "cap_id": cap.id, "name": cap.name, "scope": cap.scope, "scope_ref": cap.scope_ref,
        "basis": cap.basis, "affected": affected, "month": impact.month,
        "delta_tpa": impact.delta_tpa, "usage_tpa": impact.usage_tpa,
        "resulting_tpa": impact.resulting_tpa, "limit_tpa": cap.limit_tpa,
        "excess_tpa": impact.excess_tpa,
        "status": status_for(impact.resulting_tpa, cap.limit_tpa) if affected else None,
        "refused": impact.refused, "refusal": refusal_figures(impact),
    }


def surge_status(month: str | None = None) -> dict:
    """National additions in ``month`` (default: this month), with pending, and the surge flag."""
    month = month or months.current()
    return surge_by_month(month, month)[month]


def surge_by_month(first: str, last: str) -> dict[str, dict]:
    """:func:`surge_status` for each month ``first``..``last``, in one query."""
    threshold = current_app.config["SURGE_THRESHOLD_TPA"]
    return {month: {"month": month, "approved_tpa": approved, "pending_tpa": with_pending,
                    "threshold_tpa": threshold, "surge": is_surge(with_pending)}
            for month, (approved, with_pending) in national_additions(first, last).items()}
