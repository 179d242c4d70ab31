"""Creating, editing and finding filings; the workflow is in ``workflow``."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa

from registry.audit.services import audited_fields, record
from registry.capacity.projection import count_filing
from registry.caps.services import PENDING, approval_previews
from registry.extensions import db
from registry.filings.models import APPROVED, DRAFT, OPEN, RETURNED, Filing, IdempotencyKey
from registry.members.models import Smelter
from registry.messages import Template
from registry.permissions import enterprise_scope, get_visible, require_role
from registry.problems import Conflict, InvalidInput
from registry.readiness import refusals_for
from registry.replacement.services import audited_replacements, carried_cover, set_replacements
from registry.roles import FILER

NO_SUCH_FILING = Template("no_such_filing", "No such filing.")
SMELTER_NOT_YOURS = Template("smelter_not_yours", "No such smelter in your enterprise.")
BEFORE_BASELINE = Template("before_baseline", "Must not be before the smelter's baseline month %(month)s.")
IMPLAUSIBLE_CAPACITY = Template(
    "implausible_capacity",
    "%(cell_count)s cells of %(amperage_ka)s kA can make at most %(max_plausible_tpa)s at 96 %% current efficiency.")
AMENDS_NOT_APPROVED = Template("amends_not_approved",
                               "Only an approved filing can be amended; #%(amends_id)s is %(status)s.")
AMENDMENT_OPEN = Template("amendment_open", "Filing #%(amends_id)s already has an open amendment, #%(amendment_id)s: "
                                            "withdraw it, or wait for its decision.")
AMENDMENT_KEEPS = Template("amendment_keeps_original", "An amendment keeps the original's smelter and kind.")
AMENDMENT_UNCHANGED = Template("amendment_unchanged",
                               "This amendment changes nothing: the capacity and month are the original's.")
CANCEL_FIXED = Template("cancel_fixed", "A cancellation keeps the original's capacity and month.")
NOT_EDITABLE = Template("not_editable", "Only a draft or returned filing can be edited; this one is %(status)s.")
IDEMPOTENCY_MISMATCH = Template("idempotency_key_reused",
                                "This key was used with a different request body; use a new key.")

FILING_FIELDS = ("smelter_id", "kind", "capacity_tpa", "effective_month", "status", "notes",
                 "decision_note", "cell_count", "cell_amperage_ka", "version", "amends_id", "cancel",
                 "superseded_by", "first_approved_by")
EDITABLE = (DRAFT, RETURNED)

# Faraday's law for aluminium: 0.3356 kg per kA-hour at 100 % current efficiency.
KG_PER_KA_HOUR = 0.3356
PLAUSIBLE_EFFICIENCY = 0.96
HOURS_PER_YEAR = 8760


def max_plausible_tpa(cell_count: int, amperage_ka: int) -> int:
    """The most ``cell_count`` cells of ``amperage_ka`` can make in a year at 96 %."""
    return int(cell_count * amperage_ka * PLAUSIBLE_EFFICIENCY * KG_PER_KA_HOUR * HOURS_PER_YEAR / 1000)


MONTH_FILTERS = ("effective_from", "effective_to")


def filtered(stmt: sa.Select, source, user, filters: dict[str, Any], *, join_smelter: bool = False) -> sa.Select:
    """The list's visibility and filters on ``source``: ``Filing``, or any model with its smelter, status, kind.

    The smelter is joined only when asked or when a condition needs it, so a
    count reads one narrow table. Month filters need ``Filing`` itself.
    """
    scope = enterprise_scope(user)
    if join_smelter or scope is not None or filters.get("enterprise_id") is not None or \
            filters.get("province") is not None:
        stmt = stmt.join(Smelter, Smelter.id == source.smelter_id)
    if scope is not None:
        stmt = stmt.where(Smelter.enterprise_id == scope)
    for name in ("status", "kind", "smelter_id"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(source, name) == filters[name])
    if filters.get("enterprise_id") is not None:
        stmt = stmt.where(Smelter.enterprise_id == filters["enterprise_id"])
    if filters.get("province") is not None:
        stmt = stmt.where(Smelter.province == filters["province"])
    if filters.get("effective_from") is not None:
        stmt = stmt.where(source.effective_month >= filters["effective_from"])
    if filters.get("effective_to") is not None:
        stmt = stmt.where(source.effective_month <= filters["effective_to"])
    return stmt


def filings_for(user, filters: dict[str, Any] | None = None, *, join_smelter: bool = False) -> sa.Select:
    """The filings ``user`` may see, filtered, oldest first."""
    return filtered(sa.select(Filing).order_by(Filing.id), Filing, user, filters or {}, join_smelter=join_smelter)


def get_filing(user, filing_id: int, *, for_update: bool = False) -> Filing:
    """A filing ``user`` may see, else 404; optionally locked for a state change."""
    return get_visible(user, Filing, filing_id, NO_SUCH_FILING, enterprise_of=lambda f: f.smelter.enterprise_id,
                       for_update=for_update)


def _check_rules(filing: Filing, smelter: Smelter) -> None:
    """The rules a filing's own fields must meet, whatever its status."""
    if filing.effective_month < smelter.baseline_month:
        raise InvalidInput("effective_month", BEFORE_BASELINE(month=smelter.baseline_month))
    amperage = filing.cell_amperage_ka or smelter.cell_amperage_ka
    if filing.cell_count and amperage:
        maximum = max_plausible_tpa(filing.cell_count, amperage)
        if filing.capacity_tpa > maximum:
            raise InvalidInput("capacity_tpa", IMPLAUSIBLE_CAPACITY(
                cell_count=filing.cell_count, amperage_ka=amperage, max_plausible_tpa=maximum),
                max_plausible_tpa=maximum)


