"""Hostile input: a 4xx problem naming the field, never a 500, never a partial write."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.members.models import Smelter
from tests import summary_world
from tests.api_helpers import assert_problem
from tests.summary_world import MONTH
from tests.web_helpers import sign_in

DEEP = "[" * 1000 + "]" * 1000


def test_patching_an_enterprise_cap_ref_is_no_500(world, admin_client, factory):
    cap = factory.cap(scope="enterprise", scope_ref=str(world.ent_a.id))
    url = f"/api/v1/caps/{cap.id}"
    assert_problem(admin_client.patch(url, json={"scope_ref": "424242"}), 422, "scope_ref")
    moved = admin_client.patch(url, json={"scope_ref": str(world.ent_b.id)})
    assert moved.status_code == 200, moved.get_data(as_text=True)
    assert moved.json["scope_ref"] == str(world.ent_b.id)


def test_admin_form_saves_an_enterprise_cap(client, world, factory):
    cap = factory.cap(scope="enterprise", scope_ref=str(world.ent_a.id))
    sign_in(client, world.admin)
    response = client.post(f"/admin/caps/{cap.id}", data={
        "name": "Edited", "scope": "enterprise", "scope_ref": str(world.ent_b.id), "basis": "operating_capacity",
        "limit_tpa": "5,000,000", "period_from": "2016-01", "period_to": "2017-12", "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def admin_client(world, api_as):
    return api_as(world.admin)


@pytest.mark.parametrize("value", ["a\x01b", "a\x1fb", "a\x7fb", "a\rb", "a\nb", "a\tb", "\ud800", "x\udfffy"])
def test_names_refuse_controls_and_lone_surrogates(world, admin_client, value):
    url = f"/api/v1/enterprises/{world.ent_a.id}"
    before = admin_client.get(url).json
    assert_problem(admin_client.patch(url, json={"name": value}), 422, "name")
    assert admin_client.get(url).json == before


@pytest.mark.parametrize(("value", "status"), [("a\x01b", 422), ("\ud800", 422), ("a\rb", 422),
                                               ("line\nnext\tcolumn", 200)])
def test_notes_keep_line_breaks_but_refuse_other_controls(world, api_as, factory, value, status):
    draft = factory.filing(world.smelter_a, world.filer_a)
    response = api_as(world.filer_a).patch(f"/api/v1/filings/{draft.id}", json={"notes": value})
    if status == 200:
        assert response.status_code == 200 and response.json["notes"] == value
    else:
        assert_problem(response, 422, "notes")


@pytest.mark.parametrize("month", ["2016-11\n", "２０１６-１１", "2016-1１", " 2016-11"])
def test_months_must_be_exact_ascii(world, api_as, factory, admin_client, month):
    draft = factory.filing(world.smelter_a, world.filer_a)
    response = api_as(world.filer_a).patch(f"/api/v1/filings/{draft.id}", json={"effective_month": month})
    assert_problem(response, 422, "effective_month")
    cap = factory.cap()
    assert_problem(admin_client.get(f"/api/v1/caps/{cap.id}/usage", query_string={"from": month}), 422, "from")


def test_json_nested_a_thousand_deep_is_a_4xx(world, admin_client):
    response = admin_client.patch(f"/api/v1/enterprises/{world.ent_a.id}", data=DEEP,
                                  content_type="application/json")
    assert_problem(response, 400)


def test_an_integer_of_thousands_of_digits_is_a_4xx(world, admin_client):
    body = '{"name": 1' + "0" * 5000 + "}"  # past Python's int_max_str_digits: json.loads raises ValueError
    response = admin_client.patch(f"/api/v1/enterprises/{world.ent_a.id}", data=body,
                                  content_type="application/json")
    assert_problem(response, 400)


def test_a_body_over_the_limit_is_413(app, world, admin_client):
    body = '{"name": "' + "x" * (app.config["MAX_CONTENT_LENGTH"] + 1) + '"}'
    response = admin_client.patch(f"/api/v1/enterprises/{world.ent_a.id}", data=body,
                                  content_type="application/json")
    assert_problem(response, 413)


def test_a_repeated_query_parameter_is_422_naming_it(admin_client):
    assert_problem(admin_client.get("/api/v1/filings?status=draft&status=approved"), 422, "status")


def test_xlsx_survives_a_stored_control_character(app, factory, world, api_as):
    summary_world.build_with_returns_and_cap(factory, world, api_as)
    with app.app_context():
        db.session.execute(sa.update(Smelter).where(Smelter.id == world.smelter_a.id).values(name="Bad\x01name"))
        db.session.commit()
    response = api_as(world.auditor).get(f"/api/v1/summaries/{MONTH}.xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    names = [row[2] for row in openpyxl.load_workbook(io.BytesIO(response.data))["Smelters"].values]
    assert "Bad\ufffdname" in names


@pytest.mark.parametrize("path", ["/api/v1/filings/%EF%BC%91", "/api/v1/smelters/%D9%A1", "/api/v1/smelters/01"])
def test_ids_in_api_urls_are_ascii_digits(world, admin_client, factory, path):
    factory.filing(world.smelter_a, world.filer_a)  # id 1 exists: "１" must not reach it
    assert_problem(admin_client.get(path), 404)


def test_ids_in_page_urls_are_ascii_digits(client, world, factory):
    factory.filing(world.smelter_a, world.filer_a)
    sign_in(client, world.admin)
    assert client.get("/filings/%EF%BC%91").status_code == 404
    assert client.get("/filings/1").status_code == 200


@pytest.mark.parametrize("query", ["smelter_id=%EF%BC%91", "page=%EF%BC%92", "enterprise_id=%D9%A1"])
def test_ids_in_query_strings_are_ascii_digits(world, admin_client, query):
    name = query.split("=")[0]
    assert_problem(admin_client.get(f"/api/v1/filings?{query}"), 422, name)


def test_a_very_long_url_is_a_414_problem(world, admin_client):
    response = admin_client.get("/api/v1/filings?notes=" + "x" * 3000)
    assert_problem(response, 414)


def test_huge_headers_are_a_431_problem(world, admin_client):
    response = admin_client.get("/api/v1/filings", headers={"X-Padding": "x" * 20_000})
    assert_problem(response, 431)


def test_a_very_long_url_on_a_page_is_the_error_page(client):
    response = client.get("/login?next=" + "x" * 3000)
    assert response.status_code == 414 and response.mimetype == "text/html"
