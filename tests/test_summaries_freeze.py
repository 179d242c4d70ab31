"""Closing a month freezes its summary under a sha256; later changes are amendments; corrections are revisions."""

from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.extensions import db
from registry.months import current
from registry.summaries import snapshots
from registry.summaries.models import SummarySnapshot
from tests import summary_world
from tests.api_helpers import assert_problem
from tests.summary_world import MONTH, TOTALS

URL = f"/api/v1/summaries/{MONTH}"
ENVELOPE = ("closed", "sha256", "revision", "closed_at", "closed_by", "note", "amendments", "scope")


@pytest.fixture
def setup(factory, world, api_as):
    extra = summary_world.build(factory, world)
    summary_world.file_returns(api_as, world)
    return extra


def stored(app) -> list[tuple[int, str, str]]:
    with app.app_context():
        rows = [(s.revision, s.canonical_json, s.sha256) for s in db.session.scalars(
            sa.select(SummarySnapshot).where(SummarySnapshot.month == MONTH).order_by(SummarySnapshot.revision))]
        db.session.remove()
        return rows


def recomputed_sha(body: dict) -> str:
    """What api.md tells a client to do to check a closed summary."""
    frozen = {k: v for k, v in body.items() if k not in ENVELOPE}
    text = json.dumps(frozen, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_closing_stores_canonical_json_and_its_sha256(app, world, setup, api_as):
    admin = api_as(world.admin)
    closed = admin.post(URL + "/close")
    assert closed.status_code == 201, closed.json
    body = closed.json
    assert (body["closed"], body["revision"], body["closed_by"]) == (True, 1, world.admin.id)
    assert body["closed_at"].endswith("Z")
    [(revision, text, sha)] = stored(app)
    assert sha == body["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert recomputed_sha(body) == sha
    assert "包头铝厂 C" in text  # UTF-8, not \\u escapes
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert body["amendments"]["changed"] is False
    assert_problem(admin.post(URL + "/close"), 409)
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity_type == "summary"))
        assert (event.action, event.after["sha256"]) == ("close", sha)
        db.session.remove()


def test_a_later_approval_and_return_show_as_amendments_and_the_frozen_body_stays(
        app, factory, world, setup, api_as):
    admin = api_as(world.admin)
    frozen = admin.post(URL + "/close").json
    before = stored(app)
    factory.filing(world.smelter_b, world.filer_b, "restart", 60_000, MONTH, status="approved")
    api_as(world.filer_a).post("/api/v1/monthly-returns", json={
        "smelter_id": setup.smelter_c.id, "month": MONTH, "operating_tpa": 800_000, "production_t": 66_000})

    body = admin.get(URL).json
    assert stored(app) == before
    assert body["sha256"] == frozen["sha256"] == recomputed_sha(body)
    assert {k: body["totals"][k] for k in TOTALS} == TOTALS
    amendments = body["amendments"]
    assert amendments["changed"] is True
    assert amendments["totals"]["operating_tpa"] == {"frozen": 1_450_000, "live": 1_510_000, "delta": 60_000}
    assert amendments["totals"]["additions_tpa"]["delta"] == 60_000
    assert amendments["totals"]["returns_missing"] == {"frozen": 1, "live": 0, "delta": -1}
    rows = {row["smelter_id"]: row["changes"] for row in amendments["smelters"]}
    assert rows[world.smelter_b.id]["operating_tpa"]["delta"] == 60_000
    assert rows[world.smelter_b.id]["deviation_tpa"] == {"frozen": 0, "live": -60_000, "delta": -60_000}
    assert rows[setup.smelter_c.id]["return"] == {"frozen": "missing", "live": "in", "delta": None}
    assert world.smelter_a.id not in rows
    assert [e["kind"] for e in amendments["exceptions_resolved"]] == ["missing_return"]
    filer_view = api_as(world.filer_b).get(URL).json
    assert [r["smelter_id"] for r in filer_view["amendments"]["smelters"]] == [world.smelter_b.id]
    assert filer_view["amendments"]["exceptions_resolved"] == []


def test_a_correction_is_a_new_revision_with_its_own_hash_and_both_stay(app, factory, world, setup, api_as):
    admin = api_as(world.admin)
    first = admin.post(URL + "/close").json
    assert_problem(admin.post(URL + "/corrections", json={"note": "nothing"}), 409)
    factory.filing(world.smelter_b, world.filer_b, "restart", 60_000, MONTH, status="approved")
    assert_problem(admin.post(URL + "/corrections", json={"note": ""}), 422, "note")
    assert_problem(admin.post(URL + "/corrections", json={}), 422, "note")

    corrected = admin.post(URL + "/corrections", json={"note": "B's restart approved late"})
    assert corrected.status_code == 201, corrected.json
    second = corrected.json
    assert (second["revision"], second["note"]) == (2, "B's restart approved late")
    assert second["sha256"] != first["sha256"]
    assert second["sha256"] == recomputed_sha(second)
    assert second["totals"]["operating_tpa"] == 1_510_000
    assert second["amendments"]["changed"] is False

    listed = admin.get(URL + "/revisions").json
    assert [(r["revision"], r["sha256"]) for r in listed] == [(1, first["sha256"]), (2, second["sha256"])]
    old = admin.get(URL + "/revisions/1").json
    assert (old["sha256"], old["totals"]["operating_tpa"]) == (first["sha256"], 1_450_000)
    assert recomputed_sha(old) == first["sha256"]
    assert [r[2] for r in stored(app)] == [first["sha256"], second["sha256"]]
    assert_problem(admin.get(URL + "/revisions/3"), 404)


def test_corrections_need_a_closed_month_and_only_ended_months_close(world, setup, api_as):
    admin = api_as(world.admin)
    assert_problem(admin.post(URL + "/corrections", json={"note": "early"}), 409)
    assert admin.get(URL + "/revisions").json == []
    assert_problem(admin.post(f"/api/v1/summaries/{current()}/close"), 422, "month")


def test_downloads_of_a_closed_month_carry_its_hash(world, setup, api_as):
    admin = api_as(world.admin)
    sha = admin.post(URL + "/close").json["sha256"]
    response = admin.get(URL + ".csv")
    assert response.headers["X-Summary-SHA256"] == sha
    assert f"summary-{MONTH}-r1.csv" in response.headers["Content-Disposition"]


def test_an_unchanged_closed_month_is_served_without_building_its_summary(app, world, setup, api_as,
                                                                           monkeypatch, factory):
    admin = api_as(world.admin)
    assert admin.post(URL + "/close").status_code == 201
    frozen = admin.get(URL).json
    built = []
    real = snapshots.build_summary
    monkeypatch.setattr(snapshots, "build_summary", lambda *a, **k: built.append(a) or real(*a, **k))
    assert admin.get(URL).json == frozen
    assert admin.get(URL + ".csv").status_code == 200
    assert built == []  # served from the frozen revision

    # a later approval that changes the month: the live figures are built, and show as amendments
    factory.filing(world.smelter_a, world.filer_a, capacity_tpa=10_000, effective_month=MONTH, status="approved")
    amended = admin.get(URL).json
    assert built and amended["amendments"]["changed"] is True
    assert amended["totals"] == frozen["totals"]  # the frozen figures themselves never move
    assert amended["amendments"]["totals"]["operating_tpa"]["delta"] == 10_000
