"""Bad input on every core write endpoint: a 4xx problem naming the field, never a 500,
never a partial write."""

from __future__ import annotations

import json

import pytest

from registry.audit.models import AuditEvent
from registry.filings.models import Filing
from registry.members.models import Enterprise, Smelter
from registry.reference.uscc import make_uscc
from tests.api_helpers import assert_problem, row_count

LONG_NAME = "长" * 201
LONG_NOTE = "n" * 4001
BIG_ID = 2**63

ENTERPRISE = {"uscc": make_uscc("91450000MA5A00001"), "name": "桂西测试铝业", "province": "45"}
SMELTER = {"name": "Test", "province": "41", "baseline_month": "2016-01", "baseline_built_tpa": 100_000,
           "baseline_operating_tpa": 50_000, "cell_amperage_ka": 400, "power_source": "grid"}
FILING = {"kind": "restart", "capacity_tpa": 10_000, "effective_month": "2016-11", "notes": ""}

ENTERPRISE_BAD = [
    ("uscc", 123), ("uscc", ""), ("uscc", "91450000MA5A0000"), ("uscc", ENTERPRISE["uscc"][:-1] + "I"),
    ("uscc", None), ("name", LONG_NAME), ("name", "a\x00b"), ("name", ""), ("name", 5), ("name", None),
    ("name_en", LONG_NAME), ("name_en", "\x00"), ("province", "99"), ("province", 41), ("province", "Henan"),
    ("active", "maybe"), ("active", [True]), ("colour", "red"),
]
SMELTER_BAD = [
    ("enterprise_id", "1"), ("enterprise_id", 2.5), ("enterprise_id", 0), ("enterprise_id", -1),
    ("enterprise_id", BIG_ID), ("enterprise_id", 987_654), ("name", LONG_NAME), ("name", "x\x00"),
    ("province", "00"), ("baseline_month", "2016-13"), ("baseline_month", "16-11"), ("baseline_month", "2016-1"),
    ("baseline_month", 201611), ("baseline_month", "1989-12"), ("baseline_built_tpa", "100000"),
    ("baseline_built_tpa", 2.5), ("baseline_built_tpa", -1), ("baseline_built_tpa", 20_000_001),
    ("baseline_built_tpa", 10**30), ("baseline_operating_tpa", -1), ("baseline_operating_tpa", 600_001),
    ("cell_amperage_ka", 0), ("cell_amperage_ka", 2.5), ("cell_amperage_ka", "400"),
    ("power_source", "nuclear"), ("power_source", None), ("id", 5),
]
FILING_BAD = [
    ("smelter_id", "1"), ("smelter_id", 2.5), ("smelter_id", 0), ("smelter_id", BIG_ID),
    ("smelter_id", 999_999), ("smelter_id", "other"), ("kind", "expansion"), ("kind", None), ("kind", 1),
    ("capacity_tpa", 0), ("capacity_tpa", -5), ("capacity_tpa", 10_000_001), ("capacity_tpa", 2.5),
    ("capacity_tpa", "50000"), ("capacity_tpa", 1e7 + 0.5), ("capacity_tpa", 10**40), ("capacity_tpa", True),
    ("effective_month", "2016-13"), ("effective_month", "16-11"), ("effective_month", "2016-00"),
    ("effective_month", "2016-11-01"), ("effective_month", 201611), ("effective_month", "2101-01"),
    ("notes", LONG_NOTE), ("notes", "a\x00b"), ("notes", 5), ("cell_count", 0), ("cell_count", 2.5),
    ("cell_amperage_ka", 5000), ("status", "approved"), ("version", 7),
]


def _counts(app) -> tuple[int, ...]:
    return tuple(row_count(app, model) for model in (Enterprise, Smelter, Filing, AuditEvent))


def _with(base: dict, field: str, value) -> dict:
    return {**base, field: value}


@pytest.mark.parametrize(("field", "value"), ENTERPRISE_BAD)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_enterprise_bad_input(world, api_as, app, method, field, value):
    admin = api_as(world.admin)
    before = _counts(app)
    if method == "POST":
        response = admin.post("/api/v1/enterprises", json=_with(ENTERPRISE, field, value))
    else:
        response = admin.patch(f"/api/v1/enterprises/{world.ent_a.id}", json={field: value})
    assert_problem(response, 422, field)
    assert _counts(app) == before
    assert admin.get(f"/api/v1/enterprises/{world.ent_a.id}").json["uscc"] == world.ent_a.uscc


