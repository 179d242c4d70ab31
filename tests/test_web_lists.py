"""Search, sorting and paging on the list pages: what a reader types finds the rows, and nothing breaks them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from markupsafe import escape

from registry.filings.review import PAGE_SIZE as QUEUE_PAGE_SIZE
from registry.members.views import PAGE_SIZE
from tests.test_replacement_cover import closure_indicator
from tests.web_helpers import sign_in, text


def _row_names(page: str) -> list[str]:
    """The smelter names in a list's row headers, in page order."""
    return re.findall(r'<th scope="row"><a href="/[^"]*">([^<]+)</a>', page)


def _queue_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="card queue-item"[^>]*id="filing-(\d+)"', page)]


def _link(page: str, rel: str) -> dict[str, list[str]]:
    """The query arguments of the pager's ``rel`` link."""
    href = re.search(rf'<a href="([^"]+)" rel="{rel}"', page).group(1).replace("&amp;", "&")
    return parse_qs(urlsplit(unquote(href)).query)


def test_search_finds_a_smelter_by_its_chinese_name_its_enterprise_and_its_number(client, factory, world):
    gongyi = factory.smelter(world.ent_a, name="巩义电解铝厂")
    factory.smelter(world.ent_a, name="焦作电解铝厂")
    sign_in(client, world.reviewer)
    assert _row_names(text(client.get("/smelters?q=巩义"))) == ["巩义电解铝厂"]
    by_enterprise = _row_names(text(client.get("/smelters", query_string={"q": world.ent_b.name})))
    assert by_enterprise == [world.smelter_b.name]
    assert _row_names(text(client.get("/smelters", query_string={"q": world.ent_b.name_en.lower()}))) == [
        world.smelter_b.name]
    assert _row_names(text(client.get("/smelters", query_string={"q": f"#{gongyi.id}"}))) == ["巩义电解铝厂"]
    client.post("/language/zh_CN")
    page = text(client.get("/smelters?q=巩义"))
    assert _row_names(page) == ["巩义电解铝厂"] and 'value="巩义"' in page
    assert _row_names(text(client.get("/smelters?q=不存在的铝厂"))) == []


def test_percent_and_underscore_in_a_search_are_literal(client, factory, world):
    factory.smelter(world.ent_a, name="百分之100%铝厂")
    factory.smelter(world.ent_a, name="A_B铝厂")
    factory.smelter(world.ent_a, name="AxB铝厂")
    sign_in(client, world.admin)
    for path in ("/smelters", "/admin/smelters"):
        assert _row_names(text(client.get(path, query_string={"q": "%"}))) == ["百分之100%铝厂"]
        assert _row_names(text(client.get(path, query_string={"q": "_"}))) == ["A_B铝厂"]
        assert _row_names(text(client.get(path, query_string={"q": "A_B"}))) == ["A_B铝厂"]


def test_smelters_sort_by_todays_position_both_ways_with_aria_sort(client, factory, world):
    low = factory.smelter(world.ent_a, name="小铝厂", baseline_built_tpa=500_000, baseline_operating_tpa=100_000)
    high = factory.smelter(world.ent_a, name="大铝厂", baseline_built_tpa=500_000, baseline_operating_tpa=400_000)
    factory.filing(low, world.filer_a, capacity_tpa=350_000, status="approved")  # 100,000 + 350,000 today
    sign_in(client, world.reviewer)
    ascending = text(client.get("/smelters?q=铝厂&sort=operating"))
    assert _row_names(ascending) == ["大铝厂", "小铝厂"]  # 400,000 before 450,000: the position, not the baseline
    assert re.search(r'<th scope="col" class="num" aria-sort="ascending"><a class="sort" href="[^"]*sort=-operating',
                     ascending)
    descending = text(client.get("/smelters?q=铝厂&sort=-operating"))
    assert _row_names(descending) == ["小铝厂", "大铝厂"]
    assert 'aria-sort="descending"' in descending and descending.count("aria-sort=") == 1
    assert high.id != low.id


def test_the_queue_sorts_by_capacity_both_ways(client, factory, world):
    made = [factory.filing(world.smelter_a, world.filer_a, capacity_tpa=tpa, status="submitted")
            for tpa in (30_000, 10_000, 20_000)]
    by_tpa = [f.id for f in sorted(made, key=lambda f: f.capacity_tpa)]
    sign_in(client, world.reviewer)
    assert _queue_ids(text(client.get("/review"))) == [f.id for f in made]  # oldest first by default
    ascending = text(client.get("/review?sort=capacity"))
    assert _queue_ids(ascending) == by_tpa
    assert re.search(r'<a class="sort sort-current" href="/review\?sort=-capacity&amp;page=1" aria-current="true"',
                     ascending)
    assert _queue_ids(text(client.get("/review?sort=-capacity"))) == by_tpa[::-1]