def create_filing(data: dict[str, Any], user) -> Filing:
    """A new draft, by a filer of the smelter's enterprise; with ``amends_id``, an amendment."""
    require_role(user, FILER)
    data = dict(data)  # the caller hashes ``data`` for Idempotency-Key: leave it as sent
    if data.get("amends_id") is not None:
        return _create_amendment(data, user)
    data.pop("amends_id", None)
    data.pop("cancel", None)
    replacements = data.pop("replacements", None) or []
    smelter = db.session.get(Smelter, data["smelter_id"])
    if smelter is None or smelter.enterprise_id != user.enterprise_id:
        raise InvalidInput("smelter_id", SMELTER_NOT_YOURS())
    filing = Filing(**data, status=DRAFT, created_by=user.id)
    filing.smelter = smelter
    _check_rules(filing, smelter)
    db.session.add(filing)
    db.session.flush()
    count_filing(smelter.id, DRAFT, filing.kind, +1)
    set_replacements(filing, replacements)
    record(user, "filing", filing.id, "create", after=_audited(filing))
    return filing


def open_amendment(original_id: int) -> Filing | None:
    """The amendment of ``original_id`` not yet decided (at most one), or None."""
    return db.session.scalar(sa.select(Filing).where(Filing.amends_id == original_id, Filing.status.in_(OPEN)))


def _create_amendment(data: dict[str, Any], user) -> Filing:
    """A draft amendment of an approved filing of the user's enterprise (the original is locked).

    The original's row lock serialises two amendments of it; the partial unique
    index ``uq_filings_open_amendment`` would refuse the second anyway.
    """
    original = db.session.get(Filing, data["amends_id"], with_for_update=True, populate_existing=True)
    if original is None or original.smelter.enterprise_id != user.enterprise_id:
        raise InvalidInput("amends_id", NO_SUCH_FILING())
    if original.status != APPROVED:
        raise Conflict(AMENDS_NOT_APPROVED(amends_id=original.id, status=original.status),
                       code="amends_not_approved", amends_id=original.id, status_now=original.status)
    for name in ("smelter_id", "kind"):
        if data.get(name) is not None and data[name] != getattr(original, name):
            raise InvalidInput(name, AMENDMENT_KEEPS())
    earlier = open_amendment(original.id)
    if earlier is not None:
        raise Conflict(AMENDMENT_OPEN(amends_id=original.id, amendment_id=earlier.id), code="amendment_open",
                       amends_id=original.id, amendment_id=earlier.id)
    capacity = data.get("capacity_tpa", original.capacity_tpa)
    month = data.get("effective_month", original.effective_month)
    if not data.get("cancel") and (capacity, month) == (original.capacity_tpa, original.effective_month):
        raise InvalidInput("capacity_tpa", AMENDMENT_UNCHANGED())
    filing = Filing(smelter_id=original.smelter_id, kind=original.kind, capacity_tpa=capacity, effective_month=month,
                    notes=data.get("notes", ""), cell_count=data.get("cell_count", original.cell_count),
                    cell_amperage_ka=data.get("cell_amperage_ka", original.cell_amperage_ka),
                    amends_id=original.id, cancel=bool(data.get("cancel")), status=DRAFT, created_by=user.id)
    filing.smelter = original.smelter
    _check_rules(filing, original.smelter)
    db.session.add(filing)
    db.session.flush()
    count_filing(filing.smelter_id, DRAFT, filing.kind, +1)
    replacements = data.get("replacements")
    if replacements is None and not filing.cancel:
        replacements = carried_cover(original, capacity)
    set_replacements(filing, [] if filing.cancel else replacements)
    record(user, "filing", filing.id, "create", after=_audited(filing))
    return filing


