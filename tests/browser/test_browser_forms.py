"""Forms in Chromium: the error summary takes the focus, its links focus their fields; loose input is accepted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")  # noqa: S108 - where the reviewers look at the screenshots
SUBMIT = "form.card button[type=submit].btn-primary"


def _fill(page, capacity: str, month: str) -> None:
    page.locator("#smelter_id").select_option(label="巩义电解铝厂")
    page.locator("#kind").select_option(value="restart")
    page.locator("#capacity_tpa").fill(capacity)
    page.locator("#effective_month").fill(month)
    page.locator(SUBMIT).click()


@pytest.mark.parametrize(("language", "heading"), [("English", "There is a problem"), ("中文", None)])
def test_the_error_summary_links_to_the_fields_and_loose_input_is_accepted(page, language, heading):
    SHOTS.mkdir(exist_ok=True)
    sign_in(page, "filer", language)
    page.goto("/filings/new")
    _fill(page, "lots", "")
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # read out first by a screen reader
    expect(summary).to_have_attribute("role", "alert")
    if heading:
        expect(summary.get_by_role("heading")).to_have_text(heading)
    links = summary.locator("a")
    expect(links).to_have_count(2)
    expect(summary.locator("a[href='#capacity_tpa']")).to_contain_text("10万")  # the message says what works
    page.screenshot(path=str(SHOTS / f"forms_{'en' if heading else 'zh'}_1280.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    summary.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"forms_{'en' if heading else 'zh'}_390.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    summary.locator("a[href='#effective_month']").click()
    expect(page.locator("#effective_month")).to_be_focused()
    summary.locator("a[href='#capacity_tpa']").click()
    expect(page.locator("#capacity_tpa")).to_be_focused()
    expect(page.locator("#capacity_tpa")).to_have_value("lots")  # what was typed is kept

    page.locator("#capacity_tpa").fill("10万")
    page.locator("#effective_month").fill("2027年1月")
    page.locator(SUBMIT).click()
    expect(page).to_have_url(re.compile(r"/filings/\d+$"))
    expect(page.locator("main")).to_contain_text("2027")
    assert not [e for e in page.console_errors if "422" not in e]  # the 422 is the form coming back
