"""Tables as Excel users expect them: an XLSX sheet ready to filter and print, and the same rows as CSV.

A :class:`Table` is a title, typed :class:`Column` s and rows of plain
values (codes already turned into labels by the caller). The sheet gets the
title above a bold header, real numbers, dates and months (a month is the
first day of the month shown as 2016年11月 or Nov 2016), totals as ``SUM``
formulas, an autofilter, a frozen header and a print setup (landscape, one
page wide, the header repeated on every page, the title and page numbers in
the page header and footer). In Chinese a tonnage column may have a 万吨/年
companion computed by a formula.

The CSV holds the same columns for re-import: UTF-8 with a byte-order mark
(Excel then reads Chinese correctly), headers in the reader's language,
numbers without separators, months as ISO ``2016-11`` (Excel turns it into
a date in every language; 2016年11月 would stay text in an English Excel and
in every script), times as ``2016-11-03 14:05`` Beijing time, and totals as
figures since a CSV holds no formulas.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import Response
from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from registry import months
from registry.clock import BEIJING
from registry.formatting import is_chinese

TEXT, INT, ID, WAN, MONTH, DATE, DATETIME, PERCENT, AUTO = (
    "text", "int", "id", "wan", "month", "date", "datetime", "percent", "auto")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"
BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula
HEADER_ROW = 3  # title, subtitle, then the header
NUMBER_FORMATS = {INT: "#,##0", ID: "0", WAN: "#,##0.00", DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm",
                  PERCENT: "0.0%"}
MONTH_FORMATS = {True: 'yyyy"年"m"月"', False: "mmm yyyy"}
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
MIN_WIDTH, MAX_WIDTH = 8, 60


@dataclass(frozen=True)
class Column:
    """One column: the row key it reads, its header in the reader's language, and what it holds.

    ``total``: the total row sums it. ``source``: for a ``WAN`` column, the
    key of the t/a column it shows in 万吨/年.
    """

    key: str
    header: str
    kind: str = TEXT
    total: bool = False
    source: str | None = None


@dataclass
class Table:
    """A titled table: its columns, rows, an optional total row and a note under the title."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]
    total_label: str | None = None
    note: str = ""
    totals: Mapping[str, Any] = field(default_factory=dict)  # figures for the CSV total row, else summed


def wan(column: Column, header: str) -> list[Column]:
    """``column`` (t/a), followed in Chinese by its 万吨/年 companion titled ``header``."""
    if not is_chinese():
        return [column]
    return [column, Column(f"{column.key}:wan", header, WAN, total=column.total, source=column.key)]


def month_date(month: str | None) -> dt.date | None:
    """``2016-11`` as the date Excel stores for that month: its first day."""
    if not month:
        return None
    return months.first_day(month)


