"""Recording the proof of replacement: notice, objections, announcement, dismantling.

Each step is one service call that checks who may take it and on which
filing, changes the row and writes the filing's audit event in the same
transaction. The notice's end is the 10th working day of the registry's own
calendar (``registry.workdays``); the approval rules that read these records
are in ``registry.evidence.rules``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from registry.audit.services import record
from registry.clock import today
from registry.db import utcnow
from registry.evidence.models import Dismantling, Notice, Objection
from registry.extensions import db
from registry.filings.models import CLOSURE, NEW_CAPACITY, OPEN, REJECTED, WITHDRAWN, Filing
from registry.messages import Template
from registry.permissions import get_visible, require_role
from registry.problems import Conflict, Invalid, InvalidInput, NotFound
from registry.roles import ADMIN, FILER, REVIEWER
from registry.workdays.services import nth_working_day

NO_SUCH_FILING = Template("evidence_no_such_filing", "No such filing.")
NO_SUCH_OBJECTION = Template("no_such_objection", "No such objection on this filing's current notice.")
NEW_CAPACITY_ONLY = Template("notice_new_capacity_only",
                             "Only a new-capacity filing has a replacement plan to publish.")
CLOSURE_ONLY = Template("dismantling_closure_only", "Only a closure's capacity is dismantled.")
NOTICE_CLOSED = Template("notice_filing_decided",
                         "This filing is %(status)s: its notice and announcement can no longer change.")
DISMANTLING_REFUSED = Template("dismantling_filing_refused",
                               "This closure is %(status)s: nothing was retired to dismantle.")
NO_NOTICE = Template("notice_missing", "Publish the plan's notice first: an announcement follows a notice.")
ALREADY_ANNOUNCED = Template("notice_already_announced",
                             "The plan was announced on %(announced_on)s: an objection can no longer be raised.")
ALREADY_RESOLVED = Template("objection_already_resolved", "This objection was resolved on %(resolved_on)s.")
TOO_EARLY = Template("announcement_before_notice_end",
                     "The notice runs until %(ends_on)s: the announcement must come after that day.")
OBJECTION_OPEN = Template("announcement_objection_open",
                          "Objection #%(objection_id)s is still open: resolve it before the announcement.")
OBJECTION_UPHELD = Template("announcement_objection_upheld",
                            "Objection #%(objection_id)s was upheld: publish the plan again (a new notice), "
                            "then announce it after the new notice ends.")
NOT_DISMANTLED = Template("dismantling_missing", "The closure's filer records the dismantling first.")
ALREADY_CONFIRMED = Template("dismantling_already_confirmed", "The dismantling was confirmed on %(confirmed_on)s.")
FUTURE = Template("evidence_date_in_future", "Enter a date on or before today (%(today_on)s).")

# What a notice's state reads as, from its records and today's date.
ANNOUNCED, RENOTICE, OBJECTION, RUNNING, ENDED = "announced", "renotice_required", "objection_open", "in_notice", \
    "notice_ended"


def visible_filing(user, filing_id: int, *, lock: bool = True) -> Filing:
    """The filing ``user`` may see (404 otherwise), locked for the change."""
    return get_visible(user, Filing, filing_id, NO_SUCH_FILING, enterprise_of=lambda f: f.smelter.enterprise_id,
                       for_update=lock)


def current_notices(filing_ids: list[int]) -> dict[int, Notice]:
    """Each filing's latest publication, for those that have one (their objections load in one more query)."""
    if not filing_ids:
        return {}
    stmt = sa.select(Notice).where(Notice.filing_id.in_(filing_ids), Notice.replaced_at.is_(None))
    return {notice.filing_id: notice for notice in db.session.scalars(stmt)}


def current_notice(filing_id: int) -> Notice | None:
    """The filing's latest publication, or None before any."""
    return current_notices([filing_id]).get(filing_id)


def notice_state(notice: Notice | None) -> str | None:
    """Where the notice stands: announced, re-notice required, objection open, in notice, notice ended."""
    if notice is None:
        return None
    if notice.announced_on is not None:
        return ANNOUNCED
    if any(o.upheld for o in notice.objections):
        return RENOTICE
    if any(o.resolved_at is None for o in notice.objections):
        return OBJECTION
    return RUNNING if today() <= notice.ends_on else ENDED