def test_the_queue_filters_searches_and_pages_keeping_them(client, factory, world):
    other = factory.smelter(world.ent_b, name="昌吉电解铝厂")
    theirs = factory.filing(other, world.filer_b, capacity_tpa=5_000, status="submitted")
    ours = [factory.filing(world.smelter_a, world.filer_a, capacity_tpa=1_000 + n, status="submitted")
            for n in range(QUEUE_PAGE_SIZE + 1)]
    sign_in(client, world.reviewer)
    assert _queue_ids(text(client.get("/review?q=昌吉"))) == [theirs.id]
    assert _queue_ids(text(client.get("/review", query_string={"q": f"#{theirs.id}"}))) == [theirs.id]
    assert _queue_ids(text(client.get("/review?province=65"))) == [theirs.id]
    query = {"q": world.ent_a.name, "sort": "-capacity", "kind": "restart"}
    first = text(client.get("/review", query_string=query))
    assert len(_queue_ids(first)) == QUEUE_PAGE_SIZE and theirs.id not in _queue_ids(first)
    assert "21 filings await a decision" in first
    following = _link(first, "next")
    assert following == {"q": [world.ent_a.name], "sort": ["-capacity"], "kind": ["restart"], "page": ["2"]}
    second = text(client.get("/review", query_string={**query, "page": 2}))
    assert _queue_ids(second) == [ours[0].id]  # the smallest, last in descending order
    assert _link(second, "prev")["page"] == ["1"]
    client.post("/language/zh_CN")
    assert "下一页" in text(client.get("/review", query_string=query))


def test_smelters_page_past_a_page_and_the_pager_keeps_search_and_sort(client, factory, world):
    for n in range(PAGE_SIZE + 1):
        factory.smelter(world.ent_a, name=f"分页铝厂{n:02d}", baseline_built_tpa=100_000 + n,
                        baseline_operating_tpa=50_000)
    sign_in(client, world.admin)
    first = text(client.get("/smelters?q=分页&sort=-built"))
    assert len(_row_names(first)) == PAGE_SIZE and _row_names(first)[0] == f"分页铝厂{PAGE_SIZE:02d}"
    assert _link(first, "next") == {"q": ["分页"], "sort": ["-built"], "page": ["2"]}
    second = text(client.get("/smelters?q=分页&sort=-built&page=2"))
    assert _row_names(second) == ["分页铝厂00"]
    assert "Total, all pages" in second
    assert f"{(PAGE_SIZE + 1) * 100_000 + sum(range(PAGE_SIZE + 1)):,}" in second  # the total covers every page
    admin_first = text(client.get("/admin/smelters?q=分页&sort=built"))
    assert _row_names(admin_first)[0] == "分页铝厂00" and _link(admin_first, "next")["page"] == ["2"]
    assert _row_names(text(client.get("/admin/smelters?q=分页&sort=built&page=2"))) == [f"分页铝厂{PAGE_SIZE:02d}"]


def test_a_smelters_filings_are_paged_not_cut(client, factory, world):
    made = [factory.filing(world.smelter_a, world.filer_a, capacity_tpa=1_000 + n) for n in range(PAGE_SIZE + 2)]
    sign_in(client, world.filer_a)
    first = text(client.get(f"/smelters/{world.smelter_a.id}"))
    assert len(re.findall(r'href="/filings/\d+"', first)) == PAGE_SIZE
    assert f"{PAGE_SIZE + 2} filings" in first
    assert f'href="/smelters/{world.smelter_a.id}?page=2#filings" rel="next"' in first
    second = text(client.get(f"/smelters/{world.smelter_a.id}?page=2"))
    assert len(re.findall(r'href="/filings/\d+"', second)) == 2
    by_capacity = text(client.get(f"/smelters/{world.smelter_a.id}?sort=-capacity"))
    assert by_capacity.index(f'href="/filings/{made[-1].id}"') < by_capacity.index(f'href="/filings/{made[-2].id}"')


