"""Ratios below the province: only the Pearl River Delta part of Guangdong pays 1.25 (MIIT 2015 No. 127)."""

from __future__ import annotations

from tests.test_replacement_cover import closure_indicator, new_capacity, problem, remaining
from tests.test_replacement_eligibility import _approve
from tests.web_helpers import sign_in


def test_guangdong_is_one_and_its_pearl_river_delta_one_and_a_quarter_after_migration(api_as, world):
    reviewer = api_as(world.reviewer)
    assert reviewer.get("/api/v1/replacement-ratios/44").json == {"province": "44", "ratio": 1.0, "default": False}
    assert reviewer.get("/api/v1/replacement-ratios/4406").json == {
        "prefecture": "4406", "province": "44", "ratio": 1.25, "default": False}
    assert reviewer.get("/api/v1/replacement-ratios/4402").json == {
        "prefecture": "4402", "province": "44", "ratio": 1.0, "default": True}
    listed = reviewer.get("/api/v1/replacement-ratios").json
    assert sorted(row["prefecture"] for row in listed if "prefecture" in row) == [
        "4401", "4403", "4404", "4406", "4407", "4412", "4413", "4419", "4420"]
    assert {row["province"]: row["ratio"] for row in listed if "prefecture" not in row}["13"] == 1.25
    for code in ("4400", "9901", "44a6", "440"):
        assert problem(reviewer.get(f"/api/v1/replacement-ratios/{code}"), 404)


def _guangdong(factory, prefecture):
    ent = factory.enterprise(province="44")
    return factory.smelter(ent, prefecture=prefecture), factory.user("filer", ent)


def test_a_foshan_smelter_needs_one_and_a_quarter_and_a_shaoguan_one_one(app, factory, api_as, world):
    reviewer = api_as(world.reviewer)
    foshan, foshan_filer = _guangdong(factory, "4406")
    shaoguan, shaoguan_filer = _guangdong(factory, "4402")
    assert api_as(foshan_filer).get(f"/api/v1/smelters/{foshan.id}").json["prefecture"] == "4406"

    ind = closure_indicator(factory, app, foshan, foshan_filer, 300_000)
    at_par = new_capacity(factory, foshan, foshan_filer, 100_000, [(ind.id, 100_000)])
    body = problem(_approve(app, reviewer, at_par, world.reviewer.id), 409)
    assert (body["code"], body["ratio"], body["required_tpa"]) == ("short_cover", 1.25, 125_000)
    enough = new_capacity(factory, foshan, foshan_filer, 100_000, [(ind.id, 125_000)])
    assert _approve(app, reviewer, enough, world.reviewer.id).status_code == 200
    assert remaining(app, ind.id) == 175_000

    other = closure_indicator(factory, app, shaoguan, shaoguan_filer, 100_000)
    plain = new_capacity(factory, shaoguan, shaoguan_filer, 100_000, [(other.id, 100_000)])
    assert _approve(app, reviewer, plain, world.reviewer.id).status_code == 200
    assert remaining(app, other.id) == 0


def test_an_admin_sets_a_prefecture_ratio_and_it_applies_before_the_province(app, factory, api_as, world):
    admin, reviewer = api_as(world.admin), api_as(world.reviewer)
    assert reviewer.put("/api/v1/replacement-ratios/4402", json={"ratio": 1.1}).status_code == 403
    assert problem(admin.put("/api/v1/replacement-ratios/4402", json={"province": "41", "ratio": 1.1}), 422)
    put = admin.put("/api/v1/replacement-ratios/4402", json={"ratio": 1.1})
    assert put.status_code == 200 and put.json == {"prefecture": "4402", "province": "44", "ratio": 1.1,
                                                   "default": False}
    shaoguan, filer = _guangdong(factory, "4402")
    ind = closure_indicator(factory, app, shaoguan, filer, 200_000)
    filing = new_capacity(factory, shaoguan, filer, 100_000, [(ind.id, 100_000)])
    assert problem(_approve(app, reviewer, filing, world.reviewer.id), 409)["required_tpa"] == 110_000


def test_a_prefecture_must_lie_in_the_smelters_province(app, api_as, world, factory):
    admin = api_as(world.admin)
    base = {"enterprise_id": world.ent_a.id, "name": "新厂", "province": "41", "baseline_month": "2016-01",
            "baseline_built_tpa": 100_000, "baseline_operating_tpa": 0}
    for code in ("4406", "4100", "41x1", "410", "41011"):
        body = problem(admin.post("/api/v1/smelters", json={**base, "prefecture": code}), 422)
        assert "prefecture" in body["errors"], code
    created = admin.post("/api/v1/smelters", json={**base, "prefecture": "4101"})
    assert created.status_code == 201 and created.json["prefecture"] == "4101"
    url = f"/api/v1/smelters/{created.json['id']}"
    assert problem(admin.patch(url, json={"province": "15"}), 422)["errors"]["prefecture"]
    moved = admin.patch(url, json={"province": "15", "prefecture": "1502"})
    assert moved.status_code == 200 and moved.json["prefecture"] == "1502"
    assert admin.patch(url, json={"prefecture": None}).json["prefecture"] is None


def test_the_admin_smelter_form_takes_a_prefecture(app, client, world):
    sign_in(client, world.admin)
    url = f"/admin/smelters/{world.smelter_a.id}"
    form = client.get(url).get_data(as_text=True)
    assert 'name="prefecture"' in form
    data = {"enterprise_id": world.ent_a.id, "name": "Smelter A", "province": "41", "baseline_month": "2016-01",
            "baseline_built_tpa": "500,000", "baseline_operating_tpa": "300,000", "power_source": "grid"}
    refused = client.post(url, data={**data, "prefecture": "4406"})
    assert refused.status_code == 422 and 'id="prefecture-err"' in refused.get_data(as_text=True)
    assert client.post(url, data={**data, "prefecture": "4103"}).status_code == 302
    page = client.get(f"/smelters/{world.smelter_a.id}").get_data(as_text=True)
    assert "prefecture 4103" in page
