"""The demo as ``make run`` serves it (2016-12-15, the surge threshold scaled): the story reads on the dashboard."""

from __future__ import annotations

import re

import pytest

from registry import create_app
from registry.demo import load_demo
from registry.extensions import db
from tests.web_helpers import text

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def demo(database_url, app):
    """The demo data on the demo's clock (``app`` empties the tables first)."""
    story = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "REGISTRY_TODAY": "2016-12-15",
                                   "SURGE_THRESHOLD_TPA": 500_000})
    with story.app_context():
        load_demo()
        db.session.commit()
    yield story
    with story.app_context():
        db.session.remove()
        db.engine.dispose()


def _signed_in(app, email: str, password: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    return client


def test_the_dashboard_tells_the_surge_and_the_refusal_without_a_click(demo):
    page = text(_signed_in(demo, "reviewer@registry.example", "anode-demo-2016").get("/", headers=ZH))
    assert "截至2016年12月" in page
    surge = re.search(r'id="last-surge">(.*?)</span>\s*</div>', page, re.S).group(1)
    assert "集中投产预警" in surge and "2016年11月" in surge  # November's restarts passed the threshold
    refusals = re.search(r'id="refusals".*?</section>', page, re.S).group(0)
    assert "超出总量控制" in refusals and "2016年12月" in refusals  # the CNIA cap refused a December restart


def test_the_clerk_sees_last_months_returns_and_the_story_in_chinese(demo):
    client = _signed_in(demo, "filer@zhongyuan.example", "cathode-demo-2016")
    page = text(client.get("/returns?month=2016-11", headers=ZH))
    assert "2016年11月" in page and "已报" in page
    filing = text(client.get("/filings?kind=restart", headers=ZH))
    assert "巩义电解铝厂" in filing and "Restart potline" not in filing


def test_returns_run_through_the_last_closed_month_with_one_late_and_one_missing(demo):
    client = _signed_in(demo, "reviewer@registry.example", "anode-demo-2016")
    page = text(client.get("/returns?month=2016-11", headers=ZH))
    assert page.count('class="badge badge-late"') == 1 and page.count('class="badge badge-missing"') == 1
