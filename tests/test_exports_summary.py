"""The monthly summary's downloads as an Excel user checks them, in English and in Chinese."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest

from tests import summary_world
from tests.summary_world import MONTH, TOTALS
from tests.web_helpers import sign_in

PAGE = f"/summaries/{MONTH}"
HEADER = 3
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def setup(factory, world, api_as):
    return summary_world.build_with_returns_and_cap(factory, world, api_as)


def book_of(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return openpyxl.load_workbook(io.BytesIO(response.data))


def table(sheet) -> tuple[list[str], list[tuple]]:
    rows = list(sheet.iter_rows(min_row=HEADER, values_only=True))
    return list(rows[0]), rows[1:]


def test_the_smelter_sheet_has_labels_a_month_column_and_sum_totals(client, world, setup):
    sign_in(client, world.auditor)
    book = book_of(client.get(PAGE + ".xlsx"))
    assert book.sheetnames == ["Overview", "Smelters", "Enterprises", "Provinces", "Caps", "Exceptions"]
    sheet = book["Smelters"]
    header, rows = table(sheet)
    assert header[0] == "Month"
    month = sheet.cell(row=HEADER + 1, column=1)
    assert month.value == dt.datetime(2016, 11, 1) and month.number_format == "mmm yyyy"
    c = next(row for row in rows if row[header.index("Smelter")] == "包头铝厂 C")
    assert c[header.index("Monthly return")] == "Missing"  # not "missing"
    assert c[header.index("Built capacity (t/a)")] == 800_000
    a = next(row for row in rows if row[header.index("Smelter ID")] == world.smelter_a.id)
    assert a[header.index("Above approved capacity")] == "Yes"
    built = header.index("Built capacity (t/a)") + 1
    letter = openpyxl.utils.get_column_letter(built)
    total = sheet.cell(row=sheet.max_row, column=built)
    assert total.value == f"=SUM({letter}{HEADER + 1}:{letter}{HEADER + 3})"
    assert "Total" in rows[-1]
    assert sheet.cell(row=HEADER + 1, column=built).number_format == "#,##0"
    assert sheet.auto_filter.ref.startswith(f"A{HEADER}:") and sheet.auto_filter.ref.endswith(str(HEADER + 3))
    assert sheet.freeze_panes == f"A{HEADER + 1}"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert "Nov 2016" in sheet.oddHeader.center.text
    assert sheet.column_dimensions[letter].width >= len("Built capacity (t/a)") / 2


def test_caps_and_exceptions_read_as_sentences_not_codes(client, world, setup):
    sign_in(client, world.auditor)
    book = book_of(client.get(PAGE + ".xlsx"))
    header, rows = table(book["Caps"])
    cap = dict(zip(header, rows[0], strict=True))
    assert (cap["Cap"], cap["Scope"], cap["Basis"], cap["Status"]) == (
        "全国运行产能", "National", "Operating capacity", "Near limit")
    assert cap["Limit (t/a)"] == 1_500_000
    assert book["Caps"].cell(row=HEADER + 1, column=header.index("Share of the limit used") + 1).number_format \
        == "0.0%"
    header, rows = table(book["Exceptions"])
    kinds = [row[header.index("Exception")] for row in rows]
    assert kinds == ["Cap warning", "Operating above approved capacity", "Monthly return missing"]
    details = [row[header.index("Detail")] for row in rows]
    assert details[0] == "全国运行产能: 1,450,000 t/a of its limit of 1,500,000 t/a."
    assert "50,000 t/a above" in details[1] and "Nov 2016" in details[2]
    overview = dict(row for row in book["Overview"].iter_rows(min_row=HEADER + 1, values_only=True))
    assert overview["Month"] == dt.datetime(2016, 11, 1)
    assert overview["Idle capacity (t/a)"] == TOTALS["idle_tpa"]
    assert overview["Closed"] == "No"
    assert isinstance(overview["Returns due by"], dt.datetime)


def test_the_chinese_workbook_speaks_chinese(client, world, setup):
    sign_in(client, world.auditor)
    client.post("/language/zh_CN")
    book = book_of(client.get(PAGE + ".xlsx"))
    assert book.sheetnames[:2] == ["概览", "电解铝厂"]
    sheet = book["电解铝厂"]
    header, rows = table(sheet)
    assert header[0] == "月份" and sheet.cell(row=HEADER + 1, column=1).number_format == 'yyyy"年"m"月"'
    assert "建成产能（吨/年）" in header and "建成产能（万吨/年）" in header
    wan = header.index("建成产能（万吨/年）")
    tpa = openpyxl.utils.get_column_letter(header.index("建成产能（吨/年）") + 1)
    assert rows[0][wan] == f"={tpa}{HEADER + 1}/10000"
    assert rows[-1][wan] == f"={tpa}{HEADER + 4}/10000"  # the total in 万吨 from the SUM beside it
    assert "缺报" in [row[header.index("月报")] for row in rows]
    assert "内蒙古自治区" in [row[header.index("省份")] for row in rows]
    caps_header, caps = table(book["总量控制"])
    assert caps[0][caps_header.index("范围")] == "全国" and caps[0][caps_header.index("状态")] != "warning"
    details = [row[-1] for row in table(book["异常"])[1]]
    assert "吨/年" in details[0] and "2016年11月" in details[2]


def test_the_chinese_summary_holds_no_english_word(client, factory, world, setup):
    """Needs the catalogue filled with this part's msgids (/tmp/zh_exports.json)."""
    factory.smelter(world.ent_a, name="中原铝厂")  # the world's other smelters have English names: their rows
    sign_in(client, world.auditor)
    client.post("/language/zh_CN")
    book = book_of(client.get(PAGE + ".xlsx"))
    smelter_names = {s.name for s in (world.smelter_a, world.smelter_b)}
    found = set()
    for sheet in book.worksheets:
        texts = [sheet.title, sheet.oddHeader.center.text or "", sheet.oddFooter.center.text.replace("&P", "")
                 .replace("&N", "")]
        texts += [value for row in sheet.iter_rows(values_only=True) for value in row
                  if isinstance(value, str) and not value.startswith("=")]
        for value in texts:
            for name in smelter_names:  # data the members typed, not the export's words
                value = value.replace(name, "")
            if re.fullmatch(r"[0-9A-Z]{18}", value):  # a unified social credit code
                continue
            found.update(ENGLISH_WORD.findall(value))
    assert found == set()


