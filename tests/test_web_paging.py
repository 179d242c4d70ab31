"""The filings list: filters from a link, and paging through more than a page, keeping the filters."""

from __future__ import annotations

from registry.filings.views import PAGE_SIZE
from tests.web_helpers import sign_in, text


def test_the_pager_links_both_ways_and_keeps_the_filter(client, factory, world):
    for _ in range(PAGE_SIZE + 1):
        factory.filing(world.smelter_a, world.filer_a, capacity_tpa=1_000)
    sign_in(client, world.reviewer)
    first = client.get("/filings?kind=restart")
    assert first.status_code == 200
    assert 'href="/filings?kind=restart&amp;page=2" rel="next"' in text(first)
    second = client.get("/filings?kind=restart&page=2")
    assert second.status_code == 200
    assert 'href="/filings?kind=restart&amp;page=1" rel="prev"' in text(second)
    client.post("/language/zh_CN")
    assert "下一页" in text(client.get("/filings?kind=restart"))


def test_a_link_with_one_filter_applies_it(client, factory, world):
    submitted = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    draft = factory.filing(world.smelter_a, world.filer_a)
    sign_in(client, world.reviewer)
    page = text(client.get("/filings?status=submitted"))
    assert "Not a valid choice" not in page
    assert f'href="/filings/{submitted.id}"' in page and f'href="/filings/{draft.id}"' not in page
    page = text(client.get("/filings?kind=curtailment"))
    assert "Not a valid choice" not in page and f'href="/filings/{submitted.id}"' not in page