@pytest.mark.parametrize(("field", "value"), SMELTER_BAD)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_smelter_bad_input(world, api_as, app, method, field, value):
    admin = api_as(world.admin)
    url = f"/api/v1/smelters/{world.smelter_a.id}"
    original = admin.get(url).json
    before = _counts(app)
    if method == "POST":
        response = admin.post("/api/v1/smelters", json=_with({**SMELTER, "enterprise_id": world.ent_a.id},
                                                             field, value))
    else:
        response = admin.patch(url, json={field: value})
    assert_problem(response, 422, field)
    assert _counts(app) == before
    assert admin.get(url).json == original


# PATCH never takes smelter_id (test_api_filings checks that it is refused).
FILING_CASES = [("POST", f, v) for f, v in FILING_BAD] + [("PATCH", f, v) for f, v in FILING_BAD
                                                         if f != "smelter_id"]


@pytest.mark.parametrize(("method", "field", "value"), FILING_CASES)
def test_filing_bad_input(world, api_as, factory, app, method, field, value):
    value = world.smelter_b.id if value == "other" else value
    draft = factory.filing(world.smelter_a, world.filer_a)
    filer = api_as(world.filer_a)
    url = f"/api/v1/filings/{draft.id}"
    original = filer.get(url).json
    before = _counts(app)
    if method == "POST":
        response = filer.post("/api/v1/filings",
                              json=_with({**FILING, "smelter_id": world.smelter_a.id}, field, value))
    else:
        response = filer.patch(url, json={field: value})
    assert_problem(response, 422, field)
    assert _counts(app) == before
    assert filer.get(url).json == original


@pytest.mark.parametrize("note", [LONG_NOTE, "a\x00b", 5, ["x"]])
@pytest.mark.parametrize("action", ["submit", "withdraw", "approve", "reject", "return"])
def test_transition_bad_note(world, api_as, factory, app, action, note):
    start = "draft" if action == "submit" else "submitted"
    filing = factory.filing(world.smelter_a, world.filer_a, status=start)
    client = api_as(world.filer_a if action in ("submit", "withdraw") else world.reviewer)
    before = _counts(app)
    assert_problem(client.post(f"/api/v1/filings/{filing.id}/{action}", json={"note": note}), 422, "note")
    assert _counts(app) == before
    assert client.get(f"/api/v1/filings/{filing.id}").json["status"] == start


def test_transition_unknown_field(world, api_as, factory):
    filing = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    response = api_as(world.reviewer).post(f"/api/v1/filings/{filing.id}/approve", json={"status": "approved"})
    assert_problem(response, 422, "status")


WRITES = [
    ("admin", "POST", "/api/v1/enterprises"),
    ("admin", "PATCH", "/api/v1/enterprises/{ent}"),
    ("admin", "POST", "/api/v1/smelters"),
    ("admin", "PATCH", "/api/v1/smelters/{smelter}"),
    ("filer_a", "POST", "/api/v1/filings"),
    ("filer_a", "PATCH", "/api/v1/filings/{filing}"),
    ("filer_a", "POST", "/api/v1/filings/{filing}/submit"),
    ("reviewer", "POST", "/api/v1/filings/{submitted}/reject"),
]


@pytest.fixture
def urls(world, factory) -> dict[str, int]:
    return {"ent": world.ent_a.id, "smelter": world.smelter_a.id,
            "filing": factory.filing(world.smelter_a, world.filer_a).id,
            "submitted": factory.filing(world.smelter_a, world.filer_a, status="submitted").id}


def _raw(client, method, url, data, content_type):
    call = client.post if method == "POST" else client.patch
    return call(url, data=data, headers={"Content-Type": content_type})


@pytest.mark.parametrize(("role", "method", "url"), WRITES)
def test_malformed_json_is_400_problem(world, api_as, app, urls, role, method, url):
    client = api_as(getattr(world, role))
    before = _counts(app)
    response = _raw(client, method, url.format(**urls), '{"name": "x",', "application/json")
    assert_problem(response, 400)
    assert _counts(app) == before


