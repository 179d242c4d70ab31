"""The filings list downloaded from the page in Chromium, in English and Chinese, and opened with openpyxl:
the list's filter applies, codes are labels, months are dates, totals are formulas, the table filters."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, switch_language
from tests.test_exports_filings import ENGLISH_WORD, HEADER

pytestmark = pytest.mark.browser


def _download(page, tmp_path, name: str, link: str) -> openpyxl.Workbook:
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    path = tmp_path / name
    download.value.save_as(path)
    return openpyxl.load_workbook(path)


def _check(book: openpyxl.Workbook, kind_label: str, month_header: str, capacity_header: str) -> None:
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(min_row=HEADER, values_only=True))
    header, data, total = list(rows[0]), rows[1:-1], rows[-1]
    assert data, "the filtered list is not empty"
    kind_header, kind = kind_label
    assert {row[header.index(kind_header)] for row in data} == {kind}  # the page's filter, as a label
    month = sheet.cell(row=HEADER + 1, column=header.index(month_header) + 1)
    assert isinstance(month.value, dt.datetime) and month.value.day == 1
    capacity = header.index(capacity_header) + 1
    assert str(sheet.cell(row=HEADER + len(data) + 1, column=capacity).value).startswith("=SUM(")
    assert total is not None
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith(f"A{HEADER}:")
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1


def test_the_filtered_filings_list_downloads_as_a_workbook_in_both_languages(page, tmp_path):
    sign_in(page, "reviewer")
    page.goto("/filings?kind=restart")
    expect(page.locator("#result-count")).to_be_visible()
    book = _download(page, tmp_path, "en.xlsx", "Download Excel")
    _check(book, ("Kind", "Restart"), "Effective month", "Capacity (t/a)")

    switch_language(page, "中文")
    page.goto("/filings?kind=restart")
    book = _download(page, tmp_path, "zh.xlsx", "下载 Excel")
    _check(book, ("类型", "复产"), "生效月份", "产能（吨/年）")
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[HEADER]]
    labelled = [header.index(name) for name in ("类型", "状态", "省份")]
    texts = [sheet.title, *[str(v) for v in header if v], *[str(row[i]) for row in sheet.iter_rows(
        min_row=HEADER + 1, values_only=True) for i in labelled if row[i]]]
    assert not [t for t in texts if ENGLISH_WORD.search(t)]  # the demo's notes are the members' own words
    switch_language(page, "English")