def notice_document(notice: Notice | None) -> dict[str, Any] | None:
    """The notice as the API shows it."""
    if notice is None:
        return None
    return {"authority": notice.authority, "published_on": notice.published_on, "url": notice.url,
            "ends_on": notice.ends_on, "announced_on": notice.announced_on, "document_no": notice.document_no,
            "status": notice_state(notice),
            "objections": [{"id": o.id, "note": o.note, "raised_by": o.raised_by, "raised_at": o.raised_at,
                            "upheld": o.upheld, "resolution_note": o.resolution_note,
                            "resolved_by": o.resolved_by, "resolved_at": o.resolved_at} for o in notice.objections]}


def _notice_audit(notice: Notice | None) -> dict[str, Any] | None:
    document = notice_document(notice)
    if document is None:
        return None
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in document.items() if k != "objections"}


def _editable_plan(filing: Filing) -> None:
    if filing.kind != NEW_CAPACITY:
        raise InvalidInput("kind", NEW_CAPACITY_ONLY())
    if filing.status not in OPEN:
        raise Conflict(NOTICE_CLOSED(status=filing.status), code="notice_filing_decided", status_now=filing.status)


def _not_future(field: str, day: dt.date) -> None:
    if day > today():
        raise InvalidInput(field, FUTURE(today_on=today()))


def publish_notice(filing_id: int, data: dict[str, Any], actor) -> Notice:
    """Record the plan's publication (filer of the filing or staff): the notice ends on its 10th working day.

    A new publication replaces the previous one, with its objections and any announcement.
    """
    require_role(actor, FILER, REVIEWER, ADMIN)
    filing = visible_filing(actor, filing_id)
    _editable_plan(filing)
    _not_future("published_on", data["published_on"])
    ends_on = nth_working_day(data["published_on"])  # 409 when the calendar lacks the year
    before = current_notice(filing.id)
    audit_before = _notice_audit(before)
    if before is not None:
        before.replaced_at = utcnow()
        db.session.flush()
    notice = Notice(filing_id=filing.id, authority=data["authority"], published_on=data["published_on"],
                    url=data["url"], ends_on=ends_on, created_by=actor.id)
    db.session.add(notice)
    db.session.flush()
    record(actor, "filing", filing.id, "publish_notice", before=audit_before, after=_notice_audit(notice))
    return notice


def raise_objection(filing_id: int, note: str, actor) -> Notice:
    """Record an objection to the current notice (reviewer or admin), before the plan is announced."""
    require_role(actor, REVIEWER, ADMIN)
    filing = visible_filing(actor, filing_id)
    _editable_plan(filing)
    notice = current_notice(filing.id)
    if notice is None:
        raise Invalid(NO_NOTICE(), errors={"note": [NO_NOTICE()]}, code="notice_missing")
    if notice.announced_on is not None:
        raise Conflict(ALREADY_ANNOUNCED(announced_on=notice.announced_on), code="notice_already_announced")
    objection = Objection(notice_id=notice.id, note=note, raised_by=actor.id)
    db.session.add(objection)
    db.session.flush()
    db.session.expire(notice, ["objections"])
    record(actor, "filing", filing.id, "raise_objection", after={"objection_id": objection.id, "note": note})
    return notice


def resolve_objection(filing_id: int, objection_id: int, upheld: bool, note: str, actor) -> Notice:
    """Resolve an objection (staff): upheld means the plan must be published again."""
    require_role(actor, REVIEWER, ADMIN)
    filing = visible_filing(actor, filing_id)
    _editable_plan(filing)
    notice = current_notice(filing.id)
    objection = db.session.get(Objection, objection_id) if notice is not None else None
    if objection is None or objection.notice_id != notice.id:
        raise NotFound(NO_SUCH_OBJECTION())
    if objection.resolved_at is not None:
        raise Conflict(ALREADY_RESOLVED(resolved_on=objection.resolved_at.date()), code="objection_already_resolved")
    objection.upheld, objection.resolution_note = upheld, note
    objection.resolved_by, objection.resolved_at = actor.id, utcnow()
    db.session.flush()
    db.session.expire(notice, ["objections"])
    record(actor, "filing", filing.id, "resolve_objection",
           after={"objection_id": objection.id, "upheld": upheld, "note": note})
    return notice