def beijing(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored (UTC) timestamp as Beijing wall-clock time, without a zone (Excel has none)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(BEIJING).replace(tzinfo=None, second=0, microsecond=0)


def yes_no(value: bool | None) -> str:
    """A flag as a word in the reader's language."""
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def storable(text: str) -> str:
    """Text openpyxl accepts: stored names predating the input checks must not fail the export."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    return text.encode("utf-8", "replace").decode("utf-8")  # unpaired surrogates become "?"


def _kind(column: Column, row: Mapping[str, Any]) -> str:
    """The column's kind; an ``AUTO`` column takes it from the row (``key:kind``) or the value's type."""
    if column.kind != AUTO:
        return column.kind
    value = row.get(column.key)
    given = row.get(f"{column.key}:kind")
    if given:
        return given
    if isinstance(value, bool):
        return TEXT
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return PERCENT
    if isinstance(value, dt.datetime):
        return DATETIME
    if isinstance(value, dt.date):
        return DATE
    return TEXT


def _value(column: Column, row: Mapping[str, Any]) -> Any:
    """The cell's value as Python: a month becomes its first day, a flag a word."""
    value = row.get(column.source if column.kind == WAN else column.key)
    kind = _kind(column, row)
    if value is None:
        return None
    if isinstance(value, bool):
        return yes_no(value)
    if kind == MONTH and isinstance(value, str):
        return month_date(value)
    if kind == WAN:
        return Decimal(value) / 10_000
    return value


def _width(value: Any) -> int:
    """Display width: CJK characters take two columns."""
    if value is None:
        return 0
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        text = f"{value:,.2f}"
    elif isinstance(value, dt.datetime):
        text = "2016-11-30 23:59"
    elif isinstance(value, dt.date):
        text = "2016-11-30"
    else:
        text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _header_footer_text(text: str) -> str:
    """Text for a page header: ``&`` starts a code there, so it is doubled."""
    return storable(text).replace("&", "&&")


def sheet_name(text: str) -> str:
    """A valid sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    return SHEET_NAME_BAD.sub(" ", text)[:31] or "Sheet"


def write_sheet(workbook: Workbook, name: str, table: Table) -> Worksheet:
    """Add ``table`` as a sheet: title, header, typed rows, SUM totals, filter, frozen header, print setup."""
    sheet = workbook.create_sheet(sheet_name(name))
    columns = list(table.columns)
    letters = {column.key: get_column_letter(index) for index, column in enumerate(columns, start=1)}
    sheet.cell(row=1, column=1, value=storable(table.title)).font = Font(bold=True, size=14)
    if table.note:
        sheet.cell(row=2, column=1, value=storable(table.note)).font = Font(italic=True)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=storable(column.header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    first = HEADER_ROW + 1
    last = HEADER_ROW + len(table.rows)
    widths = [min(_width(column.header), 24) for column in columns]
    month_format = MONTH_FORMATS[is_chinese()]
    for offset, row in enumerate(table.rows):
        number = first + offset
        for index, column in enumerate(columns, start=1):
            kind = _kind(column, row)
            cell = sheet.cell(row=number, column=index)
            if kind == WAN:  # a formula of the t/a cell beside it
                cell.value = None if row.get(column.source) is None else f"={letters[column.source]}{number}/10000"
            else:
                _put(cell, _value(column, row))
            if kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[kind]
            elif kind == MONTH:
                cell.number_format = month_format
            widths[index - 1] = max(widths[index - 1], _width(_value(column, row)))
    if table.rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{last}"
    if table.total_label is not None:
        _total_row(sheet, columns, letters, first, last, table.total_label)
        at = _label_index(columns)
        widths[at] = max(widths[at], _width(table.total_label))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = f"A{first}"
    _print_setup(sheet, table.title)
    return sheet


def _put(cell, value: Any) -> None:
    """Store a value; text that Excel would run as a formula stays text (openpyxl takes "=..." as one)."""
    if isinstance(value, str):
        cell.value = storable(value)
        cell.data_type = "s"
        return
    cell.value = value


def _label_index(columns: Sequence[Column]) -> int:
    """Where the total row's label goes: the first text column (0-based)."""
    return next((index for index, column in enumerate(columns) if column.kind == TEXT), 0)


def _total_row(sheet: Worksheet, columns: list[Column], letters: dict[str, str], first: int, last: int,
               label: str) -> None:
    row = last + 1
    label_cell = sheet.cell(row=row, column=_label_index(columns) + 1)
    _put(label_cell, label)
    label_cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        if not column.total:
            continue
        letter = letters[column.key]
        if column.kind == WAN:
            value = f"={letters[column.source]}{row}/10000"
        else:
            value = f"=SUM({letter}{first}:{letter}{last})" if last >= first else 0
        cell = sheet.cell(row=row, column=index, value=value)
        cell.font = Font(bold=True)
        cell.number_format = NUMBER_FORMATS[WAN if column.kind == WAN else INT]


def _print_setup(sheet: Worksheet, title: str) -> None:
    """Landscape, one page wide and as many long as needed, the header on every page, page numbers."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.oddHeader.center.text = _header_footer_text(title)
    sheet.oddFooter.center.text = _("Page &P of &N")
    sheet.print_options.horizontalCentered = True


def workbook_bytes(sheets: Sequence[tuple[str, Table]]) -> bytes:
    """A workbook of ``(sheet name, table)`` pairs, as the bytes of an XLSX file."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, table in sheets:
        write_sheet(workbook, name, table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv_value(column: Column, row: Mapping[str, Any]) -> str:
    """A CSV field: plain numbers, ISO months and dates, Beijing times; formula-like text quoted."""
    value = _value(column, row)
    kind = _kind(column, row)
    if value is None:
        return ""
    if kind == MONTH and isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if kind == PERCENT and isinstance(value, float):
        return format(Decimal(str(round(value * 100, 2))).normalize(), "f") + "%"
    text = storable(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(table: Table) -> bytes:
    """The table as CSV for Excel: byte-order mark, a header row, the rows, the total row, the note."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    columns = list(table.columns)
    writer.writerow([storable(column.header) for column in columns])
    for row in table.rows:
        writer.writerow([_csv_value(column, row) for column in columns])
    if table.total_label is not None:
        sums = {column.key: table.totals.get(column.key, sum(row.get(column.key) or 0 for row in table.rows))
                for column in columns if column.total and column.kind != WAN}
        at = _label_index(columns)
        total = {**sums, columns[at].key: table.total_label}
        writer.writerow([_csv_value(column, total) if index == at or column.total else ""
                         for index, column in enumerate(columns)])
    if table.note:
        writer.writerow([storable(table.note)])
    return out.getvalue().encode("utf-8")


def file_name(stem: str, extension: str, *parts: str) -> str:
    """An ASCII file name: the stem, the parts (a month, a date), the language: ``filings-2016-12-15-zh.xlsx``."""
    locale = get_locale()
    pieces = [stem, *[part for part in parts if part], locale.language if locale else "en"]
    return "-".join(re.sub(r"[^A-Za-z0-9_.-]+", "_", piece) for piece in pieces) + f".{extension}"


def download(body: bytes, name: str) -> Response:
    """The file as an attachment, typed by its extension."""
    mimetype = XLSX_MIMETYPE if name.endswith(".xlsx") else CSV_MIMETYPE
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