def update_filing(filing: Filing, data: dict[str, Any], user) -> Filing:
    """Edit a draft or returned filing (its enterprise's filer)."""
    require_role(user, FILER)
    if filing.status not in EDITABLE:
        raise Conflict(NOT_EDITABLE(status=filing.status), code="not_editable", status_now=filing.status)
    before = _audited(filing)
    data = dict(data)
    replacements = data.pop("replacements", None)
    if filing.amends_id is not None:
        if data.get("kind", filing.kind) != filing.kind:
            raise InvalidInput("kind", AMENDMENT_KEEPS())
        for name in ("capacity_tpa", "effective_month") if filing.cancel else ():
            if data.get(name, getattr(filing, name)) != getattr(filing, name):
                raise InvalidInput(name, CANCEL_FIXED())
    if data.get("kind", filing.kind) != filing.kind:
        count_filing(filing.smelter_id, filing.status, filing.kind, -1)
        count_filing(filing.smelter_id, filing.status, data["kind"], +1)
    for name, value in data.items():
        setattr(filing, name, value)
    _check_rules(filing, filing.smelter)
    set_replacements(filing, replacements)
    filing.version += 1
    db.session.flush()
    record(user, "filing", filing.id, "update", before=before, after=_audited(filing))
    return filing


def _audited(filing: Filing) -> dict[str, Any]:
    """The filing's fields and the indicators it draws on, for audit events."""
    return {**audited_fields(filing, FILING_FIELDS), "replacements": audited_replacements(filing)}


def request_hash(data: dict[str, Any]) -> str:
    """A digest of a request body, to tell a retry from a different request."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def find_idempotent(user, key: str, data: dict[str, Any]) -> Filing | None:
    """The filing an earlier request with this key created, or None.

    The same key with a different body is refused (422), as api.md says.
    """
    earlier = db.session.scalar(
        sa.select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key))
    if earlier is None:
        return None
    if earlier.request_hash != request_hash(data):
        raise InvalidInput("Idempotency-Key", IDEMPOTENCY_MISMATCH())
    return db.session.get(Filing, earlier.filing_id)


def remember_idempotent(user, key: str, data: dict[str, Any], filing: Filing) -> None:
    """Record which filing this key created (unique per user and key)."""
    db.session.add(IdempotencyKey(user_id=user.id, key=key, request_hash=request_hash(data),
                                  filing_id=filing.id))
    db.session.flush()


def checks(filing: Filing) -> dict[str, Any]:
    """``GET /filings/{id}/checks``: what an approval now would refuse, and each covering cap's preview."""
    rows_of: dict[int, list] = {}
    previews = approval_previews([filing], rows_of)
    found = refusals_for([filing], previews, rows_of)[filing.id]
    return {"filing_id": filing.id, "status": filing.status, "checked": filing.status in PENDING,
            "would_pass": filing.status in PENDING and not found,
            "refusals": [refusal.to_dict() for refusal in found], "caps": previews[filing.id]}
