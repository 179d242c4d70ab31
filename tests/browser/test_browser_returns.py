"""A clerk's month in Chromium, in Chinese: file two smelters' returns, correct one, see revision 2 and lateness.

June 2020 is a month no other browser test reads (the to-do list looks back
twelve months from the real today), and its returns are long overdue, so
every one filed here is late.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser

MONTH = "2020-06"
GONGYI, JIAOZUO = "巩义电解铝厂", "焦作电解铝厂"


def _shots(page, name: str) -> None:
    """The page at desktop width and at a phone's (390 px), then back to desktop."""
    shot(page, f"returns-{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, f"returns-{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def _row(page, smelter: str):
    return page.locator("table.returns-form tbody tr", has_text=smelter)


def test_a_filer_files_corrects_and_sees_the_late_flag_in_chinese(page):
    sign_in(page, "filer", "中文")
    page.locator("nav.main-nav a[href='/returns']").click()
    expect(page).to_have_url(re.compile(r"/returns$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(_row(page, GONGYI)).to_be_visible()
    _shots(page, "1-this-month")

    page.locator("#month").fill(MONTH)
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/returns\?month={MONTH}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2020年6月")
    gongyi, jiaozuo = _row(page, GONGYI), _row(page, JIAOZUO)
    expect(gongyi.locator("input[name$=operating_tpa]")).not_to_have_value("")  # the approved position
    expect(gongyi.locator("input[name$=production_t]")).to_have_value("")

    # One figure only on the second row: nothing is filed, the message stands beside the field.
    gongyi.locator("input[name$=production_t]").fill("30,100")
    jiaozuo.locator("input[name$=operating_tpa]").fill("150,000")
    jiaozuo.locator("input[name$=production_t]").fill("")
    page.locator("form[method=post] button[type=submit].btn-primary").click()
    jiaozuo = _row(page, JIAOZUO)
    expect(jiaozuo.locator("input[name$=production_t]")).to_have_attribute("aria-invalid", "true")
    expect(jiaozuo.locator(".errors")).to_be_visible()
    expect(page.locator(".badge-filed")).to_have_count(0)
    expect(_row(page, GONGYI).locator("input[name$=production_t]")).to_have_value("30,100")  # kept as typed
    _shots(page, "2-error")

    jiaozuo.locator("input[name$=production_t]").fill("11,800")
    page.locator("form[method=post] button[type=submit].btn-primary").click()
    expect(page.locator(".flash-info")).to_be_visible()
    for smelter in (GONGYI, JIAOZUO):
        expect(_row(page, smelter).locator(".badge-filed")).to_be_visible()
        expect(_row(page, smelter).locator(".badge-late")).to_be_visible()  # June 2020 was due in July 2020
    _shots(page, "3-filed")

    # A correction: only the changed row is filed again, as revision 2.
    _row(page, JIAOZUO).locator("input[name$=production_t]").fill("11,650")
    page.locator("form[method=post] button[type=submit].btn-primary").click()
    expect(_row(page, JIAOZUO).locator(".revision")).to_contain_text("2")
    expect(_row(page, JIAOZUO).locator("input[name$=production_t]")).to_have_value("11,650")
    expect(_row(page, GONGYI).locator(".revision")).to_have_count(0)
    _shots(page, "4-corrected")

    _row(page, JIAOZUO).locator("a[href*='/returns/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(JIAOZUO)
    revisions = page.locator("table.revisions tbody tr")
    expect(revisions).to_have_count(2)
    expect(revisions.nth(0).locator("th")).to_contain_text("2")
    expect(revisions.nth(0)).to_contain_text("11,650")
    expect(revisions.nth(1)).to_contain_text("11,800")
    expect(revisions.nth(0).locator(".badge-late")).to_be_visible()
    expect(revisions.nth(0)).to_contain_text("filer@zhongyuan.example")
    _shots(page, "5-history")
    assert [error for error in page.console_errors if "422" not in error] == []  # the refused post is a 422


def test_staff_see_who_filed_and_who_is_missing(page):
    """November 2016 in the demo: every smelter filed but one (its return is long overdue)."""
    sign_in(page, "reviewer", "中文")
    page.goto("/returns?month=2016-11")
    expect(page.locator("#count-missing")).to_have_text("1")
    expect(page.locator("tbody .badge-missing")).to_have_count(1)
    filed = int(page.locator("#count-filed").inner_text().replace(",", ""))
    assert filed == int(page.locator("#count-smelters").inner_text().replace(",", "")) - 1
    _shots(page, "6-staff")
    page.locator("#enterprise_id").select_option(index=1)
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"enterprise_id=\d+"))
    rows = page.locator("tbody tr")
    assert rows.count() < filed + 1
