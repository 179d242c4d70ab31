"""Every main page in both languages: it renders, breaks no CSP rule, and is saved as a screenshot.

The screenshots go to tests/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser

LANGUAGES = {"en": "English", "zh": "中文"}

FILER_PAGES = {
    "filer-dashboard": "/",
    "filer-filings": "/filings",
    "filer-filing-new": "/filings/new",
    "filer-smelter": "/smelters/1",
    "filer-caps": "/caps",
    "filer-account": "/account",
    "filer-indicators": "/indicators",
}
STAFF_PAGES = {
    "staff-dashboard": "/",
    "staff-review": "/review",
    "staff-filings": "/filings?status=submitted",
    "staff-filing-detail": "/filings/3",
    "staff-smelters": "/smelters",
    "staff-caps": "/caps",
    "admin-home": "/admin/",
    "admin-users": "/admin/users",
    "admin-enterprise-new": "/admin/enterprises/new",
    "admin-cap-edit": "/admin/caps/2",
    "staff-summary": "/summaries/2016-12",
    "staff-indicators": "/indicators",
    "staff-indicator-lineage": "/indicators/4",
    "not-found": "/filings/999999",
}


def _visit_all(page, lang: str, pages: dict[str, str]) -> None:
    for name, path in pages.items():
        response = page.goto(path)
        expected = 404 if name == "not-found" else 200
        assert response.status == expected, f"{path}: {response.status}"
        expect(page.locator("h1").first).to_be_visible()
        for image in page.locator("img").all():  # charts are served and drawn
            assert image.evaluate("img => img.complete && img.naturalWidth > 0"), f"{path}: broken image"
        shot(page, f"{lang}-{name}")
    # CSP violations and script errors show here; the 404 and 422 pages' own status lines do not count.
    problems = [e for e in page.console_errors if not e.startswith("Failed to load resource")]
    assert problems == [], problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_screenshots_of_every_main_page(page, lang):
    page.goto("/login")
    if lang == "zh":
        page.locator(".lang button", has_text="中文").click()
        page.wait_for_load_state()
    shot(page, f"{lang}-login")
    sign_in(page, "filer", language=LANGUAGES[lang])
    _visit_all(page, lang, FILER_PAGES)
    page.goto("/filings/new")
    page.locator("#capacity_tpa").fill("12,000,000")
    page.locator("#effective_month").fill("2016-13")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("#capacity_tpa-err")).to_be_visible()
    shot(page, f"{lang}-filer-filing-errors")
    page.locator(".who button[type=submit]").click()

    sign_in(page, "admin", language=LANGUAGES[lang])
    _visit_all(page, lang, STAFF_PAGES)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/review")
    shot(page, f"{lang}-mobile-review")
    page.set_viewport_size({"width": 1280, "height": 900})
    if lang == "zh":
        page.locator(".lang button", has_text="English").click()  # leave the demo admin in English
        page.wait_for_load_state()
