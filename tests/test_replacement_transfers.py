"""Transfers of indicator tonnes between members, and the lineage both sides see."""

from __future__ import annotations

import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.extensions import db
from tests.test_replacement_cover import closure_indicator, new_capacity, problem, remaining
from tests.web_helpers import sign_in


def test_staff_transfer_moves_tonnes_to_a_new_indicator_of_the_buyer(app, world, factory, api_as):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 200_000)
    reviewer = api_as(world.reviewer)

    response = reviewer.post(f"/api/v1/indicators/{ind.id}/transfers",
                             json={"route": "trade",
                                   "to_enterprise_id": world.ent_b.id, "tonnes_tpa": 80_000, "note": "Contract 7"})

    assert response.status_code == 201, response.json
    body = response.json
    assert (body["tonnes_tpa"], body["note"], body["recorded_by"]) == (80_000, "Contract 7", world.reviewer.id)
    assert (body["from_indicator"]["id"], body["from_indicator"]["remaining_tpa"]) == (ind.id, 120_000)
    bought = body["to_indicator"]
    assert (bought["enterprise_id"], bought["parent_id"], bought["tonnes_tpa"], bought["remaining_tpa"],
            bought["province"], bought["origin_filing_id"]) == (
        world.ent_b.id, ind.id, 80_000, 80_000, "41", ind.closure_id)
    assert remaining(app, ind.id) == 120_000
    assert [i["id"] for i in api_as(world.filer_b).get("/api/v1/indicators").json] == [bought["id"]]
    with app.app_context():
        actions = db.session.execute(sa.select(AuditEvent.entity_type, AuditEvent.action)
                                     .where(AuditEvent.entity_type.in_(("indicator", "indicator_transfer")))
                                     .order_by(AuditEvent.id)).all()
        db.session.remove()
    assert actions[-3:] == [("indicator", "transfer_out"), ("indicator", "create"), ("indicator_transfer", "create")]


def test_buyer_can_cover_new_capacity_with_bought_tonnes_across_provinces(app, world, factory, api_as):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 200_000)  # Henan
    reviewer = api_as(world.reviewer)
    bought = reviewer.post(f"/api/v1/indicators/{ind.id}/transfers",
                           json={"route": "trade",
                                   "to_enterprise_id": world.ent_b.id, "tonnes_tpa": 90_000}).json["to_indicator"]
    filing = new_capacity(factory, world.smelter_b, world.filer_b, 90_000, [(bought["id"], 90_000)])  # Xinjiang
    assert reviewer.post(f"/api/v1/filings/{filing.id}/approve").status_code == 200
    assert (remaining(app, bought["id"]), remaining(app, ind.id)) == (0, 110_000)


def test_transfer_above_remaining_is_refused_naming_what_remains(app, world, factory, api_as):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    spent = new_capacity(factory, world.smelter_a, world.filer_a, 60_000, [(ind.id, 60_000)])
    reviewer = api_as(world.reviewer)
    assert reviewer.post(f"/api/v1/filings/{spent.id}/approve").status_code == 200

    body = problem(reviewer.post(f"/api/v1/indicators/{ind.id}/transfers",
                                 json={"route": "trade",
                                   "to_enterprise_id": world.ent_b.id, "tonnes_tpa": 40_001}), 409)

    assert (body["remaining_tpa"], body["requested_tpa"], body["indicator_id"]) == (40_000, 40_001, ind.id)
    assert "40,000 t/a left" in body["detail"]
    assert remaining(app, ind.id) == 40_000
    assert api_as(world.filer_b).get("/api/v1/indicators").json == []
    ok = reviewer.post(f"/api/v1/indicators/{ind.id}/transfers",
                       json={"route": "trade",
                                   "to_enterprise_id": world.ent_b.id, "tonnes_tpa": 40_000})
    assert ok.status_code == 201 and remaining(app, ind.id) == 0


def test_transfer_is_for_deciders_and_checks_the_buyer(app, world, factory, api_as):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    url = f"/api/v1/indicators/{ind.id}/transfers"
    body = {"route": "trade", "to_enterprise_id": world.ent_b.id, "tonnes_tpa": 1_000}
    assert problem(api_as(world.filer_a).post(url, json=body), 403)
    assert problem(api_as(world.auditor).post(url, json=body), 403)
    admin = api_as(world.admin)
    assert "to_enterprise_id" in problem(admin.post(url, json={**body, "to_enterprise_id": 999_999}), 422)["errors"]
    assert "to_enterprise_id" in problem(admin.post(url, json={**body, "to_enterprise_id": world.ent_a.id}),
                                         422)["errors"]
    assert "tonnes_tpa" in problem(admin.post(url, json={**body, "tonnes_tpa": 0}), 422)["errors"]
    assert problem(admin.post("/api/v1/indicators/999999/transfers", json=body), 404)
    assert admin.post(url, json=body).status_code == 201