def announce(filing_id: int, announced_on: dt.date, document_no: str, actor) -> Notice:
    """Record the announcement (filer or staff): after the notice's end, with no objection open or upheld."""
    require_role(actor, FILER, REVIEWER, ADMIN)
    filing = visible_filing(actor, filing_id)
    _editable_plan(filing)
    notice = current_notice(filing.id)
    if notice is None:
        raise InvalidInput("announced_on", NO_NOTICE())
    if announced_on <= notice.ends_on:
        raise InvalidInput("announced_on", TOO_EARLY(ends_on=notice.ends_on), ends_on=notice.ends_on.isoformat())
    _not_future("announced_on", announced_on)
    for objection in notice.objections:
        if objection.upheld:
            raise InvalidInput("announced_on", OBJECTION_UPHELD(objection_id=objection.id),
                               objection_id=objection.id)
        if objection.resolved_at is None:
            raise InvalidInput("announced_on", OBJECTION_OPEN(objection_id=objection.id), objection_id=objection.id)
    before = _notice_audit(notice)
    notice.announced_on, notice.document_no = announced_on, document_no
    db.session.flush()
    record(actor, "filing", filing.id, "announce", before=before, after=_notice_audit(notice))
    return notice


def dismantling_of(filing_id: int) -> Dismantling | None:
    return db.session.get(Dismantling, filing_id)


def dismantling_document(dismantling: Dismantling | None) -> dict[str, Any] | None:
    if dismantling is None:
        return None
    return {"completed_on": dismantling.completed_on, "evidence": dismantling.evidence,
            "recorded_by": dismantling.recorded_by, "recorded_at": dismantling.recorded_at,
            "confirmed_by": dismantling.confirmed_by, "confirmed_at": dismantling.confirmed_at,
            "confirmed": dismantling.confirmed_at is not None}


def _closure(actor, filing_id: int) -> Filing:
    filing = visible_filing(actor, filing_id)
    if filing.kind != CLOSURE:
        raise InvalidInput("kind", CLOSURE_ONLY())
    if filing.status in (REJECTED, WITHDRAWN):
        raise Conflict(DISMANTLING_REFUSED(status=filing.status), code="dismantling_filing_refused",
                       status_now=filing.status)
    return filing


def record_dismantling(filing_id: int, completed_on: dt.date, evidence: str, actor) -> Dismantling:
    """Record that a closure's cells are dismantled (its filer, or staff); a new record needs a new confirmation."""
    require_role(actor, FILER, REVIEWER, ADMIN)
    filing = _closure(actor, filing_id)
    _not_future("completed_on", completed_on)
    row = dismantling_of(filing.id)
    before = _dismantling_audit(row)
    if row is None:
        row = Dismantling(filing_id=filing.id, completed_on=completed_on, evidence=evidence, recorded_by=actor.id)
        db.session.add(row)
    else:
        row.completed_on, row.evidence, row.recorded_by, row.recorded_at = completed_on, evidence, actor.id, utcnow()
        row.confirmed_by = row.confirmed_at = None
    db.session.flush()
    record(actor, "filing", filing.id, "record_dismantling", before=before, after=_dismantling_audit(row))
    return row


def confirm_dismantling(filing_id: int, actor) -> Dismantling:
    """Staff confirm the recorded dismantling (site visit, photographs, the province's acceptance)."""
    require_role(actor, REVIEWER, ADMIN)
    filing = _closure(actor, filing_id)
    row = dismantling_of(filing.id)
    if row is None:
        raise Conflict(NOT_DISMANTLED(), code="dismantling_missing")
    if row.confirmed_at is not None:
        raise Conflict(ALREADY_CONFIRMED(confirmed_on=row.confirmed_at.date()), code="dismantling_already_confirmed")
    row.confirmed_by, row.confirmed_at = actor.id, utcnow()
    db.session.flush()
    record(actor, "filing", filing.id, "confirm_dismantling", after=_dismantling_audit(row))
    return row


def _dismantling_audit(row: Dismantling | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"completed_on": row.completed_on.isoformat(), "evidence": row.evidence,
            "confirmed": row.confirmed_at is not None}

