"""/api/v1/caps: who may create, edit and see caps, bad input, and the usage report."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.extensions import db
from tests.api_helpers import assert_problem


def cap_body(**overrides) -> dict:
    return {"name": "CNIA self-discipline", "scope": "national", "scope_ref": None,
            "basis": "operating_capacity", "limit_tpa": 1_000_000, "period_from": "2016-01",
            "period_to": "2016-12", "source": "CNIA self-discipline, 2016-12-02", **overrides}


@pytest.fixture
def admin(world, api_as):
    return api_as(world.admin)


# --- roles ----------------------------------------------------------------------------------

def test_admin_creates_a_cap_with_its_source(admin, world):
    created = admin.post("/api/v1/caps", json=cap_body(scope="enterprise", scope_ref=world.ent_a.id))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert {k: body[k] for k in ("scope", "scope_ref", "limit_tpa", "source", "active")} == {
        "scope": "enterprise", "scope_ref": str(world.ent_a.id), "limit_tpa": 1_000_000,
        "source": "CNIA self-discipline, 2016-12-02", "active": True}
    assert created.headers["ETag"]


@pytest.mark.parametrize("role", ["reviewer", "auditor", "filer_a"])
def test_only_admin_creates_or_edits_caps(world, api_as, factory, role):
    cap = factory.cap()
    other = api_as(getattr(world, role))
    assert_problem(other.post("/api/v1/caps", json=cap_body()), 403)
    assert_problem(other.patch(f"/api/v1/caps/{cap.id}", json={"limit_tpa": 1}), 403)


def test_caps_are_deactivated_never_deleted_and_edits_are_audited(app, admin, factory):
    cap = factory.cap(limit_tpa=900_000)
    etag = admin.get(f"/api/v1/caps/{cap.id}").headers["ETag"]
    patched = admin.patch(f"/api/v1/caps/{cap.id}", json={"active": False}, headers={"If-Match": etag})
    assert patched.status_code == 200 and patched.get_json()["active"] is False
    # a stale ETag is refused; a later edit of another field leaves it inactive
    assert_problem(admin.patch(f"/api/v1/caps/{cap.id}", json={"limit_tpa": 1}, headers={"If-Match": etag}), 412)
    assert admin.patch(f"/api/v1/caps/{cap.id}", json={"limit_tpa": 800_000}).get_json()["active"] is False
    assert admin.delete(f"/api/v1/caps/{cap.id}").status_code == 405
    assert admin.get(f"/api/v1/caps/{cap.id}").status_code == 200
    assert [c["id"] for c in admin.get("/api/v1/caps?active=false").get_json()] == [cap.id]
    assert admin.get("/api/v1/caps?active=true").get_json() == []
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "cap", AuditEvent.entity_id == cap.id).order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["create", "update", "update"]
        assert (events[1].before["active"], events[1].after["active"]) == (True, False)
        assert (events[2].before["limit_tpa"], events[2].after["limit_tpa"]) == (900_000, 800_000)


# --- visibility ------------------------------------------------------------------------------

def test_filer_sees_only_caps_covering_its_enterprise(world, api_as, factory):
    national = factory.cap(name="national")
    own_province = factory.cap(name="Henan", scope="province", scope_ref="41")
    own_enterprise = factory.cap(name="A", scope="enterprise", scope_ref=str(world.ent_a.id))
    other_province = factory.cap(name="Xinjiang", scope="province", scope_ref="65")
    other_enterprise = factory.cap(name="B", scope="enterprise", scope_ref=str(world.ent_b.id))
    filer = api_as(world.filer_a)
    assert [c["id"] for c in filer.get("/api/v1/caps").get_json()] == [
        national.id, own_province.id, own_enterprise.id]
    for hidden in (other_province, other_enterprise):
        assert_problem(filer.get(f"/api/v1/caps/{hidden.id}"), 404)
        assert_problem(filer.get(f"/api/v1/caps/{hidden.id}/usage"), 404)
    assert filer.get(f"/api/v1/caps/{own_enterprise.id}/usage").status_code == 200
    assert len(api_as(world.auditor).get("/api/v1/caps").get_json()) == 5


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize(("overrides", "field"), [
    ({"scope": "province", "scope_ref": None}, "scope_ref"),
    ({"scope": "province", "scope_ref": "99"}, "scope_ref"),
    ({"scope": "enterprise", "scope_ref": None}, "scope_ref"),
    ({"scope": "enterprise", "scope_ref": "abc"}, "scope_ref"),
    ({"scope": "enterprise", "scope_ref": "424242"}, "scope_ref"),
    ({"scope": "enterprise", "scope_ref": "99999999999999999999"}, "scope_ref"),
    ({"scope": "national", "scope_ref": "41"}, "scope_ref"),
    ({"scope": "regional"}, "scope"),
    ({"basis": "production"}, "basis"),
    ({"limit_tpa": -1}, "limit_tpa"),
    ({"limit_tpa": 2.5}, "limit_tpa"),
    ({"period_from": "2016-12", "period_to": "2016-01"}, "period_to"),
    ({"period_from": "2016-13"}, "period_from"),
    ({"name": ""}, "name"),
])
def test_bad_cap_input_is_422_naming_the_field(admin, overrides, field):
    assert_problem(admin.post("/api/v1/caps", json=cap_body(**overrides)), 422, field)


def test_bad_patch_is_422_and_changes_nothing(admin, factory):
    cap = factory.cap(scope="province", scope_ref="41")
    assert_problem(admin.patch(f"/api/v1/caps/{cap.id}", json={"scope": "enterprise"}), 422, "scope_ref")
    assert_problem(admin.patch(f"/api/v1/caps/{cap.id}", json={"period_to": "2015-01"}), 422, "period_to")
    unchanged = admin.get(f"/api/v1/caps/{cap.id}").get_json()
    assert (unchanged["scope"], unchanged["scope_ref"], unchanged["period_to"]) == ("province", "41", "2017-12")
    moved = admin.patch(f"/api/v1/caps/{cap.id}", json={"scope_ref": "65"}).get_json()
    assert (moved["scope"], moved["scope_ref"]) == ("province", "65")


# --- usage -----------------------------------------------------------------------------------

def test_usage_from_and_to_are_validated(admin, factory):
    cap = factory.cap(period_from="2016-01", period_to="2016-12")
    url = f"/api/v1/caps/{cap.id}/usage"
    assert_problem(admin.get(url + "?from=2016-13"), 422, "from")
    assert_problem(admin.get(url + "?to=nope"), 422, "to")
    assert_problem(admin.get(url + "?from=2016-06&to=2016-05"), 422, "to")
    assert_problem(admin.get(url + "?from=2015-12"), 422, "from")
    assert_problem(admin.get(url + "?to=2017-01"), 422, "to")
    assert_problem(admin.get("/api/v1/caps/999999/usage"), 404)
    rows = admin.get(url + "?from=2016-03&to=2016-05").get_json()
    assert [r["month"] for r in rows] == ["2016-03", "2016-04", "2016-05"]
    assert len(admin.get(url).get_json()) == 12


def test_usage_counts_pending_filings_apart_from_approved(admin, factory, world):
    factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, effective_month="2016-03",
                   status="approved")
    factory.filing(world.smelter_b, world.filer_b, capacity_tpa=50_000, effective_month="2016-04",
                   status="submitted")
    for status in ("draft", "withdrawn", "rejected", "returned"):
        factory.filing(world.smelter_b, world.filer_b, capacity_tpa=7_000, status=status,
                       effective_month="2016-04")
    cap = factory.cap(limit_tpa=800_000, period_from="2016-02", period_to="2016-05")
    rows = admin.get(f"/api/v1/caps/{cap.id}/usage").get_json()
    assert [(r["month"], r["approved_tpa"], r["pending_tpa"], r["headroom_tpa"]) for r in rows] == [
        ("2016-02", 600_000, 600_000, 200_000),
        ("2016-03", 700_000, 700_000, 100_000),
        ("2016-04", 700_000, 750_000, 100_000),
        ("2016-05", 700_000, 750_000, 100_000),
    ]


def test_status_ok_warning_breach_at_the_configured_ratio(app, admin, factory, world):
    cap = factory.cap(limit_tpa=700_000, period_from="2016-10", period_to="2016-12")
    factory.filing(world.smelter_b, world.filer_b, capacity_tpa=30_000, effective_month="2016-11",
                   status="approved")
    factory.filing(world.smelter_a, world.filer_a, capacity_tpa=70_001, effective_month="2016-12",
                   status="submitted")
    rows = admin.get(f"/api/v1/caps/{cap.id}/usage").get_json()
    # 600,000 of 700,000 is 85.7 %: ok; 630,000 is exactly 90 %: warning
    assert [(r["month"], r["approved_tpa"], r["status"], r["pending_tpa"], r["pending_status"])
            for r in rows] == [
        ("2016-10", 600_000, "ok", 600_000, "ok"),
        ("2016-11", 630_000, "warning", 630_000, "warning"),
        ("2016-12", 630_000, "warning", 700_001, "breach"),
    ]
    app.config["CAP_WARNING_RATIO"] = 0.85
    assert admin.get(f"/api/v1/caps/{cap.id}/usage").get_json()[0]["status"] == "warning"
    # lowering the limit below today's usage shows the breach
    admin.patch(f"/api/v1/caps/{cap.id}", json={"limit_tpa": 620_000})
    rows = admin.get(f"/api/v1/caps/{cap.id}/usage").get_json()
    assert [(r["status"], r["headroom_tpa"]) for r in rows] == [
        ("warning", 20_000), ("breach", -10_000), ("breach", -10_000)]


def test_surge_flag_at_the_configured_threshold(app, admin, factory, world):
    app.config["SURGE_THRESHOLD_TPA"] = 250_000
    cap = factory.cap(basis="monthly_additions", limit_tpa=5_000_000, period_from="2016-10",
                      period_to="2016-12")
    factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, effective_month="2016-11",
                   status="approved")
    factory.filing(world.smelter_b, world.filer_b, kind="new_capacity", capacity_tpa=150_000,
                   effective_month="2016-11", status="submitted")
    factory.filing(world.smelter_b, world.filer_b, capacity_tpa=249_999, effective_month="2016-12",
                   status="submitted")
    factory.filing(world.smelter_a, world.filer_a, kind="curtailment", capacity_tpa=100_000,
                   effective_month="2016-12", status="approved")
    rows = admin.get(f"/api/v1/caps/{cap.id}/usage").get_json()
    assert [(r["month"], r["national_additions_tpa"], r["surge"]) for r in rows] == [
        ("2016-10", 0, False), ("2016-11", 250_000, True), ("2016-12", 249_999, False)]
    assert [(r["approved_tpa"], r["pending_tpa"]) for r in rows] == [
        (0, 0), (100_000, 250_000), (0, 249_999)]


def test_usage_costs_a_constant_number_of_queries(app, admin, factory, world):
    def queries_for_usage(cap_id: int) -> int:
        seen: list[str] = []

        def count(conn, cursor, statement, *args):
            if statement.strip().upper() != "BEGIN":  # SQLite's explicit BEGIN (registry.db)
                seen.append(statement)

        with app.app_context():
            engine = db.engine
        admin.get(f"/api/v1/caps/{cap_id}/usage")  # the token's first use writes last_used_at
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            response = admin.get(f"/api/v1/caps/{cap_id}/usage")
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200 and len(response.get_json()) == 12
        return len(seen)

    operating = factory.cap(limit_tpa=10_000_000, period_from="2016-01", period_to="2016-12")
    additions = factory.cap(basis="monthly_additions", period_from="2016-01", period_to="2016-12")
    few = queries_for_usage(operating.id), queries_for_usage(additions.id)
    smelters = [factory.smelter(world.ent_a) for _ in range(3)]
    for i in range(24):
        smelter = smelters[i % 3]
        factory.filing(smelter, world.filer_a, capacity_tpa=1_000, effective_month=f"2016-{i % 12 + 1:02d}",
                       status="approved" if i % 2 else "submitted")
    many = queries_for_usage(operating.id), queries_for_usage(additions.id)
    assert few == many
    # the token with its user, the cap, national additions, and one or two grouped queries
    assert many == (5, 4)


def test_active_must_be_a_json_boolean(admin):
    assert_problem(admin.post("/api/v1/caps", json=cap_body(active=0)), 422, "active")
