"""Checks before approval: a filer and a reviewer see what an approval now would refuse, with its figures."""

from __future__ import annotations

import re

import pytest

from tests.proof import prove_replacement
from tests.test_replacement_cover import closure_indicator
from tests.web_helpers import sign_in, text


def _checks(api, filing_id: int) -> dict:
    response = api.get(f"/api/v1/filings/{filing_id}/checks")
    assert response.status_code == 200, response.get_json()
    return response.json


def test_a_restart_above_idle_capacity_warns_the_filer_before_submitting(world, factory, api_as):
    # built 500,000, operating 300,000: 200,000 idle
    draft = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=250_000)
    checks = _checks(api_as(world.filer_a), draft.id)
    assert (checks["checked"], checks["would_pass"]) == (True, False)
    [refusal] = checks["refusals"]
    assert refusal["code"] == "restart_exceeds_idle"
    assert (refusal["month"], refusal["idle_tpa"], refusal["capacity_tpa"]) == ("2016-11", 200_000, 250_000)
    assert "200,000" in refusal["detail"]


def test_the_checks_are_what_the_approval_then_refuses(world, factory, api_as):
    filing = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=250_000, status="submitted")
    [refusal] = _checks(api_as(world.reviewer), filing.id)["refusals"]
    approval = api_as(world.reviewer).post(f"/api/v1/filings/{filing.id}/approve", json={})
    assert approval.status_code == 409
    body = approval.get_json()
    assert {k: body[k] for k in refusal} == refusal  # same code, message and figures


def test_every_broken_rule_is_listed_at_once(world, factory, api_as):
    factory.cap(limit_tpa=350_000, scope="enterprise", scope_ref=str(world.ent_a.id))
    draft = factory.filing(world.smelter_a, world.filer_a, kind="new_capacity", capacity_tpa=100_000)
    checks = _checks(api_as(world.filer_a), draft.id)
    assert [r["code"] for r in checks["refusals"]] == ["cap_exceeded", "short_cover", "announcement_missing"]
    cap, cover, _announcement = checks["refusals"]
    assert (cap["resulting_tpa"], cap["limit_tpa"], cap["excess_tpa"]) == (400_000, 350_000, 50_000)
    assert (cover["offered_tpa"], cover["shortfall_tpa"]) == (0, cover["required_tpa"])
    assert cover["required_tpa"] >= 100_000
    [preview] = checks["caps"]
    assert (preview["refused"], preview["resulting_tpa"]) == (True, 400_000)


def test_a_covered_filing_within_its_caps_would_pass(world, factory, api_as, app):
    indicator = closure_indicator(factory, app, world.smelter_a, world.filer_a, 200_000)
    factory.cap(limit_tpa=1_000_000, scope="enterprise", scope_ref=str(world.ent_a.id))
    draft = factory.filing(world.smelter_a, world.filer_a, kind="new_capacity", capacity_tpa=100_000,
                           replacements=[{"indicator_id": indicator.id, "tonnes_tpa": 150_000}])
    checks = _checks(api_as(world.filer_a), draft.id)
    assert [r["code"] for r in checks["refusals"]] == ["announcement_missing", "dismantling_unconfirmed"]
    with app.app_context():
        prove_replacement(draft.id)  # notice, announcement, the closure's dismantling
    checks = _checks(api_as(world.filer_a), draft.id)
    assert (checks["would_pass"], checks["refusals"]) == (True, [])
    assert [c["status"] for c in checks["caps"]] == ["ok"]


def test_a_restart_that_fits_its_month_but_breaks_a_later_one(world, factory, api_as):
    # approved: a 2017-01 restart of 100,000 (operating 400,000 of 500,000 built from then)
    factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, effective_month="2017-01",
                   status="approved")
    restart = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=150_000, effective_month="2016-11")
    [refusal] = _checks(api_as(world.filer_a), restart.id)["refusals"]
    assert (refusal["code"], refusal["month"], refusal["idle_tpa"]) == ("restart_exceeds_idle", "2017-01", 100_000)
    assert "approved filings already take effect by Jan 2017" in refusal["detail"]
    assert api_as(world.filer_a).post(f"/api/v1/filings/{restart.id}/submit", json={}).status_code == 200  # a warning
    approval = api_as(world.reviewer).post(f"/api/v1/filings/{restart.id}/approve", json={})
    assert (approval.status_code, approval.get_json()["month"]) == (409, "2017-01")


def test_decided_filings_are_not_checked(world, factory, api_as):
    filing = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=50_000, status="approved")
    checks = _checks(api_as(world.filer_a), filing.id)
    assert (checks["checked"], checks["would_pass"], checks["refusals"], checks["caps"]) == (False, False, [], [])


def test_another_members_filing_has_no_checks(world, factory, api_as):
    filing = factory.filing(world.smelter_b, world.filer_b, capacity_tpa=50_000)
    assert api_as(world.filer_a).get(f"/api/v1/filings/{filing.id}/checks").status_code == 404
    assert api_as(world.filer_a).get("/api/v1/filings/999999/checks").status_code == 404


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_filing_page_warns_in_the_readers_language(world, factory, client, language):
    draft = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=250_000)
    sign_in(client, world.filer_a)
    page = text(client.get(f"/filings/{draft.id}", headers={"Accept-Language": language}))
    checks = page[page.index('id="checks"'):]
    if language == "en":
        assert "An approval now would be refused for 1 reason" in checks
        assert "Restart exceeds idle capacity" in checks
    else:
        assert "现在审批将因 1 项原因被拒绝" in checks
        assert "复产超过闲置产能" in checks
    assert re.search(r"200,000|20万", checks)


def test_a_passing_draft_says_so(world, factory, client):
    draft = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=50_000)
    sign_in(client, world.filer_a)
    page = text(client.get(f"/filings/{draft.id}"))
    assert "An approval now would pass every rule" in page


def _approve_button(page: str, filing_id: int) -> str:
    form = page[page.index(f'action="/filings/{filing_id}/approve"'):]
    return re.search(r"<button[^>]*>", form).group(0)


def test_the_review_queue_previews_the_idle_capacity_rule(world, factory, client):
    refused = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=250_000, status="submitted")
    passing = factory.filing(world.smelter_b, world.filer_b, capacity_tpa=50_000, status="submitted")
    sign_in(client, world.reviewer)
    page = text(client.get("/review"))
    card = page[page.index(f'id="filing-{refused.id}"'):page.index(f'id="filing-{passing.id}"')]
    assert "Restart exceeds idle capacity" in card and "200,000" in card
    assert "btn-primary" not in _approve_button(page, refused.id)
    assert "btn-primary" in _approve_button(page, passing.id)
    detail = text(client.get(f"/filings/{refused.id}"))
    assert "btn-primary" not in _approve_button(detail, refused.id)
    assert "btn-primary" in _approve_button(text(client.get(f"/filings/{passing.id}")), passing.id)
