"""REGISTRY_TODAY: the registry's today, read by every "this month" and due date."""

from __future__ import annotations

import datetime as dt

import pytest

from registry import create_app, months
from registry.clock import BEIJING, today


def _app(database_url, value):
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "REGISTRY_TODAY": value})


def test_unset_means_today_in_beijing(app):
    with app.app_context():
        assert today() == dt.datetime.now(BEIJING).date()
        assert months.current() == months.of(dt.datetime.now(BEIJING))


def test_a_set_date_is_this_month_everywhere(database_url, factory, world):
    app = _app(database_url, "2016-12-15")
    with app.app_context():
        assert (today(), months.current()) == (dt.date(2016, 12, 15), "2016-12")
    client = app.test_client()
    token = factory.token(world.admin)
    headers = {"Authorization": f"Bearer {token}"}
    # November 2016 has ended in the story: it can be closed; December has not
    assert client.post("/api/v1/summaries/2016-12/close", headers=headers).status_code == 422
    assert client.post("/api/v1/summaries/2016-11/close", headers=headers).status_code == 201
    # returns of the future are refused against the story's month
    body = {"smelter_id": world.smelter_a.id, "month": "2017-01", "operating_tpa": 1, "production_t": 1}
    filer = {"Authorization": f"Bearer {factory.token(world.filer_a)}"}
    assert client.post("/api/v1/monthly-returns", json=body, headers=filer).status_code == 422


@pytest.mark.parametrize("value", ["2016-13-01", "20161215", "2016-12-1", "yesterday", "２０１６-１２-１５"])
def test_a_bad_date_stops_the_app_with_the_setting_named(database_url, value):
    with pytest.raises(RuntimeError, match="REGISTRY_TODAY must be a date YYYY-MM-DD"):
        _app(database_url, value)
