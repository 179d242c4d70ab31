"""Downloads of the filings list and the review queue: what an Excel user checks when opening them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest

from tests.web_helpers import sign_in, text

HEADER = 3  # title, note, then the header row
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def filings(factory, world):
    """Chinese-named smelters (so a Chinese file holds no English at all) and filings of both enterprises."""
    a = factory.smelter(world.ent_a, name="中原铝厂")
    b = factory.smelter(world.ent_b, name="天山铝厂")
    return {
        "a_restart": factory.filing(a, world.filer_a, "restart", 120_000, "2016-11", status="submitted"),
        "a_curtail": factory.filing(a, world.filer_a, "curtailment", 30_000, "2016-12", status="approved"),
        "b_restart": factory.filing(b, world.filer_b, "restart", 50_000, "2017-01", status="submitted"),
    }


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200, text(response)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.data[:2] == b"PK"
    return openpyxl.load_workbook(io.BytesIO(response.data))


def table(sheet) -> tuple[list[str], list[tuple]]:
    """The header and the rows under it (the total row last)."""
    rows = list(sheet.iter_rows(min_row=HEADER, values_only=True))
    return list(rows[0]), rows[1:]


def column(header: list[str], rows: list[tuple], name: str) -> list:
    return [row[header.index(name)] for row in rows]


def english_words(book: openpyxl.Workbook) -> set[str]:
    """Every English word in the cells, sheet names and page headers of a workbook."""
    found = set()
    for sheet in book.worksheets:
        texts = [sheet.title, sheet.oddHeader.center.text or "", sheet.oddFooter.center.text or ""]
        texts += [cell for row in sheet.iter_rows(values_only=True) for cell in row
                  if isinstance(cell, str) and not cell.startswith("=")]
        for value in texts:
            found.update(ENGLISH_WORD.findall(value.replace("&P", "").replace("&N", "")))
    return found


def test_the_filings_workbook_is_ready_to_filter_and_print(client, world, filings):
    sign_in(client, world.reviewer)
    book = workbook(client.get("/filings.xlsx"))
    sheet = book.worksheets[0]
    header, rows = table(sheet)
    assert header[:5] == ["No.", "Enterprise", "Smelter", "Province", "Kind"]
    assert "Capacity (t/a)" in header and "Capacity (10,000 t/a)" not in header  # 万吨 only in Chinese
    data, total = rows[:-1], rows[-1]
    assert sorted(column(header, data, "No.")) == sorted(f.id for f in filings.values())
    assert set(column(header, data, "Kind")) == {"Restart", "Curtailment"}  # labels, not codes
    assert set(column(header, data, "Status")) == {"Submitted", "Approved"}
    assert "Total" in total
    capacity = header.index("Capacity (t/a)") + 1
    letter = openpyxl.utils.get_column_letter(capacity)
    assert sheet.cell(row=HEADER + len(rows), column=capacity).value == f"=SUM({letter}4:{letter}{HEADER + 3})"
    month = sheet.cell(row=HEADER + 1, column=header.index("Effective month") + 1)
    assert isinstance(month.value, dt.datetime) and month.value.day == 1 and "yy" in month.number_format
    submitted = sheet.cell(row=HEADER + 1, column=header.index("Submitted (Beijing time)") + 1)
    assert isinstance(submitted.value, dt.datetime) and submitted.number_format == "yyyy-mm-dd hh:mm"
    assert sheet.auto_filter.ref == f"A{HEADER}:{openpyxl.utils.get_column_letter(len(header))}{HEADER + 3}"
    assert sheet.freeze_panes == f"A{HEADER + 1}"
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${HEADER}:${HEADER}"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert "Filings" in sheet.oddHeader.center.text and "Filings" in sheet["A1"].value


def test_submission_times_are_beijing_time(app, client, world, filings):
    from registry.extensions import db
    from registry.filings.models import Filing

    with app.app_context():
        stored = db.session.get(Filing, filings["a_restart"].id).submitted_at
    sign_in(client, world.reviewer)
    header, rows = table(workbook(client.get(f"/filings.xlsx?q=%23{filings['a_restart'].id}")).worksheets[0])
    utc = stored if stored.tzinfo is None else stored.astimezone(dt.UTC).replace(tzinfo=None)
    assert column(header, rows[:-1], "Submitted (Beijing time)") == [
        (utc + dt.timedelta(hours=8)).replace(second=0, microsecond=0)]


def test_the_download_keeps_the_lists_filters_search_and_sort(client, world, filings):
    sign_in(client, world.reviewer)
    header, rows = table(workbook(client.get("/filings.xlsx?kind=restart&sort=capacity")).worksheets[0])
    assert column(header, rows[:-1], "No.") == [filings["b_restart"].id, filings["a_restart"].id]
    header, rows = table(workbook(client.get("/filings.xlsx?q=天山")).worksheets[0])
    assert column(header, rows[:-1], "No.") == [filings["b_restart"].id]
    book = workbook(client.get("/filings.xlsx?status=approved"))
    assert column(*table(book.worksheets[0]), "No.")[:-1] == [filings["a_curtail"].id]
    assert "Approved" in book.worksheets[0]["A2"].value  # the note names the filter in force


def test_the_list_links_to_its_downloads_with_its_filters_but_not_its_page(client, world, filings):
    sign_in(client, world.reviewer)
    page = text(client.get("/filings?kind=restart&page=1&q=%E9%93%9D"))
    links = re.findall(r'href="(/filings\.(?:csv|xlsx)[^"]*)"', page)
    assert len(links) == 2 and all("kind=restart" in link and "page=" not in link for link in links)
    assert all("q=%E9%93%9D" in link for link in links)
    queue = text(client.get("/review?kind=restart"))
    assert re.search(r'href="/review\.xlsx\?kind=restart"', queue)


def test_a_filer_downloads_only_its_own_enterprises_filings(client, world, filings):
    sign_in(client, world.filer_a)
    header, rows = table(workbook(client.get("/filings.xlsx")).worksheets[0])
    assert "Enterprise" not in header  # as on the page
    assert sorted(column(header, rows[:-1], "No.")) == sorted([filings["a_restart"].id, filings["a_curtail"].id])
    raw = client.get("/filings.csv?q=天山").data.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(raw)))) == 3  # header, total, note: B's filing is not there
    header, rows = table(workbook(client.get("/filings.xlsx?q=天山")).worksheets[0])
    assert rows == [(None, "Total", None, None, 0, *([None] * (len(header) - 5)))]  # an empty list still opens
    assert client.get("/review.xlsx").status_code == 403
    assert client.get("/review.csv").status_code == 403


def test_filings_csv_is_plain_figures_for_excel(client, world, filings):
    sign_in(client, world.reviewer)
    response = client.get("/filings.csv?kind=restart&sort=number")
    assert response.mimetype == "text/csv" and response.data.startswith(b"\xef\xbb\xbf")
    assert re.search(r'filename="filings-\d{4}-\d\d-\d\d-en\.csv"', response.headers["Content-Disposition"])
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    first = rows[0]
    assert (first["No."], first["Kind"], first["Capacity (t/a)"], first["Effective month"]) == (
        str(filings["a_restart"].id), "Restart", "120000", "2016-11")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", first["Submitted (Beijing time)"])
    assert rows[2]["Capacity (t/a)"] == "170000" and "Total" in rows[2].values()


def test_the_chinese_filings_workbook_has_labels_units_and_months_in_chinese(client, world, filings):
    sign_in(client, world.reviewer)
    client.post("/language/zh_CN")
    response = client.get("/filings.xlsx?sort=number")
    assert re.search(r'filename="filings-[\d-]+-zh\.xlsx"', response.headers["Content-Disposition"])
    sheet = workbook(response).worksheets[0]
    header, rows = table(sheet)
    assert header[:5] == ["编号", "企业", "电解铝厂", "省份", "类型"]
    data = rows[:-1]
    assert column(header, data, "类型") == ["复产", "减产", "复产"]
    assert column(header, data, "省份")[0] == "河南省"
    wan = header.index("产能（万吨/年）")
    tpa = openpyxl.utils.get_column_letter(header.index("产能（吨/年）") + 1)
    assert data[0][wan] == f"={tpa}{HEADER + 1}/10000"
    month = sheet.cell(row=HEADER + 1, column=header.index("生效月份") + 1)
    assert month.number_format == 'yyyy"年"m"月"' and month.value == dt.datetime(2016, 11, 1)


def test_the_chinese_files_hold_no_english_word(client, world, filings):
    """Needs the catalogue filled with this part's msgids (/tmp/zh_exports.json)."""
    sign_in(client, world.admin)
    client.post("/language/zh_CN")
    for path in ("/filings.xlsx?kind=restart", "/review.xlsx?q=铝"):
        assert english_words(workbook(client.get(path))) == set(), path
    raw = client.get("/review.csv").data.decode("utf-8-sig")
    assert ENGLISH_WORD.findall(raw) == []


