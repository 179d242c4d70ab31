"""One commit per request, in one place: a success commits its change and audit event together, a failure nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy.orm import Session

from registry.audit.models import AuditEvent
from registry.members.models import Enterprise
from registry.members.services import create_enterprise
from registry.messages import Template
from registry.problems import Conflict
from registry.reference.uscc import make_uscc
from tests.api_helpers import row_count
from tests.web_helpers import sign_in

NEW = {"uscc": make_uscc("91650000MA7700001"), "name": "新疆测试铝业有限公司", "province": "65"}
PROBE_FAILED = Template("probe_failed", "The probe failed after writing.")
PACKAGE = Path(__file__).resolve().parent.parent / "registry"


@pytest.fixture
def session_commits():
    """How many times the ORM session committed while the block ran (side connections do not count)."""
    commits: list[int] = []

    def count(_session) -> None:
        commits.append(1)

    sa.event.listen(Session, "after_commit", count)
    yield commits
    sa.event.remove(Session, "after_commit", count)


def test_a_request_commits_its_change_and_audit_event_once(world, api_as, app, session_commits):
    admin = api_as(world.admin)
    before = row_count(app, AuditEvent)
    session_commits.clear()
    created = admin.post("/api/v1/enterprises", json=NEW)
    assert created.status_code == 201, created.json
    assert len(session_commits) == 1
    assert row_count(app, Enterprise) == 3
    assert row_count(app, AuditEvent) == before + 1


def test_a_request_that_fails_after_writing_leaves_nothing(world, app, api_as):
    """A service flushed the enterprise and its audit event, then the request failed: both are gone."""

    def write_then_fail():
        create_enterprise(dict(NEW), current_user)
        raise Conflict(PROBE_FAILED(), code="probe_failed")

    app.add_url_rule("/api/v1/probe", "probe", write_then_fail, methods=["POST"])
    admin = api_as(world.admin)
    before = row_count(app, AuditEvent)
    response = admin.post("/api/v1/probe", json={})
    assert response.status_code == 409
    assert response.json["code"] == "probe_failed"
    assert row_count(app, Enterprise) == 2
    assert row_count(app, AuditEvent) == before


def test_a_page_that_fails_after_writing_leaves_nothing(world, app, client):
    def write_then_crash():
        create_enterprise(dict(NEW), current_user)
        raise RuntimeError("a bug after the write")

    app.add_url_rule("/probe", "probe_page", write_then_crash, methods=["POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    sign_in(client, world.admin)
    assert client.post("/probe").status_code == 500
    assert row_count(app, Enterprise) == 2


def test_a_cli_command_commits_once(app, session_commits):
    session_commits.clear()
    result = app.test_cli_runner().invoke(args=["users", "create", "clerk@example.com", "--role", "admin",
                                                "--password", "a-long-pass-phrase"])
    assert result.exit_code == 0, result.output
    assert len(session_commits) == 1


def test_only_the_transactions_module_commits_the_session():
    committing = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr == "commit" and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "session"):
                committing.append(str(path.relative_to(PACKAGE)))
    assert sorted(set(committing)) == ["transactions.py"]