@pytest.mark.parametrize(("role", "method", "url"), WRITES)
@pytest.mark.parametrize("body", ["[1, 2]", "null"])
def test_json_that_is_not_an_object_is_4xx(world, api_as, app, urls, role, method, url, body):
    client = api_as(getattr(world, role))
    before = _counts(app)
    response = _raw(client, method, url.format(**urls), body, "application/json")
    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)
    assert _counts(app) == before


@pytest.mark.parametrize(("role", "method", "url"), WRITES)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_wrong_content_type_is_415(world, api_as, app, urls, role, method, url, content_type):
    client = api_as(getattr(world, role))
    before = _counts(app)
    response = _raw(client, method, url.format(**urls), '{"note": "x"}', content_type)
    assert_problem(response, 415, "Content-Type")
    assert _counts(app) == before


def test_json_with_charset_is_accepted(world, api_as):
    response = _raw(api_as(world.admin), "POST", "/api/v1/enterprises",
                    json.dumps({"uscc": ENTERPRISE["uscc"], "name": "X", "province": "45"}),
                    "application/json; charset=utf-8")
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("url", [
    "/api/v1/filings?status=bogus", "/api/v1/filings?kind=expansion", "/api/v1/filings?smelter_id=abc",
    "/api/v1/filings?smelter_id=2.5", f"/api/v1/filings?smelter_id={BIG_ID}", "/api/v1/filings?enterprise_id=-1",
    "/api/v1/filings?province=99", "/api/v1/filings?effective_from=2016-13", "/api/v1/filings?effective_to=16-11",
    "/api/v1/filings?page=abc", "/api/v1/filings?page=99999999999999999999", "/api/v1/filings?page_size=0",
    "/api/v1/filings?page_size=100000", "/api/v1/smelters?province=99",
    "/api/v1/smelters?enterprise_id=x", "/api/v1/enterprises?page=-1", "/api/v1/audit-events?entity_type=bogus",
    "/api/v1/audit-events?entity_id=abc", "/api/v1/smelters/{smelter}/positions?from=16-11",
    "/api/v1/smelters/{smelter}/positions?to=2016-13",
])
def test_bad_query_parameters_are_422(world, api_as, urls, url):
    response = api_as(world.admin).get(url.format(**urls))
    field = url.split("?")[1].split("=")[0]
    assert_problem(response, 422, field)


@pytest.mark.parametrize("url", [
    f"/api/v1/enterprises/{BIG_ID}", f"/api/v1/smelters/{BIG_ID}", f"/api/v1/filings/{BIG_ID}",
    f"/api/v1/smelters/{BIG_ID}/positions", "/api/v1/filings/99999999999999999999999999",
    f"/api/v1/filings/{2**63 - 1}", "/api/v1/enterprises/0", "/api/v1/filings/-1",
])
def test_absurd_ids_in_urls_are_404(world, api_as, url):
    assert_problem(api_as(world.admin).get(url), 404)


@pytest.mark.parametrize(("role", "url"), [
    ("admin", f"/api/v1/enterprises/{BIG_ID}"), ("filer_a", f"/api/v1/filings/{BIG_ID}"),
    ("reviewer", f"/api/v1/filings/{BIG_ID}/approve")])
def test_absurd_ids_on_writes_are_404(world, api_as, role, url):
    client = api_as(getattr(world, role))
    response = client.post(url, json={}) if url.endswith("approve") else client.patch(url, json={})
    assert_problem(response, 404)


def test_a_misspelt_filter_is_a_422_naming_it_not_the_whole_list(world, api_as):
    response = api_as(world.reviewer).get("/api/v1/filings?stauts=approved&page_size=5")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == {"stauts": ["Unknown query parameter."]}


def test_declared_query_parameters_are_still_accepted(world, api_as):
    reviewer = api_as(world.reviewer)
    assert reviewer.get("/api/v1/filings?status=approved&page=1&page_size=5").status_code == 200
    assert reviewer.get(f"/api/v1/smelters/{world.smelter_a.id}/positions?from=2016-01&to=2016-03").status_code == 200
    assert reviewer.get("/api/v1/filings/1?x=1").status_code == 422
