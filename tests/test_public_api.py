"""The public figures over the API and on /public: no login, no member's figure, cacheable."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from registry.capacity.usage import national_additions
from registry.summaries.services import build_summary
from tests.api_helpers import assert_problem
from tests.web_helpers import sign_in, text

MONTH = "2016-11"
URL = f"/api/v1/public/summaries/{MONTH}"
STOCKS = ("built_tpa", "operating_tpa", "idle_tpa")

# (province, built, operating) per enterprise; odd figures, so no sum equals one member's by chance.
MEMBERS = [
    ("15", 1_230_011, 1_100_003), ("15", 1_010_027, 950_013), ("15", 870_049, 700_021),  # published
    ("41", 640_051, 600_037), ("41", 590_063, 410_039),  # two enterprises: suppressed
    ("65", 3_910_073, 3_500_041), ("65", 310_087, 300_043), ("65", 290_099, 210_047),  # one dominant: suppressed
    ("53", 450_101, 400_051), ("53", 430_117, 390_053), ("53", 410_129, 380_057),  # published, the smallest
]
RESTARTS = {0: 50_021, 1: 40_033, 2: 30_047}  # approved in November by three enterprises of Inner Mongolia


@pytest.fixture
def registry(factory):
    """Eleven enterprises in four provinces; additions in November from three, one pending, one in December."""
    admin = factory.user("admin")
    enterprises, smelters, filers = [], [], []
    for index, (province, built, operating) in enumerate(MEMBERS):
        enterprise = factory.enterprise(province=province, name=f"公开测试铝业{index}有限公司",
                                        name_en=f"Public Test Aluminium {index}")
        enterprises.append(enterprise)
        smelters.append(factory.smelter(enterprise, name=f"公开测试电解铝厂{index}", baseline_built_tpa=built,
                                        baseline_operating_tpa=operating))
        filers.append(factory.user("filer", enterprise))
    filings = [factory.filing(smelters[i], filers[i], "restart", tpa, MONTH, status="approved")
               for i, tpa in RESTARTS.items()]
    filings.append(factory.filing(smelters[3], filers[3], "restart", 20_059, MONTH, status="submitted"))
    filings.append(factory.filing(smelters[8], filers[8], "restart", 10_061, "2016-12", status="approved"))
    cap = factory.cap(name="全国运行产能上限", limit_tpa=12_000_000)
    factory.cap(name="河南省上限", scope="province", scope_ref="41", limit_tpa=5_000_000)
    return SimpleNamespace(admin=admin, enterprises=enterprises, smelters=smelters, filers=filers,
                           filings=filings, cap=cap)


def _operating(index: int) -> int:
    return MEMBERS[index][2] + RESTARTS.get(index, 0)


def _sum(indexes, figure: str) -> int:
    built = {i: MEMBERS[i][1] for i in indexes}
    operating = {i: _operating(i) for i in indexes}
    return sum({"built_tpa": built, "operating_tpa": operating,
                "idle_tpa": {i: built[i] - operating[i] for i in indexes}}[figure].values())


def _members_of(province: str) -> list[int]:
    return [i for i, member in enumerate(MEMBERS) if member[0] == province]


def test_two_enterprises_and_a_dominant_one_are_suppressed_and_pooled(client, registry):
    response = client.get(URL)  # no token
    assert response.status_code == 200
    body = response.json
    rows = {row["province"]: row for row in body["provinces"]}
    assert sorted(rows) == ["15", "41", "53", "65"]
    for code in ("41", "65"):
        assert rows[code]["suppressed"] is True
        assert [rows[code][f] for f in (*STOCKS, "utilisation")] == [None] * 4
    for code in ("15", "53"):
        assert rows[code]["suppressed"] is False
        assert {f: rows[code][f] for f in STOCKS} == {f: _sum(_members_of(code), f) for f in STOCKS}
    pool = body["other_provinces"]
    assert pool["provinces"] == ["41", "65"]
    assert {f: pool[f] for f in STOCKS} == {f: _sum(_members_of("41") + _members_of("65"), f) for f in STOCKS}
    assert body["rule"] == {"min_enterprises": 3, "max_share": 0.75}


def test_published_rows_and_the_pool_add_up_to_the_national_figures(app, client, registry):
    body = client.get(URL).json
    national = body["national"]
    assert national["suppressed"] is False
    for figure in STOCKS:
        shown = sum(row[figure] for row in body["provinces"] if not row["suppressed"])
        assert shown + body["other_provinces"][figure] == national[figure] == _sum(range(len(MEMBERS)), figure)
    assert national["utilisation"] == round(national["operating_tpa"] / national["built_tpa"], 4)
    with app.app_context():  # the same figures as the staff's summary
        totals = build_summary(MONTH)["totals"]
    assert {f: national[f] for f in STOCKS} == {f: totals[f] for f in STOCKS}
    assert national["approved_additions_tpa"] == totals["additions_tpa"] == sum(RESTARTS.values())
    assert national["pending_additions_tpa"] is None  # one enterprise's filing


def test_the_pipeline_publishes_only_months_the_rule_allows(app, client, registry):
    response = client.get("/api/v1/public/pipeline?from=2016-10&to=2017-01")
    assert response.status_code == 200
    assert response.json == [
        {"month": "2016-10", "approved_additions_tpa": 0, "pending_additions_tpa": 0},
        {"month": "2016-11", "approved_additions_tpa": sum(RESTARTS.values()), "pending_additions_tpa": None},
        {"month": "2016-12", "approved_additions_tpa": None, "pending_additions_tpa": 0},  # one enterprise
        {"month": "2017-01", "approved_additions_tpa": 0, "pending_additions_tpa": 0},
    ]
    with app.app_context():
        assert national_additions(MONTH, MONTH)[MONTH][0] == sum(RESTARTS.values())
    default = client.get("/api/v1/public/pipeline").json
    assert len(default) == 12


def test_national_caps_only_with_usage_and_status(client, registry):
    caps = client.get(URL).json["caps"]
    assert [cap["name"] for cap in caps] == ["全国运行产能上限"]  # not the province's cap
    operating = _sum(range(len(MEMBERS)), "operating_tpa")
    assert caps[0]["usage_tpa"] == operating
    assert caps[0]["headroom_tpa"] == 12_000_000 - operating
    assert caps[0]["pending_tpa"] == operating + 20_059
    assert caps[0]["status"] in ("ok", "warning", "breach")


def _strings_and_numbers(value, strings: set, numbers: set, keys: set) -> None:
    if isinstance(value, dict):
        keys.update(value)
        for item in value.values():
            _strings_and_numbers(item, strings, numbers, keys)
    elif isinstance(value, list):
        for item in value:
            _strings_and_numbers(item, strings, numbers, keys)
    elif isinstance(value, str):
        strings.add(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        numbers.add(value)


def _member_secrets(app, registry) -> tuple[set[str], set[int]]:
    """Every name and code of an enterprise or smelter, and every figure of one."""
    names = set()
    for enterprise in registry.enterprises:
        names |= {enterprise.name, enterprise.name_en, enterprise.uscc}
    names |= {smelter.name for smelter in registry.smelters}
    with app.app_context():
        summary = build_summary(MONTH)
    figures = set()
    for row in summary["smelters"] + summary["enterprises"]:
        figures |= {row[f] for f in (*STOCKS, "additions_tpa", "pending_additions_tpa") if row[f]}
    figures |= {filing.capacity_tpa for filing in registry.filings}
    return names, figures


def test_no_name_id_or_figure_of_any_member_in_any_public_response(app, client, registry):
    names, figures = _member_secrets(app, registry)
    assert len(names) == 4 * len(MEMBERS) and len(figures) > 30
    for url in (URL, "/api/v1/public/summaries/2016-12", "/api/v1/public/pipeline?from=2016-01&to=2017-12"):
        strings, numbers, keys = set(), set(), set()
        _strings_and_numbers(client.get(url).json, strings, numbers, keys)
        assert not strings & names, url
        assert not any(name in s for s in strings for name in names), url
        assert not numbers & figures, (url, numbers & figures)
        assert not keys & {"enterprise_id", "enterprise_name", "smelter_id", "smelter_name", "uscc", "cap_id"}
    for language in ("en", "zh-CN"):
        for url in (f"/public/{MONTH}", f"/public/{MONTH}/pipeline.svg", "/public"):
            page = text(client.get(url, headers={"Accept-Language": language}))
            assert not [name for name in names if name in page], url
            digits = set(re.findall(r"\d[\d,]*\d", page))
            assert not {f"{figure:,}" for figure in figures} & digits, (url, language)


def test_responses_are_cacheable_with_an_etag_and_304(client, factory, registry):
    first = client.get(URL)
    assert first.headers["Cache-Control"] == "public, max-age=300"
    etag = first.headers["ETag"]
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(URL, headers={"If-None-Match": '"stale"'}).status_code == 200
    factory.filing(registry.smelters[9], registry.filers[9], "restart", 10_067, MONTH, status="approved")
    changed = client.get(URL, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    pipeline = client.get("/api/v1/public/pipeline")
    assert client.get("/api/v1/public/pipeline",
                      headers={"If-None-Match": pipeline.headers["ETag"]}).status_code == 304
    page = client.get(f"/public/{MONTH}")
    assert page.headers["Cache-Control"] == "private, max-age=300"  # it carries the reader's session
    assert client.get(f"/public/{MONTH}", headers={"If-None-Match": page.headers["ETag"]}).status_code == 304


def test_each_response_is_a_few_grouped_queries(client, registry, count_queries):
    with count_queries as counted:
        assert client.get(URL).status_code == 200
    assert counted.count <= 3  # the grouped positions and the national caps (and SQLite's BEGIN)
    with count_queries as counted:
        assert client.get("/api/v1/public/pipeline?from=2016-01&to=2025-12").status_code == 200
    assert counted.count <= 2  # additions by month and enterprise


def test_too_few_members_nationally_publish_nothing_but_the_fact(client, world):
    body = client.get(URL).json
    assert body["national"]["suppressed"] is True
    assert [body["national"][f] for f in (*STOCKS, "utilisation")] == [None] * 4
    assert all(row["suppressed"] and row["built_tpa"] is None for row in body["provinces"])
    assert body["other_provinces"] is None


def test_a_bad_month_is_a_4xx_problem_naming_the_field(client):
    for bad in ("2016-13", "16-11", "1989-12", "2016-11.pdf", "２０１６-１１", "2016-11%0A"):
        assert_problem(client.get(f"/api/v1/public/summaries/{bad}"), 422, "month")
    assert_problem(client.get("/api/v1/public/pipeline?from=2016-13"), 422, "from")
    assert_problem(client.get("/api/v1/public/pipeline?from=2016-11&to=2016-10"), 422, "to")
    assert_problem(client.get("/api/v1/public/pipeline?from=2000-01&to=2020-12"), 422, "to")
    assert_problem(client.get("/api/v1/public/pipeline?month=2016-11"), 422, "month")
    english = client.get("/api/v1/public/summaries/2016-13").json["detail"]
    chinese = client.get("/api/v1/public/summaries/2016-13", headers={"Accept-Language": "zh-CN"}).json["detail"]
    assert chinese != english and re.search(r"[\u4e00-\u9fff]", chinese)
    assert client.get("/public/2016-13").status_code == 404


def test_no_login_is_needed_and_the_sign_in_page_links_the_page(client, registry):
    sign_in_page = text(client.get("/login"))
    assert 'href="/public"' in sign_in_page
    for language, heading in (("en", "public figures"), ("zh-CN", "公开")):
        page = client.get("/public", headers={"Accept-Language": language})
        assert page.status_code == 200, language
        assert heading in text(page).lower()
        assert "Other provinces" in text(page) or language != "en"
    chart = client.get(f"/public/{MONTH}/pipeline.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml" and b"<script" not in chart.data
    sign_in(client, registry.filers[0])  # a signed-in member sees the same page
    assert client.get(f"/public/{MONTH}").status_code == 200


def test_the_openapi_document_says_no_token_and_the_cache_headers(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/public/summaries/{month}", "/api/v1/public/pipeline"):
        operation = spec["paths"][path]["get"]
        assert operation["security"] == []
        assert {"ETag", "Cache-Control"} <= set(operation["responses"]["200"]["headers"])
        assert "304" in operation["responses"]
