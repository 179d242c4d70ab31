"""Reading an upload: XLSX, or CSV in UTF-8 (with or without BOM) or GB18030, into numbered rows.

Whatever arrives, the answer is rows or a 422 naming ``file``: a ZIP that
would inflate beyond what any sheet of 5,000 rows needs is refused before it
is opened, only the header's columns are read, and reading stops one row
past the limit.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import openpyxl
from flask import current_app

from registry.imports.columns import Sheet, header_names, normalise
from registry.messages import Template
from registry.problems import Invalid

EMPTY_FILE = Template("import_empty_file", "The file is empty.")
NOT_A_SHEET = Template("import_not_a_sheet", "Not an Excel workbook (.xlsx) or a CSV file.")
OLD_EXCEL = Template("import_old_excel", "Excel 97-2003 workbooks (.xls) cannot be read: save the file as .xlsx.")
UNREADABLE_XLSX = Template("import_unreadable_xlsx", "The workbook cannot be read; save it again from Excel as .xlsx.")
NOT_TEXT = Template("import_not_text", "The CSV file is neither UTF-8 nor GB18030 text.")
UNREADABLE_CSV = Template("import_unreadable_csv", "The CSV file cannot be read near row %(row)s.")
NO_HEADER = Template("import_no_header", "Row 1 must hold the column headers of the template.")
MISSING_COLUMNS = Template("import_missing_columns", "Columns missing from row 1: %(columns)s.")
UNKNOWN_COLUMNS = Template("import_unknown_columns", "Unknown columns in row 1: %(columns)s.")
REPEATED_COLUMNS = Template("import_repeated_columns", "Columns given twice in row 1: %(columns)s.")
NO_ROWS = Template("import_no_rows", "The file has no rows to import below the header.")
TOO_MANY_ROWS = Template("import_too_many_rows", "At most %(max_rows)s rows can be imported at once; this file has "
                                                 "more. Split it into several files.")

MAX_COLUMNS = 64  # of the header row: the sheets have at most 7
MAX_INFLATED_BYTES = 64 * 1024 * 1024  # what an honest 5 MB workbook of 5,000 rows inflates to, with room
ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


@dataclass
class Table:
    """The data rows of an upload: (row number as in the sheet, {field: cell value})."""

    rows: list[tuple[int, dict[str, object]]]
    example_rows: list[int]


def _refuse(message) -> Invalid:
    return Invalid(message, errors={"file": [message]})


def read_upload(data: bytes, sheet: Sheet) -> Table:
    """The rows of an XLSX or CSV upload, checked against ``sheet``'s headers; else 422 naming ``file``."""
    if not data:
        raise _refuse(EMPTY_FILE())
    if data.startswith(ZIP_MAGIC):
        raw = _xlsx_rows(data)
    elif data.startswith(OLE_MAGIC):
        raise _refuse(OLD_EXCEL())
    else:
        raw = _csv_rows(data)
    return _table(raw, sheet)


def _xlsx_rows(data: bytes):
    """(row number, cells) of the workbook's first sheet, or of the one titled like the template's."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_INFLATED_BYTES:
                raise _refuse(UNREADABLE_XLSX())
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Invalid:
        raise
    except Exception:  # openpyxl raises anything from KeyError to XML errors on a damaged file
        current_app.logger.info("unreadable workbook uploaded", exc_info=True)
        raise _refuse(UNREADABLE_XLSX()) from None
    try:
        worksheet = book.worksheets[0] if book.worksheets else None
        if worksheet is None:
            raise _refuse(NO_HEADER())
        yield from _sheet_rows(worksheet)
    except Invalid:
        raise
    except Exception:
        current_app.logger.info("unreadable worksheet uploaded", exc_info=True)
        raise _refuse(UNREADABLE_XLSX()) from None
    finally:
        book.close()


def _sheet_rows(worksheet):
    header = next(worksheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True), None)
    if header is None:
        return
    width = max((i + 1 for i, v in enumerate(header) if v not in (None, "")), default=0)
    yield 1, tuple(header[:width])
    if width == 0:
        return
    yield from enumerate(worksheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2)


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise _refuse(NOT_A_SHEET())
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refuse(NOT_TEXT())


def _csv_rows(data: bytes):
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:  # a field beyond csv's limit (131,072 characters) is an error of the file, not a 500
        for number, cells in enumerate(reader, start=1):
            yield number, tuple(cells[:MAX_COLUMNS] if number == 1 else cells)
    except csv.Error:
        raise _refuse(UNREADABLE_CSV(row=number + 1)) from None


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _columns(header: tuple, sheet: Sheet) -> list[str | None]:
    """Each header cell's field (None for an empty one); 422 for unknown, repeated or missing columns."""
    names = {name: column.key for column in sheet.columns for name in header_names(column)}
    keys: list[str | None] = []
    unknown, repeated = [], []
    for cell in header:
        if _is_blank(cell):
            keys.append(None)
            continue
        key = names.get(normalise(cell))
        if key is None:
            unknown.append(str(cell).strip()[:60])
        elif key in keys:
            repeated.append(str(cell).strip()[:60])
        keys.append(key)
    if unknown:
        raise _refuse(UNKNOWN_COLUMNS(columns=", ".join(unknown[:10])))
    if repeated:
        raise _refuse(REPEATED_COLUMNS(columns=", ".join(repeated)))
    missing = [c.header for c in sheet.columns if c.required and c.key not in keys]
    if missing:
        raise _refuse(MISSING_COLUMNS(columns=", ".join(missing)))
    return keys


def _table(raw, sheet: Sheet) -> Table:
    max_rows = current_app.config["IMPORT_MAX_ROWS"]
    rows: list[tuple[int, dict[str, object]]] = []
    examples: list[int] = []
    keys: list[str | None] | None = None
    for number, cells in raw:
        if keys is None:
            if number != 1 or all(_is_blank(c) for c in cells):
                raise _refuse(NO_HEADER())
            keys = _columns(cells, sheet)
            continue
        if all(_is_blank(c) for c in cells):
            continue
        values = {key: cell for key, cell in zip(keys, cells, strict=False) if key is not None}
        if _is_example(values, sheet):
            examples.append(number)
            continue
        if len(rows) == max_rows:
            raise Invalid(TOO_MANY_ROWS(max_rows=max_rows), errors={"file": [TOO_MANY_ROWS(max_rows=max_rows)]},
                          max_rows=max_rows)
        rows.append((number, values))
    if keys is None:
        raise _refuse(NO_HEADER())
    if not rows:
        raise _refuse(NO_ROWS())
    return Table(rows, examples)


def _is_example(values: dict[str, object], sheet: Sheet) -> bool:
    """The template's example row: its smelter cell still says "示例 Example"."""
    cell = values.get("smelter_id")
    return isinstance(cell, str) and normalise(cell) == normalise(sheet.example["smelter_id"])
