"""What a filer reads of a national or province cap: its figures only when they pass the disclosure rule."""

from __future__ import annotations

from tests.web_helpers import sign_in, text


def _usage(api, cap_id: int) -> list[dict]:
    response = api.get(f"/api/v1/caps/{cap_id}/usage?from=2016-11&to=2016-11")
    assert response.status_code == 200, response.json
    return response.json


def test_a_national_cap_of_two_members_shows_a_filer_its_status_only(world, factory, api_as, client):
    cap = factory.cap(name="全国运行产能", limit_tpa=700_000)
    [row] = _usage(api_as(world.filer_a), cap.id)
    assert (row["approved_tpa"], row["pending_tpa"], row["headroom_tpa"]) == (None, None, None)
    assert row["status"] == "ok" and row["limit_tpa"] == 700_000
    [staff] = _usage(api_as(world.reviewer), cap.id)
    assert staff["approved_tpa"] == 600_000  # two smelters of 300,000 operating
    sign_in(client, world.filer_a)
    page = text(client.get("/caps", headers={"Accept-Language": "en"}))
    assert "Usage withheld" in page and "600,000" not in page


def test_enough_balanced_members_show_a_filer_the_figures(world, factory, api_as):
    cap = factory.cap(name="全国运行产能", limit_tpa=2_000_000)
    third = factory.enterprise(province="15")
    factory.smelter(third, baseline_built_tpa=500_000, baseline_operating_tpa=300_000)
    [row] = _usage(api_as(world.filer_a), cap.id)
    assert row["approved_tpa"] == 900_000


def test_a_filer_reads_its_own_enterprise_cap_in_full(world, factory, api_as):
    cap = factory.cap(name="企业运行产能", scope="enterprise", scope_ref=str(world.ent_a.id), limit_tpa=400_000)
    [row] = _usage(api_as(world.filer_a), cap.id)
    assert row["approved_tpa"] == 300_000
