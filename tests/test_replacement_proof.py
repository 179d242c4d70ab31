"""Proof of replacement: the notice's 10 working days, objections and re-notice, the announcement after the
notice, and the dismantling of the closures behind an indicator, each refusing approval until it holds."""

from __future__ import annotations

import pytest

from tests.test_replacement_cover import closure_indicator

NOTICE = {"authority": "河南省工业和信息化厅", "url": "https://gxt.henan.gov.cn/2016/09/26/notice.html"}


@pytest.fixture
def plan(app, factory, world):
    """A submitted new-capacity filing covered by an approved closure's indicator, with no proof yet."""
    indicator = closure_indicator(factory, app, world.smelter_a, world.filer_a, 200_000)
    filing = factory.filing(world.smelter_a, world.filer_a, kind="new_capacity", capacity_tpa=100_000,
                            effective_month="2016-12", status="submitted", proof=False,
                            replacements=[{"indicator_id": indicator.id, "tonnes_tpa": 100_000}])
    return filing, indicator


@pytest.mark.parametrize(("published", "ends"), [("2016-09-26", "2016-10-12"), ("2017-01-20", "2017-02-07")])
def test_the_notice_ends_on_its_tenth_working_day(api_as, world, plan, published, ends):
    filing, _ = plan
    response = api_as(world.filer_a).put(f"/api/v1/filings/{filing.id}/notice",
                                         json={**NOTICE, "published_on": published})
    assert response.status_code == 200, response.json
    assert response.json["ends_on"] == ends and response.json["status"] == "notice_ended"
    assert response.json["objections"] == [] and response.json["announced_on"] is None


def test_a_notice_in_a_year_the_calendar_lacks_is_a_clear_409(api_as, world, plan, app):
    from registry.extensions import db
    from registry.workdays.models import CalendarYear

    with app.app_context():
        db.session.delete(db.session.get(CalendarYear, 2016))
        db.session.commit()
    filing, _ = plan
    response = api_as(world.filer_a).put(f"/api/v1/filings/{filing.id}/notice",
                                         json={**NOTICE, "published_on": "2016-09-26"})
    assert response.status_code == 409 and response.json["code"] == "calendar_year_missing"
    assert response.json["year"] == 2016
    assert api_as(world.filer_a).get(f"/api/v1/filings/{filing.id}/notice").status_code == 404  # nothing written


def test_an_announcement_on_or_before_the_end_is_422(api_as, world, plan):
    filing, _ = plan
    filer = api_as(world.filer_a)
    filer.put(f"/api/v1/filings/{filing.id}/notice", json={**NOTICE, "published_on": "2016-09-26"})
    for day in ("2016-10-12", "2016-10-01"):
        response = filer.put(f"/api/v1/filings/{filing.id}/announcement",
                             json={"announced_on": day, "document_no": "豫工信〔2016〕88号"})
        assert response.status_code == 422 and "announced_on" in response.json["errors"]
        assert response.json["ends_on"] == "2016-10-12"
    response = filer.put(f"/api/v1/filings/{filing.id}/announcement",
                         json={"announced_on": "2016-10-13", "document_no": "豫工信〔2016〕88号"})
    assert response.status_code == 200 and response.json["status"] == "announced"


def test_an_upheld_objection_needs_a_new_notice_before_the_announcement(api_as, world, plan):
    filing, _ = plan
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    filer.put(f"/api/v1/filings/{filing.id}/notice", json={**NOTICE, "published_on": "2016-09-26"})
    assert filer.post(f"/api/v1/filings/{filing.id}/notice/objections", json={"note": "x"}).status_code == 403
    raised = reviewer.post(f"/api/v1/filings/{filing.id}/notice/objections", json={"note": "拆除产能与原批复不符"})
    assert raised.status_code == 201 and raised.json["status"] == "objection_open"
    objection_id = raised.json["objections"][0]["id"]
    announcement = {"announced_on": "2016-10-13", "document_no": "豫工信〔2016〕88号"}
    refused = filer.put(f"/api/v1/filings/{filing.id}/announcement", json=announcement)
    assert refused.status_code == 422 and refused.json["objection_id"] == objection_id  # still open
    upheld = reviewer.post(f"/api/v1/filings/{filing.id}/notice/objections/{objection_id}/resolve",
                           json={"upheld": True, "note": "需重新公示"})
    assert upheld.status_code == 200 and upheld.json["status"] == "renotice_required"
    assert filer.put(f"/api/v1/filings/{filing.id}/announcement", json=announcement).status_code == 422
    again = filer.put(f"/api/v1/filings/{filing.id}/notice", json={**NOTICE, "published_on": "2016-10-17"})
    assert again.json["ends_on"] == "2016-10-28" and again.json["objections"] == []
    assert filer.put(f"/api/v1/filings/{filing.id}/announcement", json=announcement).status_code == 422  # too early
    done = filer.put(f"/api/v1/filings/{filing.id}/announcement", json={**announcement, "announced_on": "2016-10-31"})
    assert done.status_code == 200 and done.json["status"] == "announced"
    actions = [e["action"] for e in reviewer.get(f"/api/v1/audit-events?entity_type=filing&entity_id={filing.id}").json]
    assert {"publish_notice", "raise_objection", "resolve_objection", "announce"} <= set(actions)