def test_lineage_follows_two_transfers_back_to_the_closure_and_forward_to_the_filing(app, world, factory, api_as,
                                                                                     client):
    ent_c = factory.enterprise(province="15")  # Inner Mongolia
    smelter_c = factory.smelter(ent_c)
    filer_c = factory.user("filer", ent_c)
    origin = closure_indicator(factory, app, world.smelter_a, world.filer_a, 207_000)
    reviewer = api_as(world.reviewer)
    hop1 = reviewer.post(f"/api/v1/indicators/{origin.id}/transfers",
                         json={"route": "trade",
                                   "to_enterprise_id": world.ent_b.id, "tonnes_tpa": 150_000, "note": "first"}).json
    hop2 = reviewer.post(f"/api/v1/indicators/{hop1['to_indicator']['id']}/transfers",
                         json={"route": "trade",
                                   "to_enterprise_id": ent_c.id, "tonnes_tpa": 100_000, "note": "second"}).json
    last_id = hop2["to_indicator"]["id"]
    filing = new_capacity(factory, smelter_c, filer_c, 100_000, [(last_id, 100_000)])
    assert reviewer.post(f"/api/v1/filings/{filing.id}/approve").status_code == 200

    seen = api_as(world.reviewer).get(f"/api/v1/indicators/{last_id}")

    assert seen.status_code == 200
    lineage = seen.json["lineage"]
    assert lineage["origin"]["filing_id"] == origin.closure_id
    assert (lineage["origin"]["smelter_id"], lineage["origin"]["province"]) == (world.smelter_a.id, "41")
    chain = lineage["chain"]
    assert [step["indicator_id"] for step in chain] == [origin.id, hop1["to_indicator"]["id"], last_id]
    assert [step["enterprise_id"] for step in chain] == [world.ent_a.id, world.ent_b.id, ent_c.id]
    assert chain[0]["transfer"] is None
    assert [(s["transfer"]["tonnes_tpa"], s["transfer"]["note"]) for s in chain[1:]] == [
        (150_000, "first"), (100_000, "second")]
    assert [(u["filing_id"], u["tonnes_tpa"]) for u in lineage["consumed_by"]] == [(filing.id, 100_000)]

    buyer = api_as(filer_c).get(f"/api/v1/indicators/{last_id}").json["lineage"]
    assert (buyer["origin"]["filing_id"], buyer["origin"]["smelter_id"], buyer["origin"]["smelter_name"]) == (
        None, None, None)
    assert (buyer["origin"]["province"], buyer["origin"]["capacity_tpa"]) == ("41", lineage["origin"]["capacity_tpa"])
    assert [(s["indicator_id"], s["enterprise_id"], s["enterprise_name"]) for s in buyer["chain"][:2]] == [
        (None, None, None), (None, None, None)]
    assert [(s["transfer"]["from_indicator_id"], s["transfer"]["note"]) for s in buyer["chain"][1:]] == [
        (None, None), (None, None)]
    assert [s["tonnes_tpa"] for s in buyer["chain"]] == [s["tonnes_tpa"] for s in chain]
    assert buyer["chain"][2]["indicator_id"] == last_id
    sign_in(client, filer_c)
    page = client.get(f"/indicators/{last_id}").get_data(as_text=True)
    assert world.smelter_a.name not in page and world.ent_a.name not in page and world.ent_b.name not in page
    assert "second" not in page and "Another member" in page

    seller = api_as(world.filer_a).get(f"/api/v1/indicators/{origin.id}").json
    assert [(t["to_enterprise_id"], t["tonnes_tpa"], t["note"]) for t in seller["lineage"]["transfers_out"]] == [
        (None, 150_000, None)]
    assert seller["lineage"]["origin"]["smelter_id"] == world.smelter_a.id
    assert seller["remaining_tpa"] == 57_000
    middle = api_as(world.filer_b).get(f"/api/v1/indicators/{hop1['to_indicator']['id']}").json
    assert [s["indicator_id"] for s in middle["lineage"]["chain"]] == [None, hop1["to_indicator"]["id"]]
    assert [(t["to_indicator_id"], t["tonnes_tpa"]) for t in middle["lineage"]["transfers_out"]] == [
        (None, 100_000)]
    assert middle["remaining_tpa"] == 50_000


def test_indicator_list_filters(app, world, factory, api_as):
    a = closure_indicator(factory, app, world.smelter_a, world.filer_a, 50_000)
    b = closure_indicator(factory, app, world.smelter_b, world.filer_b, 60_000)
    staff = api_as(world.auditor)
    assert [i["id"] for i in staff.get("/api/v1/indicators").json] == [a.id, b.id]
    assert [i["id"] for i in staff.get("/api/v1/indicators?province=65").json] == [b.id]
    assert [i["id"] for i in staff.get(f"/api/v1/indicators?enterprise_id={world.ent_a.id}").json] == [a.id]
    spend = new_capacity(factory, world.smelter_a, world.filer_a, 50_000, [(a.id, 50_000)])
    assert api_as(world.reviewer).post(f"/api/v1/filings/{spend.id}/approve").status_code == 200
    assert [i["id"] for i in staff.get("/api/v1/indicators?has_remaining=true").json] == [b.id]
    assert [i["id"] for i in staff.get("/api/v1/indicators?has_remaining=false").json] == [a.id]
    # A filer's enterprise filter cannot widen its view.
    assert api_as(world.filer_a).get(f"/api/v1/indicators?enterprise_id={world.ent_b.id}").json == []
