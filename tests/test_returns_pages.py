"""The monthly return pages: a filer files the month's returns of its smelters; staff see who is missing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from registry import create_app, months
from registry.audit.models import AuditEvent
from registry.clock import BEIJING
from registry.extensions import db
from registry.returns.models import MonthlyReturn
from tests.web_helpers import sign_in, text

EN = {"Accept-Language": "en"}


def _app(database_url: str, **config):
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, **config})


@pytest.fixture
def story(database_url, factory, world):
    """The registry on 2016-12-05: November's returns are due on 10 December, October's are overdue.

    Returns are stamped with the real time, so every return filed here for 2016 is late.
    """
    app = _app(database_url, REGISTRY_TODAY="2016-12-05")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _returns(app) -> list[tuple[int, str, int, int, int]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(MonthlyReturn.smelter_id, MonthlyReturn.month, MonthlyReturn.revision,
                      MonthlyReturn.operating_tpa, MonthlyReturn.production_t)
            .order_by(MonthlyReturn.smelter_id, MonthlyReturn.revision))]


def _row(page: str, smelter_id: int) -> str:
    """The page's table row of one smelter."""
    match = re.search(rf'<tr id="smelter-{smelter_id}">(.*?)</tr>', page, re.S)
    assert match, f"no row for smelter {smelter_id}"
    return match.group(1)


