"""Enterprises and smelters: creation, edits, visibility."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

import sqlalchemy as sa

from registry.audit.services import audited_fields, record
from registry.auth.services import ALREADY_REGISTERED
from registry.capacity.checks import check_baseline
from registry.capacity.projection import rebuild_smelter
from registry.extensions import db
from registry.filings.models import Filing
from registry.members.models import Enterprise, Smelter
from registry.messages import Template
from registry.permissions import ensure_visible, enterprise_scope, get_visible
from registry.problems import Conflict, InvalidInput, NotFound
from registry.reference.provinces import is_prefecture

NO_SUCH_ENTERPRISE = Template("no_such_enterprise", "No such enterprise.")
NO_SUCH_SMELTER = Template("no_such_smelter", "No such smelter.")
USCC_TAKEN = Template("uscc_taken", "An enterprise with USCC %(uscc)s is already registered.")
OPERATING_ABOVE_BUILT = Template("baseline_operating_above_built", "Operating capacity cannot exceed built capacity.")
BASELINE_AFTER_FILINGS = Template("baseline_after_filings",
                                  "This smelter has filings from %(month)s; the baseline must not be later.")

ENTERPRISE_FIELDS = ("uscc", "name", "name_en", "province", "active")
SMELTER_FIELDS = ("enterprise_id", "name", "province", "prefecture", "baseline_month", "baseline_built_tpa",
                  "baseline_operating_tpa", "cell_amperage_ka", "power_source")
PREFECTURE_OUTSIDE = Template("prefecture_outside_province",
                              "Must be a prefecture of %(province)s: four digits starting with %(code)s, not "
                              "ending in 00.")


def enterprises_for(user) -> sa.Select:
    """The enterprises ``user`` may see."""
    stmt = sa.select(Enterprise).order_by(Enterprise.id)
    scope = enterprise_scope(user)
    return stmt if scope is None else stmt.where(Enterprise.id == scope)


def get_enterprise(user, enterprise_id: int) -> Enterprise:
    """An enterprise ``user`` may see, else 404."""
    return get_visible(user, Enterprise, enterprise_id, NO_SUCH_ENTERPRISE, enterprise_of=attrgetter("id"))


def _check_uscc_free(uscc: str, except_id: int | None = None) -> None:
    stmt = sa.select(Enterprise.id).where(Enterprise.uscc == uscc)
    if except_id is not None:
        stmt = stmt.where(Enterprise.id != except_id)
    if db.session.scalar(stmt) is not None:
        raise Conflict(USCC_TAKEN(uscc=uscc), errors={"uscc": [ALREADY_REGISTERED()]}, code="uscc_taken")


def create_enterprise(data: dict[str, Any], actor) -> Enterprise:
    """Register a member enterprise (admin)."""
    _check_uscc_free(data["uscc"])
    enterprise = Enterprise(**data)
    db.session.add(enterprise)
    db.session.flush()
    record(actor, "enterprise", enterprise.id, "create", after=audited_fields(enterprise, ENTERPRISE_FIELDS))
    return enterprise


def update_enterprise(enterprise: Enterprise, data: dict[str, Any], actor) -> Enterprise:
    """Edit an enterprise (admin)."""
    if "uscc" in data:
        _check_uscc_free(data["uscc"], except_id=enterprise.id)
    before = audited_fields(enterprise, ENTERPRISE_FIELDS)
    for name, value in data.items():
        setattr(enterprise, name, value)
    db.session.flush()
    record(actor, "enterprise", enterprise.id, "update", before=before,
           after=audited_fields(enterprise, ENTERPRISE_FIELDS))
    return enterprise


def smelters_for(user, enterprise_id: int | None = None, province: str | None = None) -> sa.Select:
    """The smelters ``user`` may see, optionally filtered."""
    return visible_smelters(sa.select(Smelter).order_by(Smelter.id), user, enterprise_id, province)


def visible_smelters(stmt: sa.Select, user, enterprise_id: int | None = None,
                     province: str | None = None) -> sa.Select:
    """``stmt`` (which selects from ``Smelter``) narrowed to the smelters ``user`` may see, and filtered."""
    scope = enterprise_scope(user)
    if scope is not None:
        stmt = stmt.where(Smelter.enterprise_id == scope)
    if enterprise_id is not None:
        stmt = stmt.where(Smelter.enterprise_id == enterprise_id)
    if province is not None:
        stmt = stmt.where(Smelter.province == province)
    return stmt


def get_smelter(user, smelter_id: int, *, for_update: bool = False) -> Smelter:
    """A smelter ``user`` may see, else 404."""
    smelter = db.session.get(Smelter, smelter_id, with_for_update=for_update or None,
                             populate_existing=for_update)
    if smelter is None:
        raise NotFound(NO_SUCH_SMELTER())
    ensure_visible(user, smelter.enterprise_id, NO_SUCH_SMELTER)
    return smelter


def _check_prefecture(smelter: Smelter) -> None:
    """A prefecture (GB/T 2260) lies in the smelter's province: its code starts with the province's."""
    code = smelter.prefecture
    if code is not None and not (is_prefecture(code) and code[:2] == smelter.province):
        raise InvalidInput("prefecture", PREFECTURE_OUTSIDE(province=smelter.province, code=smelter.province))


def _check_baseline(smelter: Smelter) -> None:
    if smelter.baseline_operating_tpa > smelter.baseline_built_tpa:
        raise InvalidInput("baseline_operating_tpa", OPERATING_ABOVE_BUILT())


def create_smelter(data: dict[str, Any], actor) -> Smelter:
    """Register a smelter with its baseline (admin)."""
    if db.session.get(Enterprise, data["enterprise_id"]) is None:
        raise InvalidInput("enterprise_id", NO_SUCH_ENTERPRISE())
    smelter = Smelter(**data)
    _check_prefecture(smelter)
    _check_baseline(smelter)
    db.session.add(smelter)
    db.session.flush()
    record(actor, "smelter", smelter.id, "create", after=audited_fields(smelter, SMELTER_FIELDS))
    return smelter


def update_smelter(smelter: Smelter, data: dict[str, Any], actor) -> Smelter:
    """Edit a smelter (admin); a new baseline must still fit its approved filings."""
    if "enterprise_id" in data and db.session.get(Enterprise, data["enterprise_id"]) is None:
        raise InvalidInput("enterprise_id", NO_SUCH_ENTERPRISE())
    if "baseline_month" in data:
        earliest = db.session.scalar(
            sa.select(sa.func.min(Filing.effective_month)).where(Filing.smelter_id == smelter.id))
        if earliest is not None and data["baseline_month"] > earliest:
            raise InvalidInput("baseline_month", BASELINE_AFTER_FILINGS(month=earliest))
    before = audited_fields(smelter, SMELTER_FIELDS)
    for name, value in data.items():
        setattr(smelter, name, value)
    _check_prefecture(smelter)
    _check_baseline(smelter)
    check_baseline(smelter)
    db.session.flush()
    if before["baseline_month"] != smelter.baseline_month or before["baseline_built_tpa"] != \
            smelter.baseline_built_tpa or before["baseline_operating_tpa"] != smelter.baseline_operating_tpa:
        rebuild_smelter(smelter)  # every month of the projection starts from the baseline
    record(actor, "smelter", smelter.id, "update", before=before, after=audited_fields(smelter, SMELTER_FIELDS))
    return smelter
