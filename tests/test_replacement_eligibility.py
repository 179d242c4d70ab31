"""Indicator eligibility: expiry, routes, reserved claims and the province policy (MIIT 2018 No. 12)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.evidence.models import Dismantling, Notice
from registry.extensions import db
from registry.replacement.models import FilingReplacement, Indicator
from tests.test_replacement_cover import closure_indicator, new_capacity, problem, remaining
from tests.web_helpers import sign_in


def prove(app, filing_id: int, by_id: int) -> None:
    """The replacement proof an approval needs (announced plan, closures dismantled), so cover is what is tested."""
    with app.app_context():
        closures = db.session.scalars(sa.select(Indicator.origin_filing_id)
                                      .join(FilingReplacement, FilingReplacement.indicator_id == Indicator.id)
                                      .where(FilingReplacement.filing_id == filing_id)).all()
        day = dt.date(2016, 1, 4)
        db.session.add(Notice(filing_id=filing_id, authority="省工信厅", published_on=day, url="https://example.org/n",
                              ends_on=day, announced_on=day, document_no="公告1", created_by=by_id))
        for closure in set(closures):
            if db.session.get(Dismantling, closure) is None:
                db.session.add(Dismantling(filing_id=closure, completed_on=day, evidence="photos", recorded_by=by_id,
                                           confirmed_by=by_id, confirmed_at=dt.datetime.now(dt.UTC)))
        db.session.commit()


def _approve(app, reviewer, filing, reviewer_id):
    prove(app, filing.id, reviewer_id)
    return reviewer.post(f"/api/v1/filings/{filing.id}/approve")


def test_expired_indicator_is_refused_at_approval_and_shown_on_the_filing_page(app, world, factory, api_as, client):
    app.config["REGISTRY_TODAY_DATE"] = dt.date(2017, 3, 1)
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 200_000)
    reviewer = api_as(world.reviewer)
    assert reviewer.patch(f"/api/v1/indicators/{ind.id}", json={"expires_on": "2017-02-28"}).status_code == 200
    filing = new_capacity(factory, world.smelter_a, world.filer_a, 100_000, [(ind.id, 100_000)])

    body = problem(_approve(app, reviewer, filing, world.reviewer.id), 409)

    assert (body["code"], body["indicator_id"], body["expires_on"]) == ("indicator_expired", ind.id, "2017-02-28")
    assert f"Indicator #{ind.id} expired on Feb 28, 2017" in body["detail"]
    assert remaining(app, ind.id) == 200_000
    sign_in(client, world.filer_a)
    page = client.get(f"/filings/{filing.id}").get_data(as_text=True)
    assert f"Indicator #{ind.id} expired on Feb 28, 2017" in page
    assert "Expired on Feb 28, 2017" in page  # beside the indicator in the cover table

    # an indicator expiring on the day of the approval still covers it
    assert reviewer.patch(f"/api/v1/indicators/{ind.id}", json={"expires_on": "2017-03-01"}).status_code == 200
    assert reviewer.post(f"/api/v1/filings/{filing.id}/approve").status_code == 200
    assert remaining(app, ind.id) == 100_000


def test_a_transfer_above_available_is_refused_naming_the_claim(app, world, factory, api_as):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    new_capacity(factory, world.smelter_a, world.filer_a, 60_000, [(ind.id, 60_000)])  # submitted: reserved
    factory.filing(world.smelter_a, world.filer_a, kind="new_capacity", capacity_tpa=30_000,
                   replacements=[{"indicator_id": ind.id, "tonnes_tpa": 30_000}])  # a draft reserves nothing
    reviewer = api_as(world.reviewer)
    shown = reviewer.get(f"/api/v1/indicators/{ind.id}").json
    assert (shown["remaining_tpa"], shown["claimed_tpa"], shown["available_tpa"]) == (100_000, 60_000, 40_000)
    listed = api_as(world.filer_a).get("/api/v1/indicators").json
    assert [(i["claimed_tpa"], i["available_tpa"]) for i in listed] == [(60_000, 40_000)]

    body = problem(reviewer.post(f"/api/v1/indicators/{ind.id}/transfers", json={
        "to_enterprise_id": world.ent_b.id, "tonnes_tpa": 40_001, "route": "trade"}), 409)

    assert body["code"] == "indicator_reserved"
    assert (body["claimed_tpa"], body["available_tpa"], body["requested_tpa"]) == (60_000, 40_000, 40_001)
    assert "60,000 t/a are claimed by filings in review" in body["detail"]
    assert remaining(app, ind.id) == 100_000
    ok = reviewer.post(f"/api/v1/indicators/{ind.id}/transfers", json={
        "to_enterprise_id": world.ent_b.id, "tonnes_tpa": 40_000, "route": "trade"})
    assert ok.status_code == 201, ok.json
    after = reviewer.get(f"/api/v1/indicators/{ind.id}").json
    assert (after["remaining_tpa"], after["claimed_tpa"], after["available_tpa"]) == (60_000, 60_000, 0)


def test_the_indicator_pages_show_claimed_and_available(app, world, factory, client):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    new_capacity(factory, world.smelter_a, world.filer_a, 70_000, [(ind.id, 70_000)])
    sign_in(client, world.filer_a)
    listing = client.get("/indicators").get_data(as_text=True)
    assert "Claimed" in listing and "70,000" in listing and "30,000" in listing
    detail = client.get(f"/indicators/{ind.id}").get_data(as_text=True)
    claimed = detail.split('id="indicator-claimed"')[1].split("</div>")[0]
    available = detail.split('id="indicator-available"')[1].split("</div>")[0]
    assert "70,000" in claimed and "30,000" in available


def test_transfers_require_a_route_and_show_it(app, world, factory, api_as, client):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    reviewer = api_as(world.reviewer)
    url = f"/api/v1/indicators/{ind.id}/transfers"
    missing = problem(reviewer.post(url, json={"to_enterprise_id": world.ent_b.id, "tonnes_tpa": 1_000}), 422)
    assert "route" in missing["errors"]
    wrong = problem(reviewer.post(url, json={"to_enterprise_id": world.ent_b.id, "tonnes_tpa": 1_000,
                                             "route": "gift"}), 422)
    assert "route" in wrong["errors"]
    assert remaining(app, ind.id) == 100_000
    merged = reviewer.post(url, json={"to_enterprise_id": world.ent_b.id, "tonnes_tpa": 1_000, "route": "merger"})
    assert merged.status_code == 201 and merged.json["route"] == "merger"
    lineage = reviewer.get(f"/api/v1/indicators/{ind.id}").json["lineage"]
    assert [t["route"] for t in lineage["transfers_out"]] == ["merger"]

    sign_in(client, world.reviewer)
    form = client.get(f"/indicators/{ind.id}/transfer").get_data(as_text=True)
    assert all(f'value="{code}"' in form for code in ("merger", "intra_group", "trade"))
    assert "Intra-group transfer" in form and "Indicator trade" in form
    refused = client.post(f"/indicators/{ind.id}/transfer",
                          data={"to_enterprise_id": world.ent_b.id, "tonnes_tpa": "2,000", "note": ""})
    assert refused.status_code == 422 and 'id="route-err"' in refused.get_data(as_text=True)
    done = client.post(f"/indicators/{ind.id}/transfer", data={
        "to_enterprise_id": world.ent_b.id, "tonnes_tpa": "2,000", "route": "intra_group", "note": ""})
    assert done.status_code == 302
    assert "Intra-group transfer" in client.get(f"/indicators/{ind.id}").get_data(as_text=True)


def test_a_province_that_forbids_trading_out_keeps_traded_indicators_inside(app, world, factory, api_as):
    admin, reviewer = api_as(world.admin), api_as(world.reviewer)
    assert admin.get("/api/v1/provinces/41/indicator-policy").json == {
        "province": "41", "trade_out_allowed": True, "default": True}
    assert reviewer.put("/api/v1/provinces/41/indicator-policy", json={"trade_out_allowed": False}).status_code == 403
    assert problem(admin.put("/api/v1/provinces/99/indicator-policy", json={"trade_out_allowed": False}), 404)
    assert problem(admin.put("/api/v1/provinces/41/indicator-policy", json={"trade_out_allowed": 0}), 422)
    put = admin.put("/api/v1/provinces/41/indicator-policy", json={"trade_out_allowed": False})
    assert put.status_code == 200 and put.json == {"province": "41", "trade_out_allowed": False, "default": False}

    henan = closure_indicator(factory, app, world.smelter_a, world.filer_a, 300_000)  # Henan 41
    mongolia = factory.enterprise(province="15")
    mongolia_smelter, mongolia_filer = factory.smelter(mongolia), factory.user("filer", mongolia)
    henan_buyer = factory.enterprise(province="41")
    buyer_smelter, buyer_filer = factory.smelter(henan_buyer), factory.user("filer", henan_buyer)
    url = f"/api/v1/indicators/{henan.id}/transfers"
    sold_out = reviewer.post(url, json={"to_enterprise_id": mongolia.id, "tonnes_tpa": 100_000,
                                        "route": "trade"}).json["to_indicator"]
    sold_in = reviewer.post(url, json={"to_enterprise_id": henan_buyer.id, "tonnes_tpa": 100_000,
                                       "route": "trade"}).json["to_indicator"]

    outside = new_capacity(factory, mongolia_smelter, mongolia_filer, 100_000, [(sold_out["id"], 100_000)])
    body = problem(_approve(app, reviewer, outside, world.reviewer.id), 409)
    assert (body["code"], body["indicator_id"], body["province"]) == (
        "indicator_province_restricted", sold_out["id"], "41")
    assert "Henan keeps traded indicators inside its borders" in body["detail"]
    assert remaining(app, sold_out["id"]) == 100_000

    inside = new_capacity(factory, buyer_smelter, buyer_filer, 100_000, [(sold_in["id"], 100_000)])
    assert _approve(app, reviewer, inside, world.reviewer.id).status_code == 200

    assert admin.put("/api/v1/provinces/41/indicator-policy", json={"trade_out_allowed": True}).status_code == 200
    assert reviewer.post(f"/api/v1/filings/{outside.id}/approve").status_code == 200


def test_staff_record_source_document_and_expiry_filers_may_not(app, world, factory, api_as):
    own = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    other = closure_indicator(factory, app, world.smelter_b, world.filer_b, 100_000)
    reviewer, filer = api_as(world.reviewer), api_as(world.filer_a)
    url = f"/api/v1/indicators/{own.id}"
    etag = reviewer.get(url).headers["ETag"]

    patched = reviewer.patch(url, json={"source_document": "豫发改工业〔2003〕1号", "expires_on": "2019-12-31"},
                             headers={"If-Match": etag})

    assert patched.status_code == 200, patched.json
    assert (patched.json["source_document"], patched.json["expires_on"]) == ("豫发改工业〔2003〕1号", "2019-12-31")
    assert problem(reviewer.patch(url, json={"expires_on": None}, headers={"If-Match": etag}), 412)
    assert problem(reviewer.patch(url, json={"expires_on": "31/12/2019"}), 422)["errors"]["expires_on"]
    assert problem(filer.patch(url, json={"expires_on": "2030-01-01"}), 403)
    assert problem(filer.patch(f"/api/v1/indicators/{other.id}", json={"expires_on": "2030-01-01"}), 404)
    assert filer.get(url).json["expires_on"] == "2019-12-31"
    cleared = api_as(world.admin).patch(url, json={"expires_on": None})
    assert cleared.status_code == 200 and cleared.json["expires_on"] is None
    with app.app_context():
        events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.after).where(
            AuditEvent.entity_type == "indicator", AuditEvent.entity_id == own.id,
            AuditEvent.action == "update").order_by(AuditEvent.id)).all()
        db.session.remove()
    assert [e.after["expires_on"] for e in events] == ["2019-12-31", None]
