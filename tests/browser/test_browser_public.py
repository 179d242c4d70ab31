"""The public figures page in Chromium, signed out, in English and Chinese, on a wide and a narrow screen."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from registry.demo import ENTERPRISES, SMELTERS
from tests.browser.conftest import switch_language

pytestmark = pytest.mark.browser

SHOTS = Path(tempfile.gettempdir()) / "shots"  # /tmp/shots
MONTH = "2016-11"
NAMES = [e[1] for e in ENTERPRISES] + [e[2] for e in ENTERPRISES] + [s[1] for s in SMELTERS]


def _shots(page, name: str) -> None:
    """Full-page screenshots at 1280 and 390 px; the narrow one must not scroll sideways."""
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"public_{name}_{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, (name, width, overflow)
    page.set_viewport_size({"width": 1280, "height": 900})


def _chart_loaded(page) -> None:
    chart = page.locator("figure.chart img")
    expect(chart).to_be_visible()
    assert page.evaluate("document.querySelector('figure.chart img').naturalWidth") > 0


def test_the_sign_in_page_leads_to_the_public_figures_without_signing_in(page):
    page.goto("/login")
    page.get_by_role("link", name=re.compile("Public figures")).click()
    expect(page).to_have_url(re.compile(r"/public$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("public figures")


def test_the_page_in_english(page):
    page.goto(f"/public/{MONTH}")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"public figures · Nov 2016"))
    expect(page.get_by_role("heading", name="National totals")).to_be_visible()
    expect(page.get_by_role("heading", name="National caps")).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("全国电解铝建成产能上限"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("The pipeline"))).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("All provinces"))).to_be_visible()  # each has 1 or 2 members
    expect(page.locator(".row-withheld").first).to_be_visible()  # the demo's provinces have one or two members
    _chart_loaded(page)
    body = page.locator("body").inner_text()
    assert not [name for name in NAMES if name in body]
    _shots(page, "en")
    assert page.console_errors == []


def test_the_page_in_chinese(page):
    page.goto(f"/public/{MONTH}")
    switch_language(page, "中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_url(re.compile(rf"/public/{MONTH}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2016年11月")
    expect(page.get_by_role("rowheader", name=re.compile("^河南省"))).to_be_visible()
    _chart_loaded(page)
    body = page.locator("body").inner_text()
    assert not [name for name in NAMES if name in body]
    _shots(page, "zh")
    assert page.console_errors == []