def test_admin_enterprises_and_caps_search_sort_and_page(client, factory, world):
    for n in range(26):
        factory.enterprise(name=f"分页企业{n:02d}有限公司")
    factory.cap(name="河南运行产能", limit_tpa=3_000_000)
    factory.cap(name="全国建成产能", limit_tpa=9_000_000)
    sign_in(client, world.admin)
    first = text(client.get("/admin/enterprises?q=分页企业&sort=-name"))
    assert "26 enterprises" in first and "分页企业25有限公司" in first and "分页企业00有限公司" not in first
    assert _link(first, "next") == {"q": ["分页企业"], "sort": ["-name"], "page": ["2"]}
    assert "分页企业00有限公司" in text(client.get("/admin/enterprises?q=分页企业&sort=-name&page=2"))
    caps = text(client.get("/admin/caps?sort=-limit"))
    assert caps.index("全国建成产能") < caps.index("河南运行产能")
    assert 'aria-sort="descending"' in caps
    found = text(client.get("/admin/caps?q=河南"))
    assert "河南运行产能" in found and "全国建成产能" not in found
    public = text(client.get("/caps?q=全国"))
    assert "全国建成产能" in public and "河南运行产能" not in public
    public = text(client.get("/caps?sort=limit"))
    assert public.index("河南运行产能") < public.index("全国建成产能")


def test_indicators_search_by_smelter_enterprise_and_number_and_sort(client, factory, world, app):
    small = closure_indicator(factory, app, world.smelter_a, world.filer_a, 40_000)
    large = closure_indicator(factory, app, world.smelter_b, world.filer_b, 90_000)
    sign_in(client, world.reviewer)

    def listed(**query) -> list[int]:
        page = text(client.get("/indicators", query_string=query))
        return [int(n) for n in re.findall(r'<a href="/indicators/(\d+)">', page)]

    assert listed(q=world.smelter_b.name) == [large.id]
    assert listed(q=world.ent_a.name) == [small.id]
    assert listed(q=f"#{large.id}") == [large.id]
    assert listed(sort="-tonnes") == [large.id, small.id]
    assert listed(sort="tonnes") == [small.id, large.id]


def test_staff_returns_search_and_sort(client, factory, world):
    factory.smelter(world.ent_a, name="巩义电解铝厂", baseline_operating_tpa=100_000)
    sign_in(client, world.reviewer)
    page = text(client.get("/returns?month=2016-12&q=巩义"))
    assert _row_names(page) == [] and "巩义电解铝厂" in page and world.smelter_b.name not in page
    assert 'id="count-smelters">1<' in page
    names = re.findall(r'<th scope="row">([^<]+)</th>', text(client.get("/returns?month=2016-12&sort=approved")))
    assert names[0] == "巩义电解铝厂"  # 100,000 operating, the others 300,000
    names = re.findall(r'<th scope="row">([^<]+)</th>', text(client.get("/returns?month=2016-12&sort=-approved")))
    assert names[-1] == "巩义电解铝厂"


def test_a_filers_search_never_shows_another_enterprises_rows(client, factory, world):
    factory.filing(world.smelter_b, world.filer_b, status="submitted")
    sign_in(client, world.filer_a)
    for path in ("/smelters", "/filings", "/indicators", "/caps"):
        for q in (world.ent_b.name, world.smelter_b.name, f"#{world.smelter_b.id}", "%", "_"):
            page = text(client.get(path, query_string={"q": q})).replace(f'value="{escape(q)}"', "")
            assert world.smelter_b.name not in page and world.ent_b.name not in page, (path, q)
    assert client.get("/review").status_code == 403
    assert client.get("/admin/smelters").status_code == 403


HOSTILE = ["sort=;drop", "sort=-", "sort=--capacity", "page=-1", "page=0", "page=abc", "page=99999999999999999999",
           "q=" + "x" * 1_800, "q=%00abc", "q=%25%5F%5C", "_anchor=x", "endpoint=x", "_external=1&_scheme=javascript",
           "q=%23", "q=%2399999999999999999999"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_query_strings_give_a_page_not_an_error(client, factory, world, query):
    factory.filing(world.smelter_a, world.filer_a, status="submitted")
    sign_in(client, world.admin)
    for path in ("/review", "/filings", "/smelters", f"/smelters/{world.smelter_a.id}", "/admin/enterprises",
                 "/admin/smelters", "/admin/caps", "/caps", "/indicators", "/returns"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (path, query, response.status_code)
        assert 'href="javascript' not in text(response)


def test_a_ten_thousand_character_search_is_the_apps_url_too_long_page_not_an_error(client, world):
    """The app refuses URLs past MAX_URL_LENGTH (2,048) everywhere; a search box keeps 100 characters."""
    sign_in(client, world.reviewer)
    for path in ("/review", "/smelters", "/caps"):
        response = client.get(f"{path}?q={quote('铝' * 10_000)}")  # in the URL, as a browser sends it
        assert response.status_code == 414, path
        assert "too long" in text(response).lower()  # the app's own error page
    page = text(client.get("/smelters", query_string={"q": "x" * 1_800}))
    assert f'value="{"x" * 100}"' in page
