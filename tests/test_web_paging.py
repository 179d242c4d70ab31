"""The filings list pages through more than a page of filings, keeping its filters."""

from __future__ import annotations

from registry.web.filings_views import PAGE_SIZE
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