def _inputs(page: str, smelter_id: int) -> dict[str, str]:
    """The row's inputs by field (operating_tpa, production_t, smelter_id): their names and values."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", _row(page, smelter_id)):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        found[name.rsplit("-", 1)[1]] = (name, value.group(1) if value else "")
    return found


def _form(page: str, figures: dict[int, tuple[str, str]]) -> dict[str, str]:
    """The posted form: every row as the page offers it, with ``figures`` typed into some rows."""
    data = {}
    for smelter_id in map(int, re.findall(r'<tr id="smelter-(\d+)">', page)):
        inputs = _inputs(page, smelter_id)
        for name, value in inputs.values():
            data[name] = value
        if smelter_id in figures:
            data[inputs["operating_tpa"][0]], data[inputs["production_t"][0]] = figures[smelter_id]
    return data


def test_a_filer_sees_its_smelters_prefilled_with_the_approved_position(story, factory, world):
    second = factory.smelter(world.ent_a, name="Second potline", baseline_built_tpa=400_000,
                             baseline_operating_tpa=250_000)
    later = factory.smelter(world.ent_a, name="Built in 2017", baseline_month="2017-01")
    factory.filing(world.smelter_a, world.filer_a, kind="restart", capacity_tpa=100_000,
                   effective_month="2016-11", status="approved")
    page = text(_client(story, world.filer_a).get("/returns", headers=EN))  # November: due next
    assert "Monthly returns · Nov 2016" in page and "due on Dec 10, 2016" in page
    first = _inputs(page, world.smelter_a.id)
    assert first["operating_tpa"][1] == "400,000" and first["production_t"][1] == ""  # 300,000 + restart
    assert _inputs(page, second.id)["operating_tpa"][1] == "250,000"
    assert "of 500,000 t/a built" in _row(page, world.smelter_a.id)
    assert f'id="smelter-{later.id}"' not in page  # nothing before its baseline month
    october = text(_client(story, world.filer_a).get("/returns?month=2016-10", headers=EN))
    assert _inputs(october, world.smelter_a.id)["operating_tpa"][1] == "300,000"  # before the restart


def test_a_filer_never_sees_another_enterprises_smelters(story, factory, world):
    page = text(_client(story, world.filer_a).get("/returns?month=2016-11", headers=EN))
    assert f'id="smelter-{world.smelter_a.id}"' in page
    assert world.smelter_b.name not in page and f'smelter-{world.smelter_b.id}' not in page
    assert world.ent_b.name not in page


def test_filing_two_smelters_then_correcting_one_makes_revision_2(story, factory, world):
    second = factory.smelter(world.ent_a, name="Second potline")
    client = _client(story, world.filer_a)
    page = text(client.get("/returns?month=2016-11", headers=EN))
    response = client.post("/returns?month=2016-11", headers=EN, data=_form(page, {
        world.smelter_a.id: ("300,000", "24 500"), second.id: ("280000", "22,000")}))
    assert response.status_code == 302 and response.headers["Location"] == "/returns?month=2016-11"
    assert _returns(story) == [(world.smelter_a.id, "2016-11", 1, 300_000, 24_500),
                               (second.id, "2016-11", 1, 280_000, 22_000)]
    page = text(client.get("/returns?month=2016-11", headers=EN))
    assert "2 returns filed for Nov 2016." in page
    assert _inputs(page, second.id)["production_t"][1] == "22,000"  # the latest revision, prefilled
    assert "Filed" in _row(page, second.id)
    # The correction: the other row is left as the page offered it, so it is not filed again.
    response = client.post("/returns?month=2016-11", headers=EN, data=_form(page, {second.id: ("280,000", "21,800")}))
    assert response.status_code == 302
    assert _returns(story)[1:] == [(second.id, "2016-11", 1, 280_000, 22_000),
                                   (second.id, "2016-11", 2, 280_000, 21_800)]
    assert len(_returns(story)) == 3
    page = text(client.get("/returns?month=2016-11", headers=EN))
    assert "revision 2" in _row(page, second.id) and "revision 2" not in _row(page, world.smelter_a.id)
    with story.app_context():
        events = db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.entity_type == "monthly_return")).all()
    assert events == ["file"] * 3
    history = client.get(f"/returns/{second.id}/2016-11", headers=EN)
    assert history.status_code == 200
    body = text(history)
    revisions = re.findall(r'<th scope="row">(\d+)', body)
    assert revisions == ["2", "1"]  # newest first
    assert body.index("21,800") < body.index("22,000")
    assert world.filer_a.email in body and "Beijing time" in body


def test_times_on_the_history_are_beijing_time(story, world):
    client = _client(story, world.filer_a)
    page = text(client.get("/returns?month=2016-11", headers=EN))
    before = dt.datetime.now(dt.UTC)
    client.post("/returns?month=2016-11", data=_form(page, {world.smelter_a.id: ("300000", "20000")}))
    after = dt.datetime.now(dt.UTC)
    body = text(client.get(f"/returns/{world.smelter_a.id}/2016-11", headers={"Accept-Language": "zh-CN"}))
    shown = {moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") for moment in (before, after)}
    assert any(stamp in body for stamp in shown)  # eight hours ahead of UTC, not UTC
    assert "北京时间" in body
    assert "UTC" not in body.split("<main", 1)[1]


def test_a_return_filed_after_its_due_date_is_late(database_url, factory, world):
    """Filed now: this month's return is on time, one for three months ago is late (and allowed)."""
    app = _app(database_url)  # the real today: returns are stamped with the real time
    client = _client(app, world.filer_a)
    with app.app_context():
        this_month = months.current()
    old = months.add(this_month, -3)
    for month in (this_month, old):
        page = text(client.get(f"/returns?month={month}", headers=EN))
        assert client.post(f"/returns?month={month}",
                           data=_form(page, {world.smelter_a.id: ("300,000", "2,000")})).status_code == 302
    current_row = _row(text(client.get(f"/returns?month={this_month}", headers=EN)), world.smelter_a.id)
    old_row = _row(text(client.get(f"/returns?month={old}", headers=EN)), world.smelter_a.id)
    assert "Filed" in current_row and "badge-late" not in current_row
    assert "badge-late" in old_row and "Late" in old_row
    assert "On time" in text(client.get(f"/returns/{world.smelter_a.id}/{this_month}", headers=EN))
    assert "badge-late" in text(client.get(f"/returns/{world.smelter_a.id}/{old}", headers=EN))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(("figures", "field", "message"), [
    (("-5", "20,000"), "operating_tpa", "Must be between 0 and 20,000,000."),
    (("300,000", "lots"), "production_t", "Enter whole tonnes, such as 100000"),
    (("290,000", ""), "production_t", "Enter the month&#39;s production in tonnes."),  # only one of the two figures
    (("", "20,000"), "operating_tpa", "Enter the operating capacity in tonnes per year."),
])
def test_a_bad_row_files_nothing_and_says_why_beside_the_field(story, factory, world, figures, field, message):
    second = factory.smelter(world.ent_a, name="Second potline")
    client = _client(story, world.filer_a)
    page = text(client.get("/returns?month=2016-11", headers=EN))
    response = client.post("/returns?month=2016-11", headers=EN, data=_form(page, {
        world.smelter_a.id: ("300,000", "20,000"), second.id: figures}))  # the first row alone is fine
    assert response.status_code == 422
    assert _returns(story) == []
    body = text(response)
    name = _inputs(body, second.id)[field][0]
    assert re.search(rf'id="{name}-err"><li>{re.escape(message)}', body), body
    assert f'id="{name}" name="{name}"' in body or f'name="{name}"' in body
    assert re.search(rf'<input[^>]*aria-invalid="true"[^>]*name="{name}"|<input[^>]*name="{name}"[^>]*aria-invalid',
                     body)
    assert "Nothing was filed" in body
    assert _inputs(body, second.id)[field][1] == figures[0 if field == "operating_tpa" else 1]  # kept as typed
    assert "-err" not in _row(body, world.smelter_a.id)


