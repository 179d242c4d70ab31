"""Search, sort and paging in Chromium, in English and Chinese: the filings list and the review queue.

The demo holds too few filings to page, so a module fixture adds a smelter at
陇原铝业 with its own filer and 27 submitted restarts, and withdraws them
afterwards so the queue the other browser tests see is the demo's again. The
smelter's baseline month (2017-01) keeps it out of the returns the other tests
count for 2016-12.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from registry.auth.models import User
from registry.auth.services import create_user
from registry.extensions import db
from registry.filings import workflow
from registry.filings.services import create_filing
from registry.members.models import Enterprise
from registry.members.services import create_smelter
from tests.browser.conftest import sign_in, switch_language

pytestmark = pytest.mark.browser

SHOTS = Path(tempfile.gettempdir()) / "shots"  # /tmp/shots: looked at by a person, never committed
SMELTER = "陇原分页测试铝厂"
COUNT = 27  # more than a queue page (20) and a filings page (25)
LANGUAGES = {"en": "English", "zh": "中文"}


@pytest.fixture(scope="module")
def paged_filings(live_app) -> dict[int, int]:
    """Capacity by filing id of COUNT submitted restarts at SMELTER, in an order unlike their ids."""
    with live_app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.role == "admin").order_by(User.id))
        enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "陇原铝业有限公司"))
        filer = create_user("filer-lists@longyuan.example", "filer", "cathode-demo-2016", enterprise=enterprise)
        smelter = create_smelter({"enterprise_id": enterprise.id, "name": SMELTER, "province": "62",
                                  "baseline_month": "2017-01", "baseline_built_tpa": 900_000,
                                  "baseline_operating_tpa": 100_000, "cell_amperage_ka": 400,
                                  "power_source": "grid"}, admin)
        db.session.commit()
        made = {}
        for n in range(COUNT):
            capacity = 1_000 * (1 + (n * 7) % COUNT)  # 1,000 to 27,000 t/a, shuffled
            filing = create_filing({"smelter_id": smelter.id, "kind": "restart", "capacity_tpa": capacity,
                                    "effective_month": "2017-06"}, filer)
            db.session.commit()
            workflow.transition(filing.id, "submit", filer)
            db.session.commit()
            made[filing.id] = capacity
        filer_id = filer.id
        db.session.remove()
    yield made
    with live_app.app_context():
        filer = db.session.get(User, filer_id)
        for filing_id in made:
            workflow.transition(filing_id, "withdraw", filer)
        db.session.commit()
        db.session.remove()


def _shots(page, name: str, list_selector: str) -> None:
    """The page at 1280 and at 390 px wide into /tmp/shots/, then back to 1280; nothing wider than 390."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"lists-{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"lists-{name}-390.png"), full_page=True)
    page.screenshot(path=str(SHOTS / f"lists-{name}-390-top.png"))  # one screen each, to read at full size
    page.locator(list_selector).first.evaluate("el => el.scrollIntoView()")
    page.screenshot(path=str(SHOTS / f"lists-{name}-390-list.png"))
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 390, f"{name}: the page is {width} px wide at 390"


def _queue_ids(page) -> list[int]:
    return [int(i.split("-")[1]) for i in page.locator("article.queue-item").evaluate_all("els => els.map(e => e.id)")]


def _filing_ids(page) -> list[int]:
    cells = page.locator("table tbody tr td:first-child a").all_inner_texts()
    return [int(text.lstrip("#")) for text in cells]


def _by_capacity(made: dict[int, int], descending: bool = False) -> list[int]:
    return sorted(made, key=lambda i: (made[i], i), reverse=descending)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_review_queue_searches_sorts_and_pages(page, paged_filings, lang):
    sign_in(page, "reviewer", LANGUAGES[lang])
    page.goto("/review")
    expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-CN")
    page.locator("#q").fill("分页测试")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/review\?q=%E5%88%86"))
    expect(page.locator("article.queue-item")).to_have_count(20)
    expect(page.locator("#result-count")).to_contain_text(str(COUNT))
    assert _queue_ids(page) == sorted(paged_filings)[:20]  # oldest first

    page.locator(".sort-bar a[data-sort=capacity]").click()
    expect(page.locator(".sort-bar a[data-sort=capacity]")).to_have_attribute("aria-current", "true")
    assert _queue_ids(page) == _by_capacity(paged_filings)[:20]
    page.locator(".sort-bar a[data-sort=capacity]").click()
    expect(page).to_have_url(re.compile(r"sort=-capacity"))
    assert _queue_ids(page) == _by_capacity(paged_filings, descending=True)[:20]

    # Compact: twenty filings fit in far less than the old 4,000 px, preview and buttons folded away.
    card = page.locator("article.queue-item").first
    approve = card.locator("form[action$='/approve'] button")
    expect(approve).to_be_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2_600, height
    _shots(page, f"{lang}-review-queue", ".sort-bar")
    card.locator("details.queue-more > summary").click()
    expect(approve).to_be_visible()
    expect(card.locator("table.preview")).to_be_visible()

    page.locator(".pager a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    assert "q=%E5%88%86" in page.url and "sort=-capacity" in page.url
    expect(page.locator("article.queue-item")).to_have_count(COUNT - 20)
    assert _queue_ids(page) == _by_capacity(paged_filings, descending=True)[20:]
    page.locator(".pager a[rel=prev]").click()
    expect(page.locator("article.queue-item")).to_have_count(20)

    page.goto("/review?sort=number")  # the demo's own filings, with refusals and cover
    card = page.locator("article.queue-item").first
    card.locator("details.queue-more > summary").click()
    expect(card.locator("form[action$='/approve'] button")).to_be_visible()
    page.screenshot(path=str(SHOTS / f"lists-{lang}-review-open-1280.png"))
    if lang == "zh":
        switch_language(page, "English")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_filings_list_searches_sorts_and_pages(page, paged_filings, lang):
    sign_in(page, "reviewer", LANGUAGES[lang])
    page.goto("/filings")
    page.locator("#q").fill(SMELTER)
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.locator("#result-count")).to_contain_text(str(COUNT))
    expect(page.locator("table tbody tr")).to_have_count(25)
    assert _filing_ids(page) == sorted(paged_filings, reverse=True)[:25]  # newest first

    header = page.locator("thead th", has=page.locator("a.sort[href*='sort=capacity']"))
    header.locator("a").click()
    capacity = page.locator("thead th", has=page.locator("a.sort[href*='capacity']"))
    expect(capacity).to_have_attribute("aria-sort", "ascending")
    assert _filing_ids(page) == _by_capacity(paged_filings)[:25]
    capacity.locator("a").click()
    expect(capacity).to_have_attribute("aria-sort", "descending")
    assert _filing_ids(page) == _by_capacity(paged_filings, descending=True)[:25]
    _shots(page, f"{lang}-filings-list", "#result-count")

    page.locator(".pager a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    assert "sort=-capacity" in page.url and "q=" in page.url
    expect(page.locator("table tbody tr")).to_have_count(COUNT - 25)
    assert _filing_ids(page) == _by_capacity(paged_filings, descending=True)[25:]
    expect(page.locator(".pager")).to_contain_text("2")
    if lang == "zh":
        switch_language(page, "English")
