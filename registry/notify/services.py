"""Which e-mails are due, and marking them sent; nothing here talks to a mail server.

Four kinds, each a ``Notice`` of coded messages that ``registry.notify.mail``
renders in the recipient's language:

- ``return_due``: a return missing and due within ``REMINDER_DAYS_BEFORE``
  days, to every active filer of the enterprise, once per month (key
  ``2016-11``);
- ``return_overdue``: returns past their due date and still missing, one mail
  listing them all whenever a month becomes overdue, once per month;
- ``decision``: a filing approved, rejected or returned (its audit event), to
  the filers of the filing's enterprise now (the whole enterprise's work, as
  the to-do list shows it to each of them, and never anyone outside it),
  once per event; decisions older than ``DECISION_MAIL_WINDOW_DAYS`` are left
  alone, so the first run does not mail the history;
- ``review_digest``: the filings awaiting review, oldest first, to every
  active reviewer and administrator, once per day of the registry's clock,
  and only when something waits.

What is due comes from the to-do list (``registry.tasks``), so a reminder
says what the dashboard says. ``claim`` records a notice in
``sent_notifications`` before it is sent: its unique (user, kind, key) is the
guard that keeps two runs from sending one mail twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from registry import clock, months
from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.db import utcnow
from registry.extensions import db
from registry.filings.models import APPROVED, IN_REVIEW, REJECTED, RETURNED, Filing
from registry.filings.services import filings_for
from registry.members.models import Smelter
from registry.messages import Message, Template
from registry.notify.models import SentNotification
from registry.roles import ADMIN, FILER, REVIEWER
from registry.tasks.services import (
    FILING_TO_REVIEW,
    FILING_TO_SECOND,
    LOOKBACK_MONTHS,
    RETURN_DUE,
    RETURN_OVERDUE,
    tasks_for,
)

RETURN_DUE_MAIL = "return_due"
RETURN_OVERDUE_MAIL = "return_overdue"
DECISION_MAIL = "decision"
REVIEW_DIGEST_MAIL = "review_digest"
KINDS = (RETURN_DUE_MAIL, RETURN_OVERDUE_MAIL, DECISION_MAIL, REVIEW_DIGEST_MAIL)

DECIDED = {"approve": APPROVED, "reject": REJECTED, "return": RETURNED}  # audit action -> the status it set
DIGEST_LINES = 20  # filings listed in a digest; the rest are counted

RETURN_DUE_SUBJECT = Template("mail_return_due_subject", "Monthly return for %(month)s due on %(due_on)s")
RETURN_DUE_INTRO = Template("mail_return_due_intro", "A reminder: these monthly returns are due soon.")
RETURN_OVERDUE_SUBJECT = Template("mail_return_overdue_subject", "Monthly returns overdue")
RETURN_OVERDUE_INTRO = Template("mail_return_overdue_intro",
                                "These monthly returns are past their due date and not yet filed.")
DECISION_SUBJECT = Template("mail_decision_subject", "Filing #%(filing_id)s %(status)s")
DECISION = Template("mail_decision", "Filing #%(filing_id)s of %(smelter)s (%(kind)s, %(capacity_tpa)s from "
                                     "%(effective_month)s) was %(status)s.")
DECISION_NOTE = Template("mail_decision_note", "The reviewer's note: %(note)s")
RETURNED_NEXT = Template("mail_decision_returned_next", "Change the filing and submit it again.")
DIGEST_SUBJECT = Template("mail_review_digest_subject", "Filings awaiting review: %(count)s")
DIGEST_INTRO = Template("mail_review_digest_intro", "Filings awaiting review on %(day_on)s, oldest first:")
DIGEST_MORE = Template("mail_review_digest_more", "And %(count)s more in the review queue.")


@dataclass(frozen=True)
class Line:
    """A paragraph of a mail, with the page it concerns (a path; ``None``: no link)."""

    message: Message
    href: str | None = None


@dataclass(frozen=True)
class Notice:
    """One e-mail due to one user, marked sent by one ``sent_notifications`` row per key."""

    user_id: int
    email: str
    name: str
    locale: str | None
    kind: str
    keys: tuple[str, ...]
    subject: Message
    lines: tuple[Line, ...]

    def describe(self) -> str:
        """For the command's output: kind, recipient and keys."""
        return f"{self.kind} -> {self.email} ({', '.join(self.keys)})"


