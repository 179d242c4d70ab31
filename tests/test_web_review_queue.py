"""The review queue: oldest first, with the cap preview, at a cost that does not grow with its length."""

from __future__ import annotations

from tests.web_helpers import sign_in, text


def _submitted_on_new_smelters(factory, world, how_many: int) -> list:
    filings = []
    for _ in range(how_many):
        smelter = factory.smelter(world.ent_a)
        filings.append(factory.filing(smelter, world.filer_a, capacity_tpa=10_000, status="submitted"))
    return filings


def test_queue_lists_submitted_filings_oldest_first_with_their_caps(client, factory, world):
    factory.cap(name="Henan operating ceiling", scope="province", scope_ref="41", limit_tpa=10_000_000)
    first, second = _submitted_on_new_smelters(factory, world, 2)
    sign_in(client, world.reviewer)
    page = text(client.get("/review"))
    assert page.index(f"filing-{first.id}") < page.index(f"filing-{second.id}")
    assert "Henan operating ceiling" in page


def test_queue_costs_the_same_number_of_queries_for_two_or_eight_filings(client, factory, world, count_queries):
    factory.cap(scope="national", basis="monthly_additions", limit_tpa=10_000_000)
    factory.cap(scope="province", scope_ref="41", limit_tpa=10_000_000)
    _submitted_on_new_smelters(factory, world, 2)
    sign_in(client, world.reviewer)
    client.get("/review")  # warm the session and the app
    with count_queries as short:
        assert client.get("/review").status_code == 200
    _submitted_on_new_smelters(factory, world, 6)
    with count_queries as long:
        page = text(client.get("/review"))
    assert page.count('id="filing-') == 8
    assert short.count > 0
    assert long.count == short.count
