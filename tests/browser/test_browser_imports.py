"""Importing from Excel in Chromium: the template, a file with a bad row, the fix, 50 filings imported.

As filer@lubei.example, whose smelters the other browser tests do not count on.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from registry.extensions import db
from registry.filings.models import Filing
from registry.members.models import Enterprise, Smelter
from tests.browser.conftest import shot, sign_in, switch_language

pytestmark = pytest.mark.browser
SMELTER = "滨州二期电解铝厂"


def _lubei_filings(app) -> int:
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(Filing).join(Smelter, Smelter.id == Filing.smelter_id)
            .join(Enterprise, Enterprise.id == Smelter.enterprise_id)
            .where(Enterprise.name == "鲁北铝电集团有限公司"))
        db.session.remove()
        return count


def _download_template(page) -> openpyxl.Workbook:
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Filings template|备案模板")).click()
    assert download.value.suggested_filename == "filings.xlsx"
    return openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))


def _filled(book: openpyxl.Workbook, path, bad_row: bool) -> str:
    sheet = book.worksheets[0]
    for n in range(50):
        kind = "复产 Restart" if n % 2 else "减产 Curtailment"
        sheet.append([SMELTER, kind, 1_000 + n, "2017-05", f"Import test {n + 1}"])
    if bad_row:
        sheet.cell(30, 3, -500)  # row 30: a negative capacity
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return str(path)


def _upload(page, file_path: str) -> None:
    page.locator("#import-upload input[type=file]").set_input_files(file_path)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/imports")) as posted:
        page.locator("#import-upload button[type=submit]").click()
    # The page's script sent it (and showed the progress): the answer is where to go, as JSON.
    assert posted.value.headers["content-type"].startswith("application/json")
    page.wait_for_url(re.compile(r"/imports/[A-Za-z0-9_-]{32}$"))


def test_filer_imports_50_filings_after_fixing_a_bad_row(page, live_app, tmp_path):
    sign_in(page, "filer_lubei")
    before = _lubei_filings(live_app)
    page.goto("/filings")
    page.get_by_role("link", name="Import from Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import from Excel")
    shot(page, "imports-upload-1280-en")

    book = _download_template(page)
    listed = {row[0] for row in book["选项 Lists"].iter_rows(min_row=2, max_col=1, values_only=True) if row[0]}
    assert listed == {"滨州一期电解铝厂", SMELTER}  # Lubei's own smelters only
    bad = _filled(book, tmp_path / "bad.xlsx", bad_row=True)
    _upload(page, bad)
    expect(page.locator(".import-summary .flash-error")).to_contain_text("1 row has errors")
    row = page.locator("#row-30")
    expect(row).to_have_class(re.compile("row-error"))
    expect(row.locator(".row-check")).to_contain_text("Capacity (t/a): Must be between 1 and 10,000,000.")
    expect(page.locator("#row-31")).to_have_class(re.compile("row-ok"))
    expect(page.get_by_role("button", name=re.compile("Import 50"))).to_have_count(0)
    shot(page, "imports-preview-errors-1280-en")
    assert _lubei_filings(live_app) == before  # nothing written

    good = _filled(_download_template_from(page), tmp_path / "good.xlsx", bad_row=False)
    _upload(page, good)
    expect(page.locator(".import-summary")).to_contain_text("All 50 rows pass every check.")
    expect(page.locator(".import-summary")).to_contain_text("Skipped as the template’s example: row 2.")
    shot(page, "imports-preview-ok-1280-en")
    assert _lubei_filings(live_app) == before
    page.get_by_role("button", name="Import 50 filings").click()
    expect(page).to_have_url(re.compile(r"/filings$"))
    expect(page.locator(".flash-info")).to_have_text("Imported 50 filings as drafts.")
    shot(page, "imports-done-1280-en")
    assert _lubei_filings(live_app) == before + 50
    assert page.console_errors == []


def _download_template_from(page) -> openpyxl.Workbook:
    page.goto("/imports")
    return _download_template(page)


def test_import_pages_in_chinese_on_a_phone(page, live_app, tmp_path):
    sign_in(page, "filer_lubei", language="中文")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/imports")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    shot(page, "imports-upload-390-zh")
    before = _lubei_filings(live_app)
    book = _download_template(page)
    _upload(page, _filled(book, tmp_path / "bad.xlsx", bad_row=True))
    expect(page.locator("#row-30")).to_have_class(re.compile("row-error"))
    expect(page.locator(".import-rows thead")).to_contain_text("产能（吨/年）")
    expect(page.locator("#row-30 .row-check")).to_contain_text("产能（吨/年）: 须在 1 至 10,000,000 之间。")
    shot(page, "imports-preview-errors-390-zh")
    assert _lubei_filings(live_app) == before
    switch_language(page, "English")
    expect(page.locator("#row-30 .row-check")).to_contain_text("Must be between 1 and 10,000,000.")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/imports")
    shot(page, "imports-upload-1280-en-after")
    assert page.console_errors == []