def _recipients(roles: Iterable[str]) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.role.in_(tuple(roles)), User.active.is_(True)).order_by(User.id)))


def _sent(kinds: Iterable[str], keys: Iterable[str] | None = None, *,
          from_key: str | None = None) -> dict[tuple[int, str], set[str]]:
    """The keys already sent, by (user id, kind): among ``keys``, or from ``from_key`` on (months sort)."""
    stmt = sa.select(SentNotification.user_id, SentNotification.kind, SentNotification.key).where(
        SentNotification.kind.in_(tuple(kinds)))
    if keys is not None:
        stmt = stmt.where(SentNotification.key.in_(tuple(keys)))
    if from_key is not None:
        stmt = stmt.where(SentNotification.key >= from_key)
    sent: dict[tuple[int, str], set[str]] = defaultdict(set)
    for user_id, kind, key in db.session.execute(stmt):
        sent[(user_id, kind)].add(key)
    return sent


def _notice(user: User, kind: str, keys: Iterable[str], subject: Message, lines: Iterable[Line]) -> Notice:
    return Notice(user.id, user.email, user.name, user.locale, kind, tuple(keys), subject, tuple(lines))


def _return_line(task: dict) -> Line:
    return Line(task["message"], task["href"])  # the to-do list's link: the month's returns page


def return_notices(today: dt.date) -> list[Notice]:
    """Returns due within ``REMINDER_DAYS_BEFORE`` days and returns overdue, for each filer not yet told."""
    window = current_app.config["REMINDER_DAYS_BEFORE"]
    sent = _sent((RETURN_DUE_MAIL, RETURN_OVERDUE_MAIL), from_key=months.add(months.current(), -LOOKBACK_MONTHS))
    notices = []
    for user in _recipients((FILER,)):
        tasks = [t for t in tasks_for(user) if t["code"] in (RETURN_DUE.code, RETURN_OVERDUE.code)]
        due_soon: dict[str, list[dict]] = defaultdict(list)
        for task in tasks:
            if not task["overdue"] and (dt.date.fromisoformat(task["due_on"]) - today).days <= window:
                due_soon[task["month"]].append(task)
        for month, month_tasks in sorted(due_soon.items()):
            if month not in sent[(user.id, RETURN_DUE_MAIL)]:
                subject = RETURN_DUE_SUBJECT(month=month, due_on=dt.date.fromisoformat(month_tasks[0]["due_on"]))
                lines = [Line(RETURN_DUE_INTRO()), *map(_return_line, month_tasks)]
                notices.append(_notice(user, RETURN_DUE_MAIL, [month], subject, lines))
        overdue = [t for t in tasks if t["overdue"]]
        new = sorted({t["month"] for t in overdue} - sent[(user.id, RETURN_OVERDUE_MAIL)])
        if new:  # one mail whenever a month becomes overdue, listing every return still missing
            lines = [Line(RETURN_OVERDUE_INTRO()), *map(_return_line, overdue)]
            notices.append(_notice(user, RETURN_OVERDUE_MAIL, new, RETURN_OVERDUE_SUBJECT(), lines))
    return notices


def _decision_key(event: AuditEvent) -> str:
    return f"filing:{event.entity_id}:{event.action}:{event.id}"


