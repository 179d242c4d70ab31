"""The XLSX templates clerks fill in: bilingual headers, drop-downs, an example row, a sheet of instructions.

The first sheet is the one imported. Its row 2 is the example: its smelter
cell says "示例 Example", and a row that still says so is skipped. Lists for
the drop-downs live on a hidden sheet, since Excel allows 255 characters for
a list written into the validation itself.
"""

from __future__ import annotations

import io

from flask import current_app
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry.imports.cells import Smelters
from registry.imports.columns import KIND, MONTH, SMELTER, WHOLE, Sheet, kind_choices, kind_labels

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LISTS = "选项 Lists"
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
EXAMPLE_FONT = Font(italic=True, color="808080")
EXAMPLE_NOTE = ("示例行：保留“示例 Example”的行导入时跳过；可改写或删除此行。\n"
                "Example row: a row that still says “示例 Example” is skipped on import; overwrite or delete it.")
LIMITS = {"capacity_tpa": (1, 10_000_000), "cell_count": (1, 20_000), "cell_amperage_ka": (50, 1500),
          "operating_tpa": (0, 20_000_000), "production_t": (0, 1_700_000)}


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _lists_sheet(book: Workbook, smelters: list[str]) -> tuple[str | None, str]:
    """The hidden sheet of drop-down entries; the smelter and kind ranges (no smelter range when none)."""
    lists = book.create_sheet(LISTS)
    lists["A1"], lists["B1"] = "电解铝厂 Smelter", "类型 Kind"
    for index, name in enumerate(smelters, start=2):
        lists.cell(index, 1, _clean(name))
    for index, label in enumerate(kind_choices(), start=2):
        lists.cell(index, 2, label)
    lists.sheet_state = "hidden"
    smelter_range = f"'{LISTS}'!$A$2:$A${len(smelters) + 1}" if smelters else None
    return smelter_range, f"'{LISTS}'!$B$2:$B${len(kind_choices()) + 1}"


def _validations(sheet_ws, sheet: Sheet, smelter_range: str | None, kind_range: str, last_row: int) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        cells = f"{letter}2:{letter}{last_row}"
        validation = None
        if column.kind == SMELTER and smelter_range:
            validation = DataValidation(type="list", formula1=smelter_range, allow_blank=True)
            validation.error = "请从列表中选择本企业的电解铝厂 Choose one of your smelters from the list"
        elif column.kind == KIND:
            validation = DataValidation(type="list", formula1=kind_range, allow_blank=True)
            validation.error = "请从列表中选择类型 Choose a kind from the list"
        elif column.kind == WHOLE and column.key in LIMITS:
            low, high = LIMITS[column.key]
            validation = DataValidation(type="whole", operator="between", formula1=str(low),
                                        formula2=str(high), allow_blank=True)
            validation.error = f"{low}–{high:,} 之间的整数 A whole number from {low} to {high:,}"
        if validation is None:
            continue
        validation.errorTitle = column.zh  # Excel allows 32 characters here
        validation.showErrorMessage = True
        validation.prompt = f"{column.zh_hint}\n{column.en_hint}"
        validation.promptTitle = column.zh
        validation.showInputMessage = True
        validation.add(cells)
        sheet_ws.add_data_validation(validation)


def _data_sheet(book: Workbook, sheet: Sheet, smelters: list[str]) -> None:
    ws = book.active
    ws.title = sheet.title
    last_row = current_app.config["IMPORT_MAX_ROWS"] + 2  # the header, the example, then the rows
    kinds = kind_labels()
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(1, index, column.header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(f"{column.zh_hint}\n{column.en_hint}", "Capacity Registry", width=260, height=80)
        ws.column_dimensions[letter].width = column.width
        example = sheet.example.get(column.key)
        if column.kind == KIND and example:
            example = "{} {}".format(*kinds[example])
        sample = ws.cell(2, index, example)
        sample.font = EXAMPLE_FONT
        if column.kind == MONTH:  # text, so Excel keeps "2027-01" as typed (a date cell is read too)
            ws.column_dimensions[letter].number_format = "@"
            sample.number_format = "@"
    ws.cell(2, 1).comment = Comment(EXAMPLE_NOTE, "Capacity Registry", width=320, height=110)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"
    smelter_range, kind_range = _lists_sheet(book, smelters)
    _validations(ws, sheet, smelter_range, kind_range, last_row)


def _instructions(book: Workbook, sheet: Sheet, smelters: list[str]) -> None:
    ws = book.create_sheet("说明 Instructions", 1)
    lines = [
        ("如何填写", "How to fill in"),
        (f"在“{sheet.title}”表中每行填写一项；第 1 行是表头，请勿修改。",
         f"Fill in one per row on the sheet “{sheet.title}”; row 1 is the header, leave it as it is."),
        ("第 2 行是示例：电解铝厂仍为“示例 Example”的行导入时跳过。",
         "Row 2 is an example: a row whose smelter still says “示例 Example” is skipped."),
        ("月份写作 2027-01（也接受日期单元格）；产能为整数吨/年。",
         "Write months as 2027-01 (date cells are read too); capacities in whole tonnes per year."),
        ("全部行通过检查才会导入；任一行有误则不导入任何一行，并列出每行的错误。",
         "All rows or none: if any row has an error nothing is imported, and each row's errors are listed."),
        (f"每个文件最多 {current_app.config['IMPORT_MAX_ROWS']:,} 行。也可另存为 CSV（UTF-8 或 GB18030）上传。",
         f"At most {current_app.config['IMPORT_MAX_ROWS']:,} rows per file. You may also save it as CSV "
         "(UTF-8 or GB18030) and upload that."),
    ]
    for row, (zh, en) in enumerate(lines, start=1):
        ws.cell(row, 1, zh).font = Font(bold=row == 1)
        ws.cell(row, 2, en).font = Font(bold=row == 1)
    start = len(lines) + 2
    for offset, title in enumerate(("列 Column", "必填 Required", "说明", "Notes")):
        ws.cell(start, 1 + offset, title).font = Font(bold=True)
    for row, column in enumerate(sheet.columns, start=start + 1):
        ws.cell(row, 1, column.header)
        ws.cell(row, 2, "是 Yes" if column.required else "否 No")
        ws.cell(row, 3, column.zh_hint)
        ws.cell(row, 4, column.en_hint)
    listed = start + len(sheet.columns) + 2
    ws.cell(listed, 1, "您可填写的电解铝厂 Your smelters").font = Font(bold=True)
    for row, name in enumerate(smelters, start=listed + 1):
        ws.cell(row, 1, _clean(name))
    for letter, width in zip("ABCD", (44, 60, 34, 44), strict=True):
        ws.column_dimensions[letter].width = width


def template_workbook(sheet: Sheet, user) -> bytes:
    """The template for ``sheet``, listing the smelters ``user`` may see (a filer: its enterprise's)."""
    smelters = [label for label, _ in Smelters.of(user).choices]
    book = Workbook()
    _data_sheet(book, sheet, smelters)
    _instructions(book, sheet, smelters)
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
