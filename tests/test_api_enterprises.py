"""Enterprises: registration by an admin, USCC checks, visibility, ETags and paging."""

from __future__ import annotations

from registry.members.models import Enterprise
from registry.reference.uscc import ALPHABET, make_uscc
from tests.api_helpers import assert_problem, pagination, row_count

NEW = {"uscc": make_uscc("91650000MA7700001"), "name": "新疆测试铝业有限公司",
       "name_en": "Xinjiang Test Aluminium", "province": "65"}


def _bad_check_character(code: str) -> str:
    wrong = ALPHABET[(ALPHABET.index(code[-1]) + 1) % len(ALPHABET)]
    return code[:-1] + wrong


def test_admin_registers_an_enterprise(world, api_as, app):
    admin = api_as(world.admin)
    created = admin.post("/api/v1/enterprises", json=NEW)
    assert created.status_code == 201, created.json
    assert created.json == {**NEW, "id": created.json["id"], "active": True}
    assert created.headers["ETag"]
    fetched = admin.get(f"/api/v1/enterprises/{created.json['id']}")
    assert fetched.status_code == 200
    assert fetched.json == created.json
    assert fetched.headers["ETag"] == created.headers["ETag"]
    assert row_count(app, Enterprise) == 3


def test_registration_is_audited(world, api_as):
    admin = api_as(world.admin)
    created = admin.post("/api/v1/enterprises", json=NEW).json
    events = admin.get(f"/api/v1/audit-events?entity_type=enterprise&entity_id={created['id']}").json
    assert [(e["action"], e["actor_id"]) for e in events] == [("create", world.admin.id)]
    assert events[0]["after"]["uscc"] == NEW["uscc"]


def test_duplicate_uscc_is_409_and_writes_nothing(world, api_as, app):
    admin = api_as(world.admin)
    before = row_count(app, Enterprise)
    response = admin.post("/api/v1/enterprises", json={**NEW, "uscc": world.ent_a.uscc})
    assert_problem(response, 409, "uscc")
    assert row_count(app, Enterprise) == before


def test_patch_to_another_enterprises_uscc_is_409(world, api_as):
    admin = api_as(world.admin)
    response = admin.patch(f"/api/v1/enterprises/{world.ent_b.id}", json={"uscc": world.ent_a.uscc})
    assert_problem(response, 409, "uscc")
    assert admin.get(f"/api/v1/enterprises/{world.ent_b.id}").json["uscc"] == world.ent_b.uscc


def test_uscc_with_a_wrong_check_character_is_422(world, api_as, app):
    admin = api_as(world.admin)
    response = admin.post("/api/v1/enterprises", json={**NEW, "uscc": _bad_check_character(NEW["uscc"])})
    body = assert_problem(response, 422, "uscc")
    assert "check character" in body["errors"]["uscc"][0]
    assert row_count(app, Enterprise) == 2


def test_admin_edits_an_enterprise(world, api_as):
    admin = api_as(world.admin)
    url = f"/api/v1/enterprises/{world.ent_a.id}"
    etag = admin.get(url).headers["ETag"]
    response = admin.patch(url, json={"name_en": "Renamed Aluminium", "active": False},
                           headers={"If-Match": etag})
    assert response.status_code == 200, response.json
    assert response.json["name_en"] == "Renamed Aluminium"
    assert response.json["active"] is False
    assert response.headers["ETag"] != etag
    assert admin.get(url).json["name_en"] == "Renamed Aluminium"


def test_staff_list_every_enterprise_with_paging(world, api_as, factory):
    for _ in range(3):
        factory.enterprise()
    for role in ("admin", "reviewer", "auditor"):
        client = api_as(getattr(world, role))
        everything = client.get("/api/v1/enterprises")
        assert everything.status_code == 200
        assert len(everything.json) == 5
        page = client.get("/api/v1/enterprises?page=2&page_size=2")
        assert [e["id"] for e in page.json] == [e["id"] for e in everything.json[2:4]]
        assert pagination(page) == {"total": 5, "total_pages": 3, "page": 2, "page_size": 2}


def test_filer_sees_only_its_own_enterprise(world, api_as):
    filer = api_as(world.filer_a)
    listed = filer.get("/api/v1/enterprises")
    assert [e["id"] for e in listed.json] == [world.ent_a.id]
    assert pagination(listed)["total"] == 1
    assert filer.get(f"/api/v1/enterprises/{world.ent_a.id}").status_code == 200
    assert_problem(filer.get(f"/api/v1/enterprises/{world.ent_b.id}"), 404)


def test_unknown_enterprise_is_404(world, api_as):
    assert_problem(api_as(world.admin).get("/api/v1/enterprises/999999"), 404)