def test_an_untouched_page_files_nothing(story, world):
    client = _client(story, world.filer_a)
    page = text(client.get("/returns?month=2016-11", headers=EN))
    response = client.post("/returns?month=2016-11", headers=EN, data=_form(page, {}))
    assert response.status_code == 422 and "Nothing to file" in text(response)
    assert _returns(story) == []


def test_a_posted_smelter_of_another_enterprise_files_nothing(story, world):
    client = _client(story, world.filer_a)
    page = text(client.get("/returns?month=2016-11", headers=EN))
    data = _form(page, {world.smelter_a.id: ("300,000", "20,000")})
    data.update({"rows-5-smelter_id": str(world.smelter_b.id), "rows-5-operating_tpa": "1",
                 "rows-5-production_t": "1"})
    response = client.post("/returns?month=2016-11", headers=EN, data=data)
    assert response.status_code == 422 and "out of date" in text(response)
    assert world.smelter_b.name not in text(response)
    assert _returns(story) == []


@pytest.mark.parametrize(("month", "message"), [
    ("2017-01", "Jan 2017 has not begun"), ("2016-13", "Must be a month YYYY-MM"), ("abc", "Must be a month"),
    ("1989-12", "Must be a month YYYY-MM between 1990-01"),
])
def test_a_month_that_cannot_have_returns_is_a_clear_error(story, world, month, message):
    client = _client(story, world.filer_a)
    response = client.get(f"/returns?month={month}", headers=EN)
    assert response.status_code == 422
    assert re.search(rf'id="month-err"><li>{re.escape(message)}', text(response))
    assert client.post(f"/returns?month={month}", data={}).status_code == 422
    assert client.get(f"/returns/{world.smelter_a.id}/{month}").status_code == (
        200 if month == "2017-01" else 404)


def test_a_month_before_every_baseline_lists_nothing(story, world):
    page = text(_client(story, world.filer_a).get("/returns?month=2015-06", headers=EN))
    assert "None of your smelters owes a return for Jun 2015" in page and "smelter-" not in page


def test_another_enterprises_history_is_404_for_a_filer(story, world):
    other = _client(story, world.filer_b)
    page = text(other.get("/returns?month=2016-11", headers=EN))
    other.post("/returns?month=2016-11", data=_form(page, {world.smelter_b.id: ("300,000", "20,000")}))
    client = _client(story, world.filer_a)
    assert client.get(f"/returns/{world.smelter_b.id}/2016-11").status_code == 404
    assert client.get("/returns/999999/2016-11").status_code == 404
    assert client.get(f"/returns/{world.smelter_a.id}/2016-11").status_code == 200
    assert _client(story, world.auditor).get(f"/returns/{world.smelter_b.id}/2016-11").status_code == 200


