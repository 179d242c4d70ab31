"""Web pages: the member's indicators with lineage, and the staff transfer form."""

from __future__ import annotations

from tests.test_replacement_cover import closure_indicator, new_capacity, remaining


def sign_in(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": user.password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_filer_sees_own_indicators_and_their_lineage_not_others(app, client, world, factory):
    own = closure_indicator(factory, app, world.smelter_a, world.filer_a, 150_000)
    other = closure_indicator(factory, app, world.smelter_b, world.filer_b, 90_000)
    sign_in(client, world.filer_a)

    page = client.get("/indicators")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/indicators/{own.id}"' in html
    assert f'href="/indicators/{other.id}"' not in html
    assert "150,000" in html
    assert client.get(f"/indicators/{other.id}").status_code == 404
    detail = client.get(f"/indicators/{own.id}").get_data(as_text=True)
    assert f"#{own.closure_id}" in detail and "Record a transfer" not in detail
    assert client.get(f"/indicators/{own.id}/transfer").status_code == 403


def test_reviewer_records_a_transfer_and_both_sides_see_it(app, client, world, factory):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    sign_in(client, world.reviewer)
    form = client.get(f"/indicators/{ind.id}/transfer")
    assert form.status_code == 200
    assert f'value="{world.ent_b.id}"' in form.get_data(as_text=True)
    assert f'value="{world.ent_a.id}"' not in form.get_data(as_text=True)  # not to the owner itself

    done = client.post(f"/indicators/{ind.id}/transfer",
                       data={"route": "trade",
                             "to_enterprise_id": world.ent_b.id, "tonnes_tpa": "40,000", "note": "Deal 12"})

    assert done.status_code == 302
    assert remaining(app, ind.id) == 60_000
    seller = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Transferred 40,000 t/a" in seller and "Deal 12" not in seller  # the note is on the buyer's side
    client.post("/logout")
    sign_in(client, world.filer_b)
    listing = client.get("/indicators").get_data(as_text=True)
    assert f"Transfer from indicator #{ind.id}" in listing


def test_transfer_above_remaining_is_shown_beside_the_tonnes(app, client, world, factory, api_as):
    ind = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    spend = new_capacity(factory, world.smelter_a, world.filer_a, 75_000, [(ind.id, 75_000)])
    assert api_as(world.reviewer).post(f"/api/v1/filings/{spend.id}/approve").status_code == 200
    sign_in(client, world.reviewer)

    refused = client.post(f"/indicators/{ind.id}/transfer",
                          data={"route": "trade",
                             "to_enterprise_id": world.ent_b.id, "tonnes_tpa": "25001", "note": ""})

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    tonnes_errors = page.split('id="tonnes_tpa-err"')[1].split("</")[0]
    assert f"Indicator #{ind.id} has 25,000 t/a left; 25,001 t/a cannot be transferred." in tonnes_errors
    assert remaining(app, ind.id) == 25_000


def test_indicator_pages_need_a_login(client):
    response = client.get("/indicators")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_filing_detail_and_review_queue_show_the_cover(app, client, factory, api_as):
    ent = factory.enterprise(province="32")  # Jiangsu, 1.25
    smelter = factory.smelter(ent)
    filer = factory.user("filer", ent)
    ind = closure_indicator(factory, app, smelter, filer, 200_000)
    short = new_capacity(factory, smelter, filer, 100_000, [(ind.id, 100_000)])
    covered = new_capacity(factory, smelter, filer, 80_000, [(ind.id, 100_000)])
    reviewer = factory.user("reviewer")
    sign_in(client, reviewer)

    detail = client.get(f"/filings/{short.id}").get_data(as_text=True)
    assert "Replacement cover" in detail
    assert "125,000" in detail and "25,000" in detail  # required, shortfall
    assert f'href="/indicators/{ind.id}"' in detail

    queue = client.get("/review").get_data(as_text=True)
    assert queue.count("Replacement cover") == 2
    assert "short by" in queue and "100,000" in queue

    assert api_as(reviewer).post(f"/api/v1/filings/{covered.id}/approve").status_code == 200
    assert "Consumed on approval" in client.get(f"/filings/{covered.id}").get_data(as_text=True)
    restart = factory.filing(smelter, filer, status="submitted")
    assert "Replacement cover" not in client.get(f"/filings/{restart.id}").get_data(as_text=True)
