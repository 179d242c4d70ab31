"""Months and tonnages as people write them, on web forms and imports; the API stays strict."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.filings.models import Filing
from registry.months import parse_loose
from registry.quantities import parse_tonnes
from tests.api_helpers import assert_problem
from tests.test_imports_api import FILING_HEADER, filing_row, xlsx
from tests.web_helpers import sign_in, text


@pytest.mark.parametrize("typed", ["2027-01", "2027/1", "2027年1月", "2027.1", "2027-1", " 2027 - 01 ", "2027 年 1 月",
                                   "２０２７年１月", "2027/01/15", "2027-01-01 00:00:00"])
def test_a_month_as_people_write_it(typed):
    assert parse_loose(typed) == "2027-01"


@pytest.mark.parametrize("typed", ["", "2027", "2027-13", "2027-0", "27-01", "202701", "1989-12", "2101-01",
                                   "January 2027", "2027-01x", "2027--01", None, 202701])
def test_not_a_month(typed):
    assert parse_loose(typed) is None


@pytest.mark.parametrize(("typed", "tonnes"), [
    ("100000", 100_000), ("100,000", 100_000), ("100 000", 100_000), ("10万", 100_000), ("10 万", 100_000),
    ("10万吨", 100_000), ("10.5万", 105_000), ("10.5 万吨/年", 105_000), ("１００，０００", 100_000),
    ("１０万", 100_000),
    ("100000.0", 100_000), ("120,000 t", 120_000), ("0", 0), ("-5", -5),
])
def test_tonnes_as_people_write_them(typed, tonnes):
    assert parse_tonnes(typed) == tonnes


@pytest.mark.parametrize("typed", ["", "lots", "1.5", "10.00001万", "万", "1e5", "10万万", "10千", "5" * 61, None])
def test_not_tonnes(typed):
    assert parse_tonnes(typed) is None


def test_ten_thousands_only_where_asked():
    assert parse_tonnes("120", ten_thousands=False) == 120 and parse_tonnes("1万", ten_thousands=False) is None


@pytest.mark.parametrize(("capacity", "month"), [("10万", "2027年1月"), ("100,000", "2027/1"), ("１０万吨", "2027.1")])
def test_the_filing_form_takes_them(app, client, world, capacity, month):
    sign_in(client, world.filer_a)
    response = client.post("/filings/new", data={"smelter_id": str(world.smelter_a.id), "kind": "restart",
                                                 "capacity_tpa": capacity, "effective_month": month})
    assert response.status_code == 302, text(response)[:2000]
    with app.app_context():
        filing = db.session.scalars(sa.select(Filing)).one()
        assert (filing.capacity_tpa, filing.effective_month) == (100_000, "2027-01")
        db.session.remove()


def test_the_form_says_which_formats_it_takes_and_keeps_what_was_typed(client, world):
    sign_in(client, world.filer_a)
    page = text(client.get("/filings/new"))
    assert "2027/1" in page and "2027年1月" in page and "12万" in page  # the hints
    response = client.post("/filings/new", data={"smelter_id": str(world.smelter_a.id), "kind": "restart",
                                                 "capacity_tpa": "about 10万", "effective_month": "Jan 2027"})
    page = text(response)
    assert response.status_code == 422
    assert "Enter whole tonnes, such as 100000, 100,000 or 10万." in page
    assert "Enter a month between 1990-01 and 2100-12, such as 2027-01, 2027/1 or 2027年1月." in page
    assert 'value="about 10万"' in page and 'value="Jan 2027"' in page


def test_an_import_reads_them_too(app, client, world):
    sign_in(client, world.filer_a)
    book = xlsx(FILING_HEADER, [filing_row(world.smelter_a.name, capacity="10.5万", month="2027年1月"),
                                filing_row(world.smelter_a.name, capacity="１００，０００", month="2027/2")])
    uploaded = client.post("/imports", data={"what": "filings", "file": (io.BytesIO(book), "filings.xlsx")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 303, text(uploaded)[:1000]
    token = uploaded.headers["Location"].rsplit("/", 1)[1]
    assert "All 2 rows pass every check." in text(client.get(f"/imports/{token}"))
    assert client.post(f"/imports/{token}/confirm", data={}).status_code in (302, 303)
    with app.app_context():
        got = sorted((f.effective_month, f.capacity_tpa) for f in db.session.scalars(sa.select(Filing)))
        db.session.remove()
    assert got == [("2027-01", 105_000), ("2027-02", 100_000)]


def test_the_api_stays_strict(world, api_as):
    filer = api_as(world.filer_a)
    body = assert_problem(filer.post("/api/v1/filings", json={
        "smelter_id": world.smelter_a.id, "kind": "restart", "capacity_tpa": "10万", "effective_month": "2027年1月"}),
        422, "capacity_tpa")
    assert body["errors"]["capacity_tpa"] == ["Enter a whole number, such as 120000."]
    assert "effective_month" in body["errors"]


def test_the_api_names_what_is_missing(world, api_as):
    body = assert_problem(api_as(world.filer_a).post("/api/v1/filings", json={"kind": "restart"}), 422, "smelter_id")
    assert body["errors"]["smelter_id"] == ["Choose the smelter."]
    assert body["errors"]["capacity_tpa"] == ["Enter the capacity in tonnes per year."]
    assert body["errors"]["effective_month"] == ["Enter the effective month."]
    nulls = assert_problem(api_as(world.filer_a).post("/api/v1/monthly-returns", json={
        "smelter_id": world.smelter_a.id, "month": "2016-11", "operating_tpa": None, "production_t": 1}),
        422, "operating_tpa")
    assert nulls["errors"]["operating_tpa"] == ["Enter the operating capacity in tonnes per year."]
