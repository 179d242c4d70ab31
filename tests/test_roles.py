"""Every role against every core endpoint, including another enterprise's resources.

``own`` is enterprise A (filer_a's), ``other`` is enterprise B. Staff see both;
a filer gets 404 for B's resources (existence not revealed) and 403 for an
action its role may never take.
"""

from __future__ import annotations

import pytest

from registry.reference.uscc import make_uscc
from tests.api_helpers import PROBLEM_JSON

ROLES = ("admin", "reviewer", "auditor", "filer_a")


def _smelter_body(ids):
    return {"enterprise_id": ids["ent_b"], "name": "New", "province": "65", "baseline_month": "2016-01",
            "baseline_built_tpa": 100_000, "baseline_operating_tpa": 50_000}


def _filing_body(ids):
    return {"smelter_id": ids["smelter_a"], "kind": "restart", "capacity_tpa": 1_000,
            "effective_month": "2016-11"}


def _enterprise_body(ids):
    return {"uscc": make_uscc("91530000MA6W00001"), "name": "New", "province": "53"}


# (method, url, body, {role: expected status})
MATRIX = [
    ("GET", "/api/v1/enterprises", None, dict(admin=200, reviewer=200, auditor=200, filer_a=200)),
    ("GET", "/api/v1/enterprises/{ent_a}", None, dict(admin=200, reviewer=200, auditor=200, filer_a=200)),
    ("GET", "/api/v1/enterprises/{ent_b}", None, dict(admin=200, reviewer=200, auditor=200, filer_a=404)),
    ("POST", "/api/v1/enterprises", _enterprise_body, dict(admin=201, reviewer=403, auditor=403, filer_a=403)),
    ("PATCH", "/api/v1/enterprises/{ent_a}", {"name_en": "X"},
     dict(admin=200, reviewer=403, auditor=403, filer_a=403)),
    ("PATCH", "/api/v1/enterprises/{ent_b}", {"name_en": "X"},
     dict(admin=200, reviewer=403, auditor=403, filer_a=403)),
    ("GET", "/api/v1/smelters", None, dict(admin=200, reviewer=200, auditor=200, filer_a=200)),
    ("GET", "/api/v1/smelters/{smelter_a}", None, dict(admin=200, reviewer=200, auditor=200, filer_a=200)),
    ("GET", "/api/v1/smelters/{smelter_b}", None, dict(admin=200, reviewer=200, auditor=200, filer_a=404)),
    ("GET", "/api/v1/smelters/{smelter_a}/positions", None,
     dict(admin=200, reviewer=200, auditor=200, filer_a=200)),
    ("GET", "/api/v1/smelters/{smelter_b}/positions", None,
     dict(admin=200, reviewer=200, auditor=200, filer_a=404)),
    ("POST", "/api/v1/smelters", _smelter_body, dict(admin=201, reviewer=403, auditor=403, filer_a=403)),
    ("PATCH", "/api/v1/smelters/{smelter_a}", {"name": "X"},
     dict(admin=200, reviewer=403, auditor=403, filer_a=403)),
    ("PATCH", "/api/v1/smelters/{smelter_b}", {"name": "X"},
     dict(admin=200, reviewer=403, auditor=403, filer_a=403)),
    ("GET", "/api/v1/filings", None, dict(admin=200, reviewer=200, auditor=200, filer_a=200)),
    ("GET", "/api/v1/filings/{filing_a}", None, dict(admin=200, reviewer=200, auditor=200, filer_a=200)),
    ("GET", "/api/v1/filings/{filing_b}", None, dict(admin=200, reviewer=200, auditor=200, filer_a=404)),
    ("POST", "/api/v1/filings", _filing_body, dict(admin=403, reviewer=403, auditor=403, filer_a=201)),
    ("PATCH", "/api/v1/filings/{filing_a}", {"notes": "X"},
     dict(admin=403, reviewer=403, auditor=403, filer_a=200)),
    ("PATCH", "/api/v1/filings/{filing_b}", {"notes": "X"},
     dict(admin=403, reviewer=403, auditor=403, filer_a=404)),
    ("POST", "/api/v1/filings/{filing_a}/submit", None, dict(admin=403, reviewer=403, auditor=403, filer_a=200)),
    ("POST", "/api/v1/filings/{filing_b}/submit", None, dict(admin=403, reviewer=403, auditor=403, filer_a=404)),
    ("POST", "/api/v1/filings/{filing_a}/withdraw", None,
     dict(admin=403, reviewer=403, auditor=403, filer_a=200)),
    ("POST", "/api/v1/filings/{submitted_a}/approve", None,
     dict(admin=200, reviewer=200, auditor=403, filer_a=403)),
    ("POST", "/api/v1/filings/{submitted_b}/approve", None,
     dict(admin=200, reviewer=200, auditor=403, filer_a=404)),
    ("POST", "/api/v1/filings/{submitted_a}/reject", {"note": "no"},
     dict(admin=200, reviewer=200, auditor=403, filer_a=403)),
    ("POST", "/api/v1/filings/{submitted_a}/return", {"note": "fix"},
     dict(admin=200, reviewer=200, auditor=403, filer_a=403)),
    ("GET", "/api/v1/audit-events", None, dict(admin=200, reviewer=200, auditor=200, filer_a=403)),
]
CASES = [
    pytest.param(role, method, url, body, expected[role], id=f"{role}-{method}-{url}")
    for method, url, body, expected in MATRIX for role in ROLES
]


@pytest.fixture
def ids(world, factory) -> dict[str, int]:
    return {
        "ent_a": world.ent_a.id, "ent_b": world.ent_b.id,
        "smelter_a": world.smelter_a.id, "smelter_b": world.smelter_b.id,
        "filing_a": factory.filing(world.smelter_a, world.filer_a).id,
        "filing_b": factory.filing(world.smelter_b, world.filer_b).id,
        "submitted_a": factory.filing(world.smelter_a, world.filer_a, status="submitted").id,
        "submitted_b": factory.filing(world.smelter_b, world.filer_b, status="submitted").id,
    }


@pytest.mark.parametrize(("role", "method", "url", "body", "expected"), CASES)
def test_role_matrix(world, api_as, ids, role, method, url, body, expected):
    client = api_as(getattr(world, role))
    payload = body(ids) if callable(body) else body
    call = {"GET": client.get, "POST": client.post, "PATCH": client.patch}[method]
    response = call(url.format(**ids), **({"json": payload} if payload is not None else {}))
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if expected >= 400:
        assert response.mimetype == PROBLEM_JSON


@pytest.mark.parametrize("url", ["/api/v1/filings", "/api/v1/smelters", "/api/v1/enterprises"])
def test_filer_lists_hold_nothing_of_another_enterprise(world, api_as, ids, url):
    rows = api_as(world.filer_a).get(url).json
    assert rows
    key = "id" if url.endswith("enterprises") else "enterprise_id"
    assert {row[key] for row in rows} == {world.ent_a.id}
