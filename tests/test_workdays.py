"""Working days on the State Council's arrangement, from the registry's table: holidays, make-up days, missing years."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.workdays import services
from registry.workdays.models import CalendarYear
from tests.scratch import run_cli

D = dt.date


@pytest.mark.parametrize(("published", "ends"), [
    (D(2016, 9, 26), D(2016, 10, 12)),  # National Day week, make-up Saturday and Sunday 8-9 October
    (D(2017, 1, 20), D(2017, 2, 7)),  # Spring Festival, make-up Sunday 22 January and Saturday 4 February
    (D(2016, 10, 1), D(2016, 10, 19)),  # published on a holiday: the count starts on Saturday 8th, a make-up day
    (D(2016, 12, 26), D(2017, 1, 9)),  # across a year end; Monday 2 January is New Year's Day's holiday
])
def test_a_notice_ends_on_its_tenth_working_day(app, published, ends):
    with app.app_context():
        assert services.nth_working_day(published) == ends


def test_a_year_the_calendar_does_not_hold_is_refused_not_guessed(app):
    with app.app_context():
        db.session.execute(sa.delete(CalendarYear).where(CalendarYear.year == 2017))
        with pytest.raises(services.CalendarYearMissing) as refused:
            services.nth_working_day(D(2016, 12, 26))
        assert refused.value.figures == {"year": 2017} and refused.value.status == 409
        assert services.nth_working_day(D(2016, 9, 26)) == D(2016, 10, 12)  # 2016 alone still counts
        db.session.rollback()


def test_the_api_lists_working_days_with_the_make_up_weekend(api_as, world):
    response = api_as(world.filer_a).get("/api/v1/calendar/working-days?from=2016-09-30&to=2016-10-10")
    assert response.status_code == 200
    assert response.get_json() == ["2016-09-30", "2016-10-08", "2016-10-09", "2016-10-10"]


@pytest.mark.parametrize(("query", "field"), [
    ("from=2016-10-10&to=2016-10-01", "to"),
    ("from=2016-01-01&to=2019-01-01", "to"),
    ("from=2016-13-01&to=2016-12-01", "from"),
    ("to=2016-12-01", "from"),
])
def test_a_bad_range_is_422_naming_the_field(api_as, world, query, field):
    response = api_as(world.filer_a).get(f"/api/v1/calendar/working-days?{query}")
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_a_missing_year_is_a_clear_409(api_as, world):
    response = api_as(world.filer_a).get("/api/v1/calendar/working-days?from=2099-01-01&to=2099-01-31",
                                         headers={"Accept-Language": "zh-CN"})
    body = response.get_json()
    assert response.status_code == 409 and body["code"] == "calendar_year_missing" and body["year"] == 2099
    assert "2099" in body["detail"] and "管理员" in body["detail"]


def test_an_admin_adds_next_years_arrangement_and_it_counts(api_as, world):
    arrangement = {"holidays": ["2099-01-01", "2099-01-02"], "workdays": ["2099-01-04"],
                   "source": "国务院办公厅关于2099年部分节假日安排的通知"}
    assert api_as(world.reviewer).put("/api/v1/calendar/2099", json=arrangement).status_code == 403
    response = api_as(world.admin).put("/api/v1/calendar/2099", json=arrangement)
    assert response.status_code == 200 and response.get_json()["workdays"] == ["2099-01-04"]
    days = api_as(world.filer_a).get("/api/v1/calendar/working-days?from=2099-01-01&to=2099-01-05").get_json()
    assert days == ["2099-01-04", "2099-01-05"]  # Thu, Fri off; Sunday 4th worked; Monday 5th
    events = api_as(world.admin).get("/api/v1/audit-events?entity_type=calendar_year").get_json()
    assert [(e["entity_id"], e["action"]) for e in events] == [(2099, "create")]


@pytest.mark.parametrize(("arrangement", "field"), [
    ({"holidays": ["2098-01-01"], "workdays": []}, "holidays"),  # another year
    ({"holidays": ["2099-01-03"], "workdays": []}, "holidays"),  # a Saturday as a holiday
    ({"holidays": [], "workdays": ["2099-01-05"]}, "workdays"),  # a Monday as a make-up day
    ({"holidays": ["2099-13-01"], "workdays": []}, "holidays"),
])
def test_an_impossible_arrangement_is_422_and_writes_nothing(api_as, world, arrangement, field):
    response = api_as(world.admin).put("/api/v1/calendar/2099", json={**arrangement, "source": "通知"})
    errors = response.get_json()["errors"]
    assert response.status_code == 422 and any(name.split(".")[0] == field for name in errors), errors
    assert api_as(world.admin).get("/api/v1/calendar/2099").status_code == 404


def test_the_command_loads_a_year_from_the_package(app):
    with app.app_context():
        db.session.execute(sa.delete(CalendarYear).where(CalendarYear.year == 2017))
        db.session.commit()
    result = run_cli(app, "calendar", "load", "2017")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert services.nth_working_day(D(2017, 1, 20)) == D(2017, 2, 7)
    assert run_cli(app, "calendar", "load", "2099").exit_code == 1
