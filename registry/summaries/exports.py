"""A summary as CSV (for Excel) and as a formatted XLSX workbook.

The CSV is the one table a clerk sorts and filters: a row per smelter with
a header row first and a TOTAL row last, every national total being the sum
of its column. Caps, exceptions and the other sections are in the XLSX (a
sheet each) and the JSON. Headers are bilingual; the file starts with a
UTF-8 byte-order mark so Excel reads the Chinese correctly.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from registry.reference.provinces import province_name

INT, TEXT = "int", "text"
BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

SMELTER_COLUMNS = (
    ("smelter_id", "Smelter ID 编号", INT), ("name", "Smelter 冶炼厂", TEXT),
    ("enterprise_name", "Enterprise 企业", TEXT), ("uscc", "USCC 统一社会信用代码", TEXT),
    ("province", "Province 省份", TEXT), ("province_name", "Province name 省份名称", TEXT),
    ("built_tpa", "Built t/a 建成产能", INT), ("operating_tpa", "Operating t/a 运行产能", INT),
    ("idle_tpa", "Idle t/a 闲置产能", INT), ("additions_tpa", "Additions t/a 新增及复产", INT),
    ("reductions_tpa", "Reductions t/a 减产及淘汰", INT),
    ("pending_additions_tpa", "Pending additions t/a 待批新增", INT),
    ("return", "Return 月报", TEXT), ("return_revision", "Return revision 月报版本", INT),
    ("reported_operating_tpa", "Reported operating t/a 实际运行产能", INT),
    ("production_t", "Production t 产量", INT), ("deviation_tpa", "Deviation t/a 偏差", INT),
    ("above_approved", "Above approved 超出核准", TEXT),
)
CAPACITY_COLUMNS = tuple(c for c in SMELTER_COLUMNS if c[0] in (
    "built_tpa", "operating_tpa", "idle_tpa", "additions_tpa", "reductions_tpa", "pending_additions_tpa",
    "reported_operating_tpa", "production_t", "deviation_tpa"))
COUNT_COLUMNS = (("smelters", "Smelters 冶炼厂数", INT), ("returns_in", "Returns in 已报", INT),
                 ("returns_missing", "Returns missing 缺报", INT))
ENTERPRISE_COLUMNS = (("enterprise_id", "Enterprise ID 编号", INT), ("name", "Enterprise 企业", TEXT),
                      ("uscc", "USCC 统一社会信用代码", TEXT), *COUNT_COLUMNS, *CAPACITY_COLUMNS)
PROVINCE_COLUMNS = (("province", "Province 省份", TEXT), ("province_name", "Province name 省份名称", TEXT),
                    *COUNT_COLUMNS, *CAPACITY_COLUMNS)
CAP_COLUMNS = (
    ("cap_id", "Cap ID 编号", INT), ("name", "Cap 总量控制", TEXT), ("scope", "Scope 范围", TEXT),
    ("scope_ref", "Scope ref 范围代码", TEXT), ("basis", "Basis 口径", TEXT),
    ("limit_tpa", "Limit t/a 上限", INT), ("usage_tpa", "Usage t/a 已用", INT),
    ("pending_tpa", "With pending t/a 含待批", INT), ("headroom_tpa", "Headroom t/a 余量", INT),
    ("status", "Status 状态", TEXT), ("pending_status", "Status with pending 含待批状态", TEXT),
)
EXCEPTION_COLUMNS = (
    ("kind", "Kind 类型", TEXT), ("cap_id", "Cap ID 总量控制编号", INT),
    ("smelter_id", "Smelter ID 冶炼厂编号", INT), ("name", "Name 名称", TEXT), ("detail", "Detail 说明", TEXT),
)
AMENDMENT_COLUMNS = (
    ("section", "Section 部分", TEXT), ("id", "ID 编号", INT), ("name", "Name 名称", TEXT),
    ("field", "Field 字段", TEXT), ("frozen", "Frozen 冻结值", INT), ("live", "Now 当前值", INT),
    ("delta", "Delta 变化", INT),
)


def _cell(value: Any) -> Any:
    """A cell value; text that Excel would run as a formula is quoted."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        value = _storable(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def _storable(text: str) -> str:
    """Text openpyxl accepts: stored names predating the input checks must not fail the export."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    return text.encode("utf-8", "replace").decode("utf-8")  # unpaired surrogates become "?"


def _with_province_names(rows: list[dict]) -> list[dict]:
    return [{**row, "province_name": province_name(row["province"], "zh")} for row in rows]


def _total_row(summary: dict[str, Any]) -> dict[str, Any]:
    totals = summary["totals"]
    return {**totals, "name": "TOTAL 合计",
            "return": f"{totals['returns_in']} in, {totals['returns_missing']} missing"}


def to_csv(summary: dict[str, Any]) -> bytes:
    """The per-smelter table with a TOTAL row, UTF-8 with a byte-order mark."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for _, header, _ in SMELTER_COLUMNS])
    for row in [*_with_province_names(summary["smelters"]), _total_row(summary)]:
        writer.writerow(["" if row.get(key) is None else _cell(row.get(key)) for key, _, _ in SMELTER_COLUMNS])
    return out.getvalue().encode("utf-8")