def test_the_csv_is_in_the_readers_language_with_plain_figures(client, world, setup):
    sign_in(client, world.auditor)
    raw = client.get(PAGE + ".csv").data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["Month"] == MONTH and rows[0]["Built capacity (t/a)"].isdigit()
    assert {row["Monthly return"] for row in rows[:3]} == {"In", "Missing"}
    total = next(row for row in rows if row["Smelter"] == "Total")
    assert int(total["Operating capacity (t/a)"]) == TOTALS["operating_tpa"]
    client.post("/language/zh_CN")
    zh = list(csv.reader(io.StringIO(client.get(PAGE + ".csv").data.decode("utf-8-sig"))))
    assert zh[0][:3] == ["月份", "电解铝厂编号", "电解铝厂"]
    assert "建成产能（万吨/年）" in zh[0]
    built_wan = zh[0].index("建成产能（万吨/年）")
    assert zh[1][built_wan] == "50"  # 500,000 t/a


def test_the_api_serves_the_files_in_the_requests_language(world, setup, api_as):
    zh = api_as(world.auditor).get(f"/api/v1/summaries/{MONTH}.xlsx", headers={"Accept-Language": "zh-CN"})
    assert book_of(zh).sheetnames[1] == "电解铝厂"
    assert book_of(api_as(world.auditor).get(f"/api/v1/summaries/{MONTH}.xlsx")).sheetnames[1] == "Smelters"
