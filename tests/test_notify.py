"""``flask --app wsgi notify``: reminders, decisions and the review digest, through a real SMTP server, once each."""

from __future__ import annotations

import datetime as dt
import email
import socket
import threading
from email.policy import default as default_policy
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from registry import create_app
from registry.audit.models import AuditEvent
from registry.auth.models import User
from registry.extensions import db
from registry.filings import workflow
from registry.notify.cli import _deliver
from registry.notify.models import SentNotification
from registry.notify.services import due_notices
from registry.returns.services import file_return

BASE_URL = "https://registry.example.org"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping every message it is given, as a parsed e-mail with its recipients."""

    def __init__(self) -> None:
        self.messages: list[SimpleNamespace] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        parsed = email.message_from_bytes(envelope.original_content, policy=default_policy)
        # an encoded subject is folded onto its own line ("Subject:\n =?utf-8?b?...?="): unfolded, as mail
        # clients read it, that leaves a blank the parser keeps
        with self._lock:
            self.messages.append(SimpleNamespace(to=list(envelope.rcpt_tos), sender=envelope.mail_from,
                                                 subject=str(parsed["Subject"]).strip(), body=parsed.get_content(),
                                                 headers=parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[SimpleNamespace]:
        return [m for m in self.messages if m.to == [address]]

    def subjects(self, address: str) -> list[str]:
        return [m.subject for m in self.to(address)]


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1 and a free port; ``.inbox`` holds what it received."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield SimpleNamespace(port=controller.port, inbox=inbox)
    controller.stop()


@pytest.fixture
def registry_on(database_url, world, smtp):
    """``registry_on(day)``: the app as on ``day`` (REGISTRY_TODAY), mailing through ``smtp``."""
    apps = []

    def make(day: str, **overrides):
        config = {"SQLALCHEMY_DATABASE_URI": database_url, "REGISTRY_TODAY": day, "MAIL_SERVER": "127.0.0.1",
                  "MAIL_PORT": smtp.port, "MAIL_DEFAULT_SENDER": "registry@registry.example.org",
                  "REGISTRY_BASE_URL": BASE_URL, **overrides}
        app = create_app("testing", config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def notify(app, *args: str):
    result = app.test_cli_runner().invoke(args=["notify", *args])
    with app.app_context():
        db.session.remove()
    return result


def file_returns(app, filer, smelter, months) -> None:
    with app.app_context():
        user = db.session.get(User, filer.id)
        for month in months:
            file_return({"smelter_id": smelter.id, "month": month, "operating_tpa": 300_000,
                         "production_t": 20_000}, user)
        db.session.commit()


def set_user(app, user, **values) -> None:
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == user.id).values(**values))
        db.session.commit()


def sent_rows(app) -> list[tuple[int, str, str]]:
    with app.app_context():
        rows = db.session.execute(sa.select(SentNotification.user_id, SentNotification.kind,
                                            SentNotification.key).order_by(SentNotification.id)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


JAN_TO_OCT = [f"2016-{m:02d}" for m in range(1, 11)]


def test_a_return_due_soon_is_mailed_once_however_often_notify_runs(registry_on, world, smtp):
    app = registry_on("2016-12-08")  # November's return is due on 10 December: in 2 days
    file_returns(app, world.filer_a, world.smelter_a, JAN_TO_OCT)

    first = notify(app)
    assert first.exit_code == 0, first.output
    mails = smtp.inbox.to(world.filer_a.email)
    assert [m.subject for m in mails] == ["Monthly return for Nov 2016 due on Dec 10, 2016"]
    body = mails[0].body
    assert f"The Nov 2016 return of {world.smelter_a.name} is due on Dec 10, 2016." in body
    assert f"{BASE_URL}/returns?month=2016-11" in body
    assert mails[0].sender == "registry@registry.example.org"
    assert mails[0].headers["Auto-Submitted"] == "auto-generated"
    assert "return_due 2" in first.output  # filer_a's and filer_b's

    second = notify(app)
    assert second.exit_code == 0, second.output
    assert "Sent 0 e-mails" in second.output
    assert len(smtp.inbox.to(world.filer_a.email)) == 1
    assert len(smtp.inbox.messages) == 3  # and filer_b's reminder and its list of ten overdue months
    assert len(sent_rows(app)) == 1 + 1 + 10


def test_a_filer_is_never_mailed_about_another_enterprise(registry_on, world, smtp, factory):
    app = registry_on("2016-12-08")
    factory.filing(world.smelter_b, world.filer_b, status="returned")
    factory.filing(world.smelter_b, world.filer_b, status="submitted")
    assert notify(app).exit_code == 0
    to_a = smtp.inbox.to(world.filer_a.email)
    assert to_a and all(world.smelter_b.name not in m.body for m in to_a)
    assert all("Filing #" not in m.subject for m in to_a)
    assert any(world.smelter_b.name in m.body for m in smtp.inbox.to(world.filer_b.email))
    assert smtp.inbox.to(world.auditor.email) == []


def test_the_registrys_today_decides_between_due_soon_and_overdue(registry_on, world, smtp):
    file_returns(registry_on("2016-12-01"), world.filer_a, world.smelter_a, JAN_TO_OCT)

    assert notify(registry_on("2016-12-06")).exit_code == 0  # 4 days before the due date: too early
    assert smtp.inbox.to(world.filer_a.email) == []

    assert notify(registry_on("2016-12-07")).exit_code == 0  # 3 days before
    assert smtp.inbox.subjects(world.filer_a.email) == ["Monthly return for Nov 2016 due on Dec 10, 2016"]

    assert notify(registry_on("2016-12-10")).exit_code == 0  # the due date itself: still on time
    assert len(smtp.inbox.to(world.filer_a.email)) == 1

    assert notify(registry_on("2016-12-11")).exit_code == 0  # a day late
    overdue = smtp.inbox.to(world.filer_a.email)[1:]
    assert [m.subject for m in overdue] == ["Monthly returns overdue"]
    assert f"The Nov 2016 return of {world.smelter_a.name} was due on Dec 10, 2016." in overdue[0].body
    assert "Oct 2016" not in overdue[0].body  # filed

    assert notify(registry_on("2016-12-12")).exit_code == 0
    assert len(smtp.inbox.to(world.filer_a.email)) == 2


def test_an_overdue_mail_lists_every_missing_return_and_comes_again_for_a_new_month(registry_on, world, smtp):
    app = registry_on("2016-12-08")
    file_returns(app, world.filer_a, world.smelter_a, JAN_TO_OCT[:8])  # September and October missing
    assert notify(app).exit_code == 0
    overdue = [m for m in smtp.inbox.to(world.filer_a.email) if m.subject == "Monthly returns overdue"]
    assert len(overdue) == 1
    assert "Sep 2016" in overdue[0].body and "Oct 2016" in overdue[0].body and "Aug 2016" not in overdue[0].body
    assert f"{BASE_URL}/returns?month=2016-09" in overdue[0].body

    assert notify(registry_on("2016-12-09")).exit_code == 0  # the next day: nothing newly overdue
    assert len(smtp.inbox.to(world.filer_a.email)) == 2  # the due-soon mail and the overdue one

    assert notify(registry_on("2017-01-11")).exit_code == 0  # November and December now overdue
    later = [m for m in smtp.inbox.to(world.filer_a.email) if m.subject == "Monthly returns overdue"]
    assert len(later) == 2
    assert all(month in later[1].body for month in ("Sep 2016", "Oct 2016", "Nov 2016", "Dec 2016"))


def test_each_filer_reads_its_own_language(registry_on, world, smtp, factory):
    app = registry_on("2016-12-08")
    filer_en = factory.user("filer", world.ent_a)
    set_user(app, world.filer_a, locale="zh_CN")
    set_user(app, filer_en, locale="en")
    file_returns(app, world.filer_a, world.smelter_a, JAN_TO_OCT)
    assert notify(app).exit_code == 0

    (chinese,) = smtp.inbox.to(world.filer_a.email)
    assert "2016年11月" in chinese.subject and "2016年12月10日" in chinese.subject
    assert f"{world.smelter_a.name} 2016年11月月报2016年12月10日截止。" in chinese.body
    (english,) = smtp.inbox.to(filer_en.email)
    assert english.subject == "Monthly return for Nov 2016 due on Dec 10, 2016"
    assert "月" not in english.body
    # no language chosen: the registry's default, English
    assert smtp.inbox.subjects(world.filer_b.email)[0].startswith("Monthly return")


def test_a_chinese_mail_is_chinese_throughout(registry_on, world, smtp, factory):
    """Subject, greeting and footer too: needs the notify messages in the zh_CN catalogue."""
    app = registry_on("2016-12-08")
    set_user(app, world.filer_a, locale="zh_CN")
    file_returns(app, world.filer_a, world.smelter_a, JAN_TO_OCT)
    filing = factory.filing(world.smelter_a, world.filer_a, status="approved", capacity_tpa=120_000)
    assert notify(app).exit_code == 0
    mails = {m.subject: m for m in smtp.inbox.to(world.filer_a.email)}
    assert set(mails) == {"2016年11月月报2016年12月10日截止", f"备案 #{filing.id} 已批准"}
    decision = mails[f"备案 #{filing.id} 已批准"].body
    assert "复产" in decision and "12万吨/年" in decision and "自2016年11月起" in decision
    assert "电解铝产能备案平台" in decision and "Filing" not in decision and "Hello" not in decision


def test_a_decision_is_mailed_to_the_filers_of_its_enterprise_once(registry_on, world, smtp, factory):
    app = registry_on("2016-12-08")
    colleague = factory.user("filer", world.ent_a)
    returned = factory.filing(world.smelter_a, world.filer_a, status="returned", reviewer=world.reviewer)
    assert notify(app).exit_code == 0
    for filer in (world.filer_a, colleague):
        (mail,) = [m for m in smtp.inbox.to(filer.email) if m.subject.startswith("Filing #")]
        assert mail.subject == f"Filing #{returned.id} returned"
        assert (f"Filing #{returned.id} of {world.smelter_a.name} (restart, 100,000 t/a from Nov 2016) "
                "was returned.") in mail.body
        assert "The reviewer's note: noted" in mail.body and "submit it again" in mail.body
        assert f"{BASE_URL}/filings/{returned.id}" in mail.body
    assert all("Filing #" not in s for s in smtp.inbox.subjects(world.filer_b.email))

    assert notify(app).exit_code == 0
    decisions = [m for m in smtp.inbox.messages if m.subject.startswith("Filing #")]
    assert len(decisions) == 2

    # resubmitted and approved: a second decision, a second mail
    with app.app_context():
        workflow.transition(returned.id, "submit", db.session.get(User, world.filer_a.id))
        workflow.transition(returned.id, "approve", db.session.get(User, world.reviewer.id))
        db.session.commit()
    assert notify(app).exit_code == 0
    assert smtp.inbox.subjects(world.filer_a.email).count(f"Filing #{returned.id} approved") == 1


def test_the_first_run_does_not_mail_old_decisions(registry_on, world, smtp, factory):
    app = registry_on("2016-12-08")
    old = factory.filing(world.smelter_a, world.filer_a, status="rejected")
    recent = factory.filing(world.smelter_a, world.filer_a, status="approved")
    with app.app_context():
        long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.entity_id == old.id,
                                                       AuditEvent.entity_type == "filing")
                           .values(occurred_at=long_ago))
        db.session.commit()
    assert notify(app).exit_code == 0
    decisions = [s for s in smtp.inbox.subjects(world.filer_a.email) if s.startswith("Filing #")]
    assert decisions == [f"Filing #{recent.id} approved"]


def test_the_review_digest_goes_to_reviewers_once_a_day(registry_on, world, smtp, factory):
    app = registry_on("2016-12-08")
    older = factory.filing(world.smelter_b, world.filer_b, status="submitted")
    newer = factory.filing(world.smelter_a, world.filer_a, status="submitted", capacity_tpa=50_000)
    assert notify(app).exit_code == 0
    for staff in (world.reviewer, world.admin):
        (digest,) = [m for m in smtp.inbox.to(staff.email) if m.subject.startswith("Filings awaiting review")]
        assert digest.subject == "Filings awaiting review: 2"
        assert "Filings awaiting review on Dec 8, 2016, oldest first:" in digest.body
        assert digest.body.index(f"Filing #{older.id} ") < digest.body.index(f"Filing #{newer.id} ")
        assert f"{BASE_URL}/review" in digest.body and f"{BASE_URL}/filings/{newer.id}" in digest.body
    assert smtp.inbox.to(world.auditor.email) == []
    assert all(not s.startswith("Filings awaiting") for s in smtp.inbox.subjects(world.filer_a.email))

    assert notify(app).exit_code == 0  # later the same day
    assert len([m for m in smtp.inbox.to(world.reviewer.email)]) == 1
    assert notify(registry_on("2016-12-09")).exit_code == 0  # the next day
    assert smtp.inbox.subjects(world.reviewer.email) == ["Filings awaiting review: 2"] * 2


def test_no_digest_when_nothing_waits(registry_on, world, smtp):
    assert notify(registry_on("2016-12-08")).exit_code == 0
    assert smtp.inbox.to(world.reviewer.email) == []


def test_a_failed_send_is_reported_recorded_nowhere_and_sent_next_time(registry_on, world, smtp):
    down = registry_on("2016-12-08", MAIL_PORT=_free_port())  # nothing listens there
    file_returns(down, world.filer_a, world.smelter_a, JAN_TO_OCT)
    failed = notify(down)
    assert failed.exit_code == 1
    assert "FAILED return_due -> " + world.filer_a.email in failed.output
    assert "Could not send 3" in failed.output  # filer_a's reminder, filer_b's reminder and overdue list
    assert sent_rows(down) == []
    assert smtp.inbox.messages == []

    up = registry_on("2016-12-08")
    sent = notify(up)
    assert sent.exit_code == 0, sent.output
    assert "Sent 3 e-mails" in sent.output
    assert smtp.inbox.subjects(world.filer_a.email) == ["Monthly return for Nov 2016 due on Dec 10, 2016"]


def test_a_dry_run_lists_and_sends_nothing(registry_on, world, smtp):
    app = registry_on("2016-12-08")
    file_returns(app, world.filer_a, world.smelter_a, JAN_TO_OCT)
    result = notify(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"would send return_due -> {world.filer_a.email} (2016-11)" in result.output
    assert "Would send 3 e-mails: return_due 2, return_overdue 1, decision 0, review_digest 0." in result.output
    assert smtp.inbox.messages == [] and sent_rows(app) == []


def test_a_run_that_lost_the_race_sends_nothing_twice(registry_on, world, smtp):
    """Two runs that both found the same mails due: the second finds them claimed and sends none."""
    app = registry_on("2016-12-08")
    file_returns(app, world.filer_a, world.smelter_a, JAN_TO_OCT)
    with app.app_context():
        stale = due_notices()  # this run read the database before the other claimed anything
        db.session.remove()
    assert notify(app).exit_code == 0  # the other run
    delivered = len(smtp.inbox.messages)
    with app.app_context():
        outcomes = [_deliver(notice)[0] for notice in stale]
        db.session.remove()
    assert outcomes == ["claimed elsewhere"] * len(stale) and len(stale) == 3
    assert len(smtp.inbox.messages) == delivered