def _exception_rows(items: list[dict]) -> list[dict]:
    return [{**e, "name": e.get("cap_name") or e.get("smelter_name")} for e in items]


def _amendment_rows(amendments: dict[str, Any] | None) -> list[dict]:
    if not amendments:
        return []
    rows = [{"section": "totals", "field": field, **change}
            for field, change in amendments["totals"].items()]
    for section, key in (("smelters", "smelter_id"), ("enterprises", "enterprise_id"), ("caps", "cap_id")):
        for item in amendments[section]:
            rows += [{"section": section, "id": item[key], "name": item["name"], "field": field, **change}
                     for field, change in item["changes"].items()]
    return rows


def _overview(summary: dict[str, Any]) -> list[tuple[str, Any]]:
    utilisation = summary["utilisation"]
    pairs = [("Month 月份", summary["month"]), ("Closed 已关账", summary["closed"]),
             ("Revision 版本", summary.get("revision")), ("SHA-256", summary.get("sha256")),
             ("Returns due on 月报截止", summary["returns_due_on"])]
    pairs += [(header, summary["totals"].get(key)) for key, header, _ in COUNT_COLUMNS + CAPACITY_COLUMNS]
    pairs += [("Utilisation target 产能利用率目标", utilisation["target"]),
              ("Utilisation, approved 核准利用率", utilisation["approved"]),
              ("Utilisation, reported 实际利用率", utilisation["reported"])]
    return pairs


def _width(value: Any) -> int:
    """Display width: CJK characters take two columns."""
    text = str(value if value is not None else "")
    if isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:,}"
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet(workbook: Workbook, title: str, columns: tuple, rows: list[dict]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append([header for _, header, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_cell(row.get(key)) for key, _, _ in columns])
    for index, (key, header, kind) in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        if kind == INT and not key.endswith("_id") and key not in ("id", "return_revision"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                elif isinstance(cell.value, float):
                    cell.number_format = "0.0%"
        widest = max([_width(header)] + [_width(row.get(key)) for row in rows])
        sheet.column_dimensions[letter].width = min(60, widest + 2)


def to_xlsx(summary: dict[str, Any]) -> bytes:
    """A workbook with a sheet per section, bold frozen headers and thousands separators."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    overview = [{"item": k, "value": v} for k, v in _overview(summary)]
    _sheet(workbook, "Summary 概要", (("item", "Item 项目", TEXT), ("value", "Value 数值", INT)), overview)
    _sheet(workbook, "Smelters 冶炼厂", SMELTER_COLUMNS,
           [*_with_province_names(summary["smelters"]), _total_row(summary)])
    _sheet(workbook, "Enterprises 企业", ENTERPRISE_COLUMNS, summary["enterprises"])
    _sheet(workbook, "Provinces 省份", PROVINCE_COLUMNS, _with_province_names(summary["provinces"]))
    _sheet(workbook, "Caps 总量控制", CAP_COLUMNS, summary["caps"])
    _sheet(workbook, "Exceptions 异常", EXCEPTION_COLUMNS, _exception_rows(summary["exceptions"]))
    if summary.get("amendments"):
        _sheet(workbook, "Amendments 修订", AMENDMENT_COLUMNS, _amendment_rows(summary["amendments"]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