def decision_notices(since: dt.datetime) -> list[Notice]:
    """Each decision recorded since ``since``, to each active filer of the filing's enterprise not yet told."""
    rows = db.session.execute(
        sa.select(AuditEvent, Filing, User)
        .join(Filing, Filing.id == AuditEvent.entity_id)
        .join(Smelter, Smelter.id == Filing.smelter_id)
        .join(User, sa.and_(User.enterprise_id == Smelter.enterprise_id, User.role == FILER,
                            User.active.is_(True)))
        .where(AuditEvent.entity_type == "filing", AuditEvent.action.in_(tuple(DECIDED)),
               AuditEvent.occurred_at >= since)
        .order_by(AuditEvent.id, User.id)).all()
    sent = _sent((DECISION_MAIL,), {_decision_key(event) for event, _, _ in rows})
    notices = []
    for event, filing, user in rows:
        key = _decision_key(event)
        if key in sent[(user.id, DECISION_MAIL)]:
            continue
        status = DECIDED[event.action]
        state = {**{"kind": filing.kind, "capacity_tpa": filing.capacity_tpa,
                    "effective_month": filing.effective_month, "decision_note": filing.decision_note},
                 **(event.after or {})}  # the filing as the decision left it, though edited since
        lines = [Line(DECISION(filing_id=filing.id, smelter=filing.smelter.name, kind=state["kind"],
                               capacity_tpa=state["capacity_tpa"], effective_month=state["effective_month"],
                               status=status), f"/filings/{filing.id}")]
        if state["decision_note"]:
            lines.append(Line(DECISION_NOTE(note=state["decision_note"])))
        if status == RETURNED:
            lines.append(Line(RETURNED_NEXT()))
        notices.append(_notice(user, DECISION_MAIL, [key], DECISION_SUBJECT(filing_id=filing.id, status=status),
                               lines))
    return notices


def digest_notices(today: dt.date) -> list[Notice]:
    """Today's review digest for each active reviewer and administrator not yet sent it, when filings wait."""
    key = today.isoformat()
    sent = _sent((REVIEW_DIGEST_MAIL,), (key,))
    notices = []
    for user in _recipients((REVIEWER, ADMIN)):
        if key in sent[(user.id, REVIEW_DIGEST_MAIL)]:
            continue
        waiting = [t for t in tasks_for(user) if t["code"] in (FILING_TO_REVIEW.code, FILING_TO_SECOND.code)]
        if not waiting:
            continue
        count = db.session.scalar(sa.select(sa.func.count()).select_from(
            filings_for(user).where(Filing.status.in_(IN_REVIEW)).order_by(None).subquery()))
        lines = [Line(DIGEST_INTRO(day_on=today), "/review"),
                 *(Line(t["message"], t["href"]) for t in waiting[:DIGEST_LINES])]
        if count > DIGEST_LINES:
            lines.append(Line(DIGEST_MORE(count=count - DIGEST_LINES), "/review"))
        notices.append(_notice(user, REVIEW_DIGEST_MAIL, [key], DIGEST_SUBJECT(count=count), lines))
    return notices


def due_notices() -> list[Notice]:
    """Every e-mail due now and not yet sent: decisions first, then returns, then the digests."""
    today = clock.today()
    since = utcnow() - dt.timedelta(days=current_app.config["DECISION_MAIL_WINDOW_DAYS"])
    return decision_notices(since) + return_notices(today) + digest_notices(today)


def claim(notice: Notice) -> None:
    """Record ``notice`` as sent, before sending it; a second claim (another run's) breaks the unique key."""
    now = utcnow()
    db.session.add_all([SentNotification(user_id=notice.user_id, kind=notice.kind, key=key, sent_at=now)
                        for key in notice.keys])
    db.session.flush()


def release(notice: Notice) -> None:
    """Forget a claim whose sending failed, so the next run tries again."""
    db.session.execute(sa.delete(SentNotification).where(
        SentNotification.user_id == notice.user_id, SentNotification.kind == notice.kind,
        SentNotification.key.in_(notice.keys)))
    db.session.flush()