def test_staff_see_every_smelter_filed_or_missing_with_counts(story, factory, world):
    factory.smelter(world.ent_b, name="Third potline", province="15")
    factory.smelter(world.ent_b, name="Closed long ago", baseline_built_tpa=0, baseline_operating_tpa=0)
    client = _client(story, world.filer_a)
    for month in ("2016-10", "2016-11"):
        page = text(client.get(f"/returns?month={month}", headers=EN))
        client.post(f"/returns?month={month}", data=_form(page, {world.smelter_a.id: ("310,000", "20,000")}))
    staff = _client(story, world.reviewer)
    october = text(staff.get("/returns?month=2016-10", headers=EN))  # overdue on 2016-12-05
    counts = dict(re.findall(r'id="count-(\w+)">([\d,]+)<', october))
    assert counts == {"smelters": "3", "filed": "1", "missing": "2", "late": "1"}
    assert "Closed long ago" not in october  # nothing built: no return owed
    assert october.count('class="badge badge-missing"') == 2
    assert world.smelter_b.name in october and "Third potline" in october
    assert "+10,000" in october  # reported against approved operating
    assert f'href="/returns/{world.smelter_a.id}/2016-10"' in october
    november = text(staff.get("/returns?month=2016-11", headers=EN))  # due on 10 December: not yet
    assert "badge-missing" not in november and november.count("badge-not-due") == 2
    assert "Not yet due" in november
    only_b = text(staff.get(f"/returns?month=2016-10&enterprise_id={world.ent_b.id}", headers=EN))
    assert dict(re.findall(r'id="count-(\w+)">([\d,]+)<', only_b))["smelters"] == "2"
    assert world.smelter_a.name not in only_b
    inner_mongolia = text(staff.get("/returns?month=2016-10&province=15", headers=EN))
    assert "Third potline" in inner_mongolia and world.smelter_b.name not in inner_mongolia
    assert staff.get("/returns?month=2016-10&enterprise_id=abc&province=zz").status_code == 422
    assert staff.post("/returns?month=2016-10", data={}).status_code == 403  # staff file nothing


def test_the_staff_list_is_paged_in_a_constant_number_of_queries(story, factory, world, count_queries):
    for n in range(52):
        factory.smelter(world.ent_b, name=f"Potline {n:02d}")
    staff = _client(story, world.admin)
    staff.get("/returns?month=2016-10")  # warm up
    with count_queries as counted:
        first = text(staff.get("/returns?month=2016-10&province=65", headers=EN))
    queries = counted.count
    assert dict(re.findall(r'id="count-(\w+)">([\d,]+)<', first))["smelters"] == "53"
    assert "Page 1 of 2" in first and 'href="/returns?month=2016-10&amp;province=65&amp;page=2" rel="next"' in first
    with count_queries as counted:
        second = text(staff.get("/returns?month=2016-10&province=65&page=2", headers=EN))
    assert counted.count == queries
    assert "Page 2 of 2" in second
    assert first.count('<th scope="row">') == 50 and second.count('<th scope="row">') == 3


def test_returns_pages_need_a_csrf_token(database_url, world):
    app = _app(database_url, REGISTRY_TODAY="2016-12-05", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login = text(client.get("/login"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
    assert client.post("/login", data={"email": world.filer_a.email, "password": world.filer_a.password,
                                       "csrf_token": token}).status_code == 302
    page = text(client.get("/returns?month=2016-11", headers=EN))
    data = _form(page, {world.smelter_a.id: ("300,000", "20,000")})
    token = re.search(r'<form method="post" action="/returns[^>]*>\s*<input id="csrf_token" name="csrf_token" '
                      r'type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/returns?month=2016-11", data=data).status_code == 400
    assert _returns(app) == []
    assert client.post("/returns?month=2016-11", data={**data, "csrf_token": token}).status_code == 302
    assert len(_returns(app)) == 1
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_navigation_and_the_to_do_panel_link_to_the_returns_page(story, world):
    client = _client(story, world.filer_a)
    dashboard = text(client.get("/", headers=EN))
    assert 'href="/returns"' in dashboard and "Monthly returns" in dashboard
    assert 'href="/returns?month=2016-01"' in dashboard  # the oldest overdue return comes first
    page = text(client.get("/returns", headers=EN))
    assert re.search(r'href="/returns" aria-current="page"', page)
    assert 'rel="prev"' in page and 'href="/returns?month=2016-12" rel="next"' in page
    assert 'rel="next"' not in text(client.get("/returns?month=2016-12", headers=EN))  # no month that has not begun
    staff = text(_client(story, world.auditor).get("/", headers=EN))
    assert 'href="/returns"' in staff
