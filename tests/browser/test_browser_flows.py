"""The main flows in Chromium: sign-in, filing, review, refusal, Chinese, sign-out.

Runs on the demo data set (registry.demo) behind a live server; see
conftest.py for why on SQLite only.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO, shot, sign_in, switch_language

pytestmark = pytest.mark.browser


def test_anonymous_visit_to_a_protected_page_asks_to_sign_in(page):
    page.goto("/filings")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Ffilings"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_wrong_password_is_refused_with_a_message_beside_the_field(page):
    page.goto("/login")
    page.get_by_label("E-mail").fill(DEMO["filer"][0])
    page.get_by_label("Password").fill("not-the-password")
    page.locator("form button[type=submit].btn-primary").click()
    expect(page.locator("#password-err")).to_have_text("Wrong e-mail or password.")
    expect(page.get_by_label("E-mail")).to_have_value(DEMO["filer"][0])
    expect(page).to_have_url(re.compile(r"/login$"))


def test_sign_in_lands_on_the_filers_dashboard(page):
    sign_in(page, "filer")
    expect(page.get_by_role("heading", level=1)).to_have_text("中原铝业股份有限公司")
    expect(page.get_by_role("heading", name=re.compile("Your smelters"))).to_be_visible()
    expect(page.get_by_role("rowheader", name="巩义电解铝厂")).to_be_visible()


def _new_filing(page, smelter: str, kind: str, capacity: str, month: str, notes: str = "") -> None:
    page.goto("/filings/new")
    page.get_by_label("Smelter").select_option(label=smelter)
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Capacity (t/a)").fill(capacity)
    page.get_by_label("Effective month").fill(month)
    if notes:
        page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name="Save draft").click()


def test_filer_corrects_a_bad_value_then_submits(page):
    sign_in(page, "filer")
    _new_filing(page, "巩义电解铝厂", "Restart", "0", "2017-02", "Restart of potline 3.")
    field = page.get_by_label("Capacity (t/a)")
    expect(page.locator("#capacity_tpa-err")).to_contain_text("Must be between 1 and 10,000,000.")
    expect(field).to_have_attribute("aria-invalid", "true")
    # What the user typed is kept.
    expect(page.get_by_label("Notes")).to_have_value("Restart of potline 3.")
    expect(page.get_by_label("Effective month")).to_have_value("2017-02")
    field.fill("50,000")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft")
    expect(page.locator(".flash-info")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".flash-info")).to_have_text("Filing submitted for review.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted")
    expect(page.get_by_role("button", name="Withdraw")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)


def test_reviewer_approves_from_the_queue(page):
    sign_in(page, "filer")
    _new_filing(page, "焦作电解铝厂", "Restart", "60000", "2017-08")
    page.get_by_role("button", name="Submit").click()
    filing_id = re.search(r"/filings/(\d+)", page.url).group(1)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".flash-info")).to_have_text("You have signed out.")

    sign_in(page, "reviewer")
    page.get_by_role("link", name="Review queue").click()
    card = page.locator(f"#filing-{filing_id}")
    expect(card).to_contain_text("焦作电解铝厂")
    expect(card.locator("table.preview")).to_contain_text("行业自律：月度新增与复产")
    card.locator("details.queue-more > summary").click()  # the preview and the buttons are folded
    card.get_by_role("button", name="Approve").click()
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.locator(".flash-info")).to_have_text("Filing approved.")
    expect(page.locator(f"#filing-{filing_id}")).to_have_count(0)
    page.goto(f"/filings/{filing_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approved")
    expect(page.locator(".timeline")).to_contain_text("reviewer@registry.example")


def test_refused_approval_shows_the_rule_and_figures(page):
    sign_in(page, "filer")
    _new_filing(page, "巩义电解铝厂", "New capacity", "700000", "2017-05", "Second potline, 500 kA.")
    page.get_by_role("button", name="Submit").click()
    filing_id = re.search(r"/filings/(\d+)", page.url).group(1)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "reviewer")
    page.goto("/review")
    card = page.locator(f"#filing-{filing_id}")
    expect(card.locator("tr.refused")).to_contain_text("Would be refused: 550,000 t/a over")
    card.locator("details.queue-more > summary").click()
    card.get_by_role("button", name="Approve").click()
    refusal = page.locator(".refusal")
    expect(refusal).to_contain_text("Approval refused: Cap exceeded")
    expect(refusal).to_contain_text("行业自律：月度新增与复产")
    expect(refusal).to_contain_text("May 2017")
    expect(refusal.locator(".fig-resulting_tpa")).to_contain_text("700,000")
    expect(refusal.locator(".fig-limit_tpa")).to_contain_text("150,000")
    expect(refusal.locator(".fig-excess_tpa")).to_contain_text("550,000")
    # Nothing changed, and the refusal is in the history.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted")
    expect(page.locator(".timeline")).to_contain_text("Approval refused")
    shot(page, "en-reviewer-refused-approval")
    switch_language(page, "中文")
    page.goto(f"/filings/{filing_id}")
    expect(page.locator(".timeline")).to_contain_text("不予批准")


def test_pages_in_chinese(page):
    sign_in(page, "filer", language="中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    nav = page.get_by_role("navigation", name="主导航")
    for label in ("概览", "备案", "电解铝厂", "总量控制", "公开数据", "产能置换指标"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(nav.get_by_role("link", name="月度汇总")).to_have_count(0)  # staff's: a filer would get 403
    expect(page.locator("body")).to_contain_text("万吨/年")
    page.goto("/filings")
    expect(page.locator("table")).to_contain_text("已批准")
    expect(page.locator("table")).to_contain_text("复产")
    page.goto("/filings/new")
    page.get_by_label("产能（吨/年）").fill("abc")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#smelter_id-err")).to_contain_text("请选择电解铝厂")
    expect(page.get_by_label("产能（吨/年）")).to_have_value("abc")
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    switch_language(page, "English")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_logout_ends_the_session(page):
    sign_in(page, "reviewer")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/review")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert not [c for c in page.context.cookies() if c["name"] == "remember_token"]


def test_filer_on_an_admin_page_sees_a_translated_403(page):
    sign_in(page, "filer", language="中文")
    response = page.goto("/admin/users")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("您无权访问此页面")
    switch_language(page, "English")


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".flash-info")).to_have_text("You have signed out.")


def _approve(page, filing_id: str) -> None:
    page.goto(f"/filings/{filing_id}")
    page.get_by_role("button", name="Approve").click()


def _record(page, filing_id: str, opener: str, fields: dict[str, str]) -> None:
    """On the filing page, open one proof form (notice, announcement, dismantling), fill it and record it."""
    page.goto(f"/filings/{filing_id}")
    details = page.locator("#proof details", has=page.get_by_text(opener))
    details.locator("summary").click()
    for label, value in fields.items():
        details.get_by_label(label).fill(value)
    details.get_by_role("button", name="Record").click()
    expect(page.locator(".flash-info")).to_be_visible()


def _publish_and_announce(page, filing_id: str) -> None:
    """The filer records the plan's public notice (ending 2016-10-12) and its announcement the day after."""
    _record(page, filing_id, "Record the public notice…", {
        "Published by": "河南省工业和信息化厅", "Published on": "2016-09-26",
        "Address of the notice (URL)": "https://gxt.henan.gov.cn/notice/2016-09-26"})
    expect(page.locator("#proof")).to_contain_text("Oct 12, 2016")
    _record(page, filing_id, "Record the announcement…",
            {"Announced on": "2016-10-13", "Document number": "豫工信〔2016〕88号"})
    expect(page.locator("#proof .badge.notice-announced")).to_have_text("Announced")