def test_the_review_queue_downloads_for_staff_with_its_stage(client, world, filings):
    sign_in(client, world.auditor)
    book = workbook(client.get("/review.xlsx?kind=restart"))
    header, rows = table(book.worksheets[0])
    assert "Stage" in header and "Enterprise" in header
    assert column(header, rows[:-1], "No.") == [filings["a_restart"].id, filings["b_restart"].id]  # oldest first
    assert set(column(header, rows[:-1], "Stage")) == {"Submitted"}
    assert "Review queue" in book.worksheets[0]["A1"].value
    rows = list(csv.reader(io.StringIO(client.get("/review.csv?province=65").data.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:-2]] == [str(filings["b_restart"].id)]


def test_invalid_filters_are_refused_naming_the_field(client, world, filings):
    sign_in(client, world.reviewer)
    response = client.get("/filings.xlsx?effective_from=2016-13")
    assert response.status_code == 422
    assert "Effective from" in text(response)
    assert client.get("/filings.pdf").status_code == 404


def test_a_long_list_is_cut_at_the_limit_with_a_note(client, world, filings, monkeypatch):
    from registry.filings import exports

    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    sign_in(client, world.reviewer)
    sheet = workbook(client.get("/filings.xlsx")).worksheets[0]
    header, rows = table(sheet)
    assert len(rows) == 3  # two filings and the total
    assert "first 2 rows" in sheet["A2"].value


def test_the_download_reads_its_rows_in_a_few_queries(client, world, factory, filings, count_queries):
    sign_in(client, world.reviewer)
    with count_queries as few:
        assert client.get("/filings.xlsx").status_code == 200
    for _ in range(10):
        factory.filing(factory.smelter(world.ent_b), world.filer_b, "restart", 1_000, "2017-02")
    with count_queries as many:
        assert client.get("/filings.xlsx").status_code == 200
    assert many.count == few.count