def test_approval_waits_for_the_announcement_then_for_the_dismantling(api_as, world, plan):
    filing, indicator = plan
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)
    refused = reviewer.post(f"/api/v1/filings/{filing.id}/approve")
    assert refused.status_code == 409 and refused.json["code"] == refused.json["rule"] == "announcement_missing"
    filer.put(f"/api/v1/filings/{filing.id}/notice", json={**NOTICE, "published_on": "2016-09-26"})
    filer.put(f"/api/v1/filings/{filing.id}/announcement", json={"announced_on": "2016-10-13", "document_no": "88"})
    refused = reviewer.post(f"/api/v1/filings/{filing.id}/approve")
    assert refused.status_code == 409 and refused.json["code"] == "dismantling_unconfirmed"
    closure_id = indicator.closure_id
    assert (refused.json["indicator_id"], refused.json["closure_id"]) == (indicator.id, closure_id)
    assert refused.json["first_day_on"] == "2016-12-01"
    recorded = filer.put(f"/api/v1/filings/{closure_id}/dismantling",
                         json={"completed_on": "2016-12-02", "evidence": "现场拆除照片"})  # a day too late
    assert recorded.status_code == 200 and recorded.json["confirmed"] is False
    assert filer.post(f"/api/v1/filings/{closure_id}/dismantling/confirm").status_code == 403
    assert reviewer.post(f"/api/v1/filings/{closure_id}/dismantling/confirm").json["confirmed"] is True
    assert reviewer.post(f"/api/v1/filings/{filing.id}/approve").json["code"] == "dismantling_unconfirmed"
    filer.put(f"/api/v1/filings/{closure_id}/dismantling", json={"completed_on": "2016-11-20", "evidence": "验收"})
    assert reviewer.post(f"/api/v1/filings/{filing.id}/approve").json["code"] == "dismantling_unconfirmed"  # again
    reviewer.post(f"/api/v1/filings/{closure_id}/dismantling/confirm")
    approved = reviewer.post(f"/api/v1/filings/{filing.id}/approve")
    assert approved.status_code == 200 and approved.json["status"] == "approved"


def test_the_filing_page_says_what_is_missing_before_approval(client, world, plan):
    from tests.web_helpers import sign_in, text

    filing, _ = plan
    sign_in(client, world.reviewer)
    page = text(client.get(f"/filings/{filing.id}", headers={"Accept-Language": "zh-CN"}))
    assert "产能置换方案尚未公告" in page


def test_proof_is_only_for_the_filings_it_belongs_to(api_as, world, factory, plan):
    filing, indicator = plan
    other = api_as(world.filer_b)
    assert other.put(f"/api/v1/filings/{filing.id}/notice", json={**NOTICE, "published_on": "2016-09-26"}) \
        .status_code == 404
    assert other.get(f"/api/v1/filings/{indicator.closure_id}/dismantling").status_code == 404
    restart = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    response = api_as(world.filer_a).put(f"/api/v1/filings/{restart.id}/notice",
                                         json={**NOTICE, "published_on": "2016-09-26"})
    assert response.status_code == 422 and "kind" in response.json["errors"]
    response = api_as(world.filer_a).put(f"/api/v1/filings/{restart.id}/dismantling",
                                         json={"completed_on": "2016-09-26", "evidence": "x"})
    assert response.status_code == 422


@pytest.mark.parametrize("body", [
    {"authority": "厅", "published_on": "2016-02-30", "url": "https://x.example"},
    {"authority": "厅", "published_on": "2016-09-26", "url": "javascript:alert(1)"},
    {"authority": "", "published_on": "2016-09-26", "url": "https://x.example"},
    {"authority": "厅", "published_on": "2999-01-01", "url": "https://x.example"},
])
def test_a_bad_notice_is_422_naming_the_field_and_writes_nothing(api_as, world, plan, body):
    filing, _ = plan
    response = api_as(world.filer_a).put(f"/api/v1/filings/{filing.id}/notice", json=body)
    assert response.status_code == 422, response.json
    assert api_as(world.filer_a).get(f"/api/v1/filings/{filing.id}/notice").status_code == 404


def test_the_tasks_say_what_proof_is_missing_and_to_whom(api_as, world, plan):
    filing, indicator = plan
    filer, reviewer = api_as(world.filer_a), api_as(world.reviewer)

    def codes(api):
        return [(t["code"], t.get("filing_id")) for t in api.get("/api/v1/me/tasks").json
                if t["code"].startswith(("task_notice", "task_announcement", "task_dismantling"))]

    closure_id = indicator.closure_id
    assert codes(filer) == [("task_notice_to_record", filing.id), ("task_dismantling_to_record", closure_id)]
    assert codes(api_as(world.filer_b)) == []  # not B's plan nor B's closure
    filer.put(f"/api/v1/filings/{filing.id}/notice", json={**NOTICE, "published_on": "2016-09-26"})
    assert ("task_announcement_to_record", filing.id) in codes(filer)
    filer.put(f"/api/v1/filings/{closure_id}/dismantling", json={"completed_on": "2016-11-01", "evidence": "验收"})
    assert codes(reviewer) == [("task_dismantling_to_confirm", closure_id)]
    reviewer.post(f"/api/v1/filings/{closure_id}/dismantling/confirm")
    filer.put(f"/api/v1/filings/{filing.id}/announcement", json={"announced_on": "2016-10-13", "document_no": "88"})
    assert codes(filer) == [] and codes(reviewer) == []