def _new_capacity_with_cover(page, capacity: str, month: str, tonnes: str) -> str:
    """A new-capacity filing at 巩义 naming the closure's indicator for ``tonnes``; submitted; its id."""
    page.goto("/filings/new")
    page.get_by_label("Smelter").select_option(label="巩义电解铝厂")
    page.get_by_label("Kind").select_option(label="New capacity")
    page.get_by_label("Capacity (t/a)").fill(capacity)
    page.get_by_label("Effective month").fill(month)
    indicator = page.get_by_label("Indicator (row 1)")
    option = indicator.locator("option", has_text="巩义电解铝厂").first
    indicator.select_option(value=option.get_attribute("value"))
    page.get_by_label("Tonnes used, t/a (row 1)").fill(tonnes)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flash-info")).to_contain_text("Draft saved")
    expect(page.locator("#replacement-cover")).to_contain_text(tonnes)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted")
    return re.search(r"/filings/(\d+)", page.url).group(1)


def test_new_capacity_with_replacement_cover_approved_then_one_refused_for_short_cover(page):
    # A closure at 巩义 creates an indicator of 80,000 t/a for 中原铝业.
    sign_in(page, "filer")
    _new_filing(page, "巩义电解铝厂", "Closure", "80,000", "2017-08", "Retire the oldest series.")
    page.get_by_role("button", name="Submit").click()
    closure_id = re.search(r"/filings/(\d+)", page.url).group(1)
    _sign_out(page)
    sign_in(page, "reviewer")
    _approve(page, closure_id)
    expect(page.locator(".flash-info")).to_have_text("Filing approved.")
    _sign_out(page)

    # Two new-capacity filings name it: one fully covered, one 40,000 t/a short (Henan, ratio 1.0).
    sign_in(page, "filer")
    page.goto("/filings/new")
    expect(page.get_by_label("Indicator (row 1)")).to_contain_text("80,000 t/a left")
    expect(page.locator("#replacements-hint")).to_contain_text("replacement ratio")
    # More than the indicator has left: the message is beside the rows, what was typed is kept.
    page.get_by_label("Smelter").select_option(label="巩义电解铝厂")
    page.get_by_label("Kind").select_option(label="New capacity")
    page.get_by_label("Capacity (t/a)").fill("60,000")
    page.get_by_label("Effective month").fill("2017-09")
    page.get_by_label("Indicator (row 1)").select_option(index=1)
    page.get_by_label("Tonnes used, t/a (row 1)").fill("90,000")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#replacements-err")).to_contain_text("has 80,000 t/a left, less than the 90,000 t/a named.")
    expect(page.get_by_label("Tonnes used, t/a (row 1)")).to_have_value("90,000")
    expect(page.get_by_label("Indicator (row 1)")).not_to_have_value("")
    shot(page, "en-filer-filing-cover-error")
    covered_id = _new_capacity_with_cover(page, "60,000", "2017-09", "60,000")
    expect(page.locator("#replacement-cover")).to_contain_text("Covered")
    short_id = _new_capacity_with_cover(page, "50,000", "2017-10", "10,000")
    expect(page.locator("#replacement-cover .fig-shortfall_tpa")).to_contain_text("40,000")
    # The proof approval needs: both plans published and announced, the closure's cells dismantled.
    for plan in (covered_id, short_id):
        _publish_and_announce(page, plan)
    _record(page, closure_id, "Record the dismantling…", {"Dismantling completed on": "2017-01-15",
                                                          "Evidence": "县工信局验收意见，现场照片 12 张"})
    expect(page.locator("#proof")).to_contain_text("Awaiting confirmation by staff")
    shot(page, "en-filer-closure-dismantling")
    _sign_out(page)

    sign_in(page, "reviewer")
    page.goto(f"/filings/{closure_id}")
    page.get_by_role("button", name="Confirm the dismantling").click()
    expect(page.locator("#proof")).to_contain_text("Confirmed")
    page.goto(f"/filings/{covered_id}")
    expect(page.locator("#proof")).to_contain_text("Confirmed in time")
    shot(page, "en-reviewer-plan-proof")
    page.goto("/review")
    card = page.locator(f"#filing-{covered_id}")
    expect(card.locator("details.cover summary")).to_contain_text("60,000")
    card.locator("details.queue-more > summary").click()
    card.get_by_role("button", name="Approve").click()
    expect(page.locator(".flash-info")).to_have_text("Filing approved.")
    page.goto(f"/filings/{covered_id}")
    expect(page.locator("#replacement-cover")).to_contain_text("Consumed on approval")

    page.goto("/review")
    page.locator(f"#filing-{short_id} details.queue-more > summary").click()
    page.locator(f"#filing-{short_id}").get_by_role("button", name="Approve").click()
    refusal = page.locator(".refusal")
    expect(refusal.get_by_role("heading")).to_have_text("Approval refused: Not enough replacement indicators")
    expect(refusal).to_contain_text("the filing offers 10,000 t/a, 40,000 t/a short.")
    expect(refusal.locator(".fig-required_tpa")).to_contain_text("50,000")
    expect(refusal.locator(".fig-offered_tpa")).to_contain_text("10,000")
    expect(refusal.locator(".fig-shortfall_tpa")).to_contain_text("40,000")
    expect(refusal.locator(".fig-ratio")).to_contain_text("1.00 · Henan")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted")
    shot(page, "en-reviewer-refused-cover")
    switch_language(page, "中文")
    page.goto("/review")
    page.locator(f"#filing-{short_id} details.queue-more > summary").click()
    page.locator(f"#filing-{short_id}").get_by_role("button", name="批准").click()
    refusal = page.locator(".refusal")
    expect(refusal.get_by_role("heading")).to_contain_text("产能置换指标不足")
    expect(refusal).to_contain_text("本备案提供 1万吨/年，缺口 4万吨/年。")
    expect(refusal.locator(".fig-ratio")).to_contain_text("河南")
    shot(page, "zh-reviewer-refused-cover")
    switch_language(page, "English")
