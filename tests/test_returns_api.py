"""Monthly returns: filing, revisions, the future-month rule, bounds and who sees what."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.extensions import db
from registry.months import add, current
from tests.api_helpers import assert_problem, pagination

URL = "/api/v1/monthly-returns"


def body(smelter, **overrides) -> dict:
    return {"smelter_id": smelter.id, "month": "2016-11", "operating_tpa": 300_000,
            "production_t": 24_000, **overrides}


def test_refiling_makes_a_new_revision_and_keeps_the_old_one(world, api_as):
    filer = api_as(world.filer_a)
    first = filer.post(URL, json=body(world.smelter_a))
    assert first.status_code == 201, first.json
    assert first.json["revision"] == 1
    assert first.json["enterprise_id"] == world.ent_a.id
    assert first.headers["ETag"]
    second = filer.post(URL, json=body(world.smelter_a, operating_tpa=280_000, production_t=23_000))
    assert second.status_code == 201
    assert second.json["revision"] == 2

    latest = filer.get(URL, query_string={"month": "2016-11"})
    assert [(r["revision"], r["operating_tpa"]) for r in latest.json] == [(2, 280_000)]
    assert pagination(latest)["total"] == 1
    every = filer.get(URL, query_string={"month": "2016-11", "all_revisions": "true"})
    assert [(r["revision"], r["operating_tpa"]) for r in every.json] == [(1, 300_000), (2, 280_000)]
    old = filer.get(f"{URL}/{first.json['id']}")
    assert old.status_code == 200
    assert (old.json["revision"], old.json["production_t"]) == (1, 24_000)


def test_latest_is_per_smelter_and_month(world, factory, api_as):
    other = factory.smelter(world.ent_a)
    filer = api_as(world.filer_a)
    filer.post(URL, json=body(world.smelter_a, month="2016-10"))
    filer.post(URL, json=body(world.smelter_a, month="2016-11"))
    filer.post(URL, json=body(world.smelter_a, month="2016-11", production_t=1))
    filer.post(URL, json=body(other, month="2016-11"))
    rows = filer.get(URL).json
    assert [(r["smelter_id"], r["month"], r["revision"]) for r in rows] == [
        (world.smelter_a.id, "2016-10", 1), (world.smelter_a.id, "2016-11", 2), (other.id, "2016-11", 1)]
    only = filer.get(URL, query_string={"smelter_id": other.id}).json
    assert [r["smelter_id"] for r in only] == [other.id]


def test_a_month_that_has_not_begun_is_refused_naming_it(world, api_as):
    next_month = add(current(), 1)
    response = api_as(world.filer_a).post(URL, json=body(world.smelter_a, month=next_month))
    problem = assert_problem(response, 422, "month")
    assert problem["month"] == next_month and problem["code"] == "validation"
    assert dt.date(int(next_month[:4]), int(next_month[5:]), 1).strftime("%b %Y") in problem["detail"]
    assert api_as(world.filer_a).post(URL, json=body(world.smelter_a, month=current())).status_code == 201


def test_a_month_before_the_baseline_is_refused(world, api_as):
    response = api_as(world.filer_a).post(URL, json=body(world.smelter_a, month="2015-12"))
    assert_problem(response, 422, "month")


def test_figures_are_bounded_whole_tonnes(world, api_as):
    filer = api_as(world.filer_a)
    assert_problem(filer.post(URL, json=body(world.smelter_a, operating_tpa=20_000_001)), 422, "operating_tpa")
    assert_problem(filer.post(URL, json=body(world.smelter_a, operating_tpa=-1)), 422, "operating_tpa")
    assert_problem(filer.post(URL, json=body(world.smelter_a, production_t=2.5)), 422, "production_t")
    assert_problem(filer.post(URL, json=body(world.smelter_a, production_t=1_700_001)), 422, "production_t")
    assert_problem(filer.post(URL, json=body(world.smelter_a, month="2016-13")), 422, "month")
    assert filer.post(URL, json=body(world.smelter_a, operating_tpa=20_000_000)).status_code == 201


def test_only_the_smelters_own_filer_may_file(world, api_as):
    assert_problem(api_as(world.filer_b).post(URL, json=body(world.smelter_a)), 422, "smelter_id")
    for role in ("admin", "reviewer", "auditor"):
        assert_problem(api_as(getattr(world, role)).post(URL, json=body(world.smelter_a)), 403)


def test_a_filer_sees_only_its_enterprise(world, api_as):
    mine = api_as(world.filer_a).post(URL, json=body(world.smelter_a)).json
    api_as(world.filer_b).post(URL, json=body(world.smelter_b))
    assert [r["smelter_id"] for r in api_as(world.filer_b).get(URL).json] == [world.smelter_b.id]
    assert api_as(world.filer_b).get(URL, query_string={"enterprise_id": world.ent_a.id}).json == []
    assert_problem(api_as(world.filer_b).get(f"{URL}/{mine['id']}"), 404)
    staff = api_as(world.auditor)
    assert len(staff.get(URL).json) == 2
    assert [r["smelter_id"] for r in staff.get(URL, query_string={"enterprise_id": world.ent_a.id}).json] == [
        world.smelter_a.id]


def test_due_date_and_lateness(world, api_as, app):
    filer = api_as(world.filer_a)
    old = filer.post(URL, json=body(world.smelter_a, month="2016-11")).json
    assert old["due_on"] == "2016-12-10"
    assert old["late"] is True
    now = filer.post(URL, json=body(world.smelter_a, month=current())).json
    assert now["late"] is False
    app.config["RETURN_DUE_DAY"] = 31
    assert filer.get(f"{URL}/{old['id']}").json["due_on"] == "2016-12-31"
    february = filer.post(URL, json=body(world.smelter_a, month="2017-01")).json
    assert february["due_on"] == "2017-02-28"


def test_filing_is_audited(world, api_as, app):
    created = api_as(world.filer_a).post(URL, json=body(world.smelter_a)).json
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(
            AuditEvent.entity_type == "monthly_return", AuditEvent.entity_id == created["id"]))
        assert event.action == "file"
        assert event.actor_id == world.filer_a.id
        assert event.after["operating_tpa"] == 300_000
        db.session.remove()
