"""The columns of the two import sheets: their bilingual headers and the API field each one fills.

A column's key is the field of the single POST (``FilingIn``, ``ReturnIn``), so
a row's errors name the same fields as the API's own 422s. Headers are in both
languages whatever the reader's; a header matches in either language alone too,
or as the field's name (a CSV written by a program).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import force_locale

from registry import labels
from registry.filings.models import KINDS

SMELTER, KIND, WHOLE, MONTH, TEXT = "smelter", "kind", "whole", "month", "text"


@dataclass(frozen=True)
class Column:
    key: str  # the API field
    zh: str
    en: str
    kind: str  # how a cell is read: SMELTER, KIND, WHOLE, MONTH, TEXT
    required: bool = True
    width: int = 16
    zh_hint: str = ""
    en_hint: str = ""
    aliases: tuple[str, ...] = ()  # headers of earlier templates, still read

    @property
    def header(self) -> str:
        return f"{self.zh} {self.en}"


@dataclass(frozen=True)
class Sheet:
    """One kind of import: its columns, the sheet's title and the example row's values."""

    name: str  # "filings" | "monthly_returns"
    title: str
    columns: tuple[Column, ...]
    example: dict[str, object]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


# The smelter cell of the template's example row: a row that keeps it is the example, never imported.
EXAMPLE_SMELTER = "示例 Example"

FILINGS = Sheet("filings", "备案 Filings", (
    Column("smelter_id", "电解铝厂", "Smelter", SMELTER, width=28, aliases=("冶炼厂", "冶炼厂 Smelter"),
           zh_hint="从下拉列表中选择本企业的电解铝厂", en_hint="Choose one of your smelters from the list"),
    Column("kind", "类型", "Kind", KIND, width=20,
           zh_hint="复产、新增产能、减产或关停", en_hint="Restart, new capacity, curtailment or closure"),
    Column("capacity_tpa", "产能（吨/年）", "Capacity (t/a)", WHOLE, width=18,
           zh_hint="整数吨/年，例如 120000", en_hint="Whole tonnes per year, e.g. 120000"),
    Column("effective_month", "生效月份", "Effective month", MONTH, width=16,
           zh_hint="年-月，例如 2027-01", en_hint="Year-month, e.g. 2027-01"),
    Column("notes", "备注", "Notes", TEXT, required=False, width=36,
           zh_hint="可选，最多 4000 字", en_hint="Optional, at most 4,000 characters"),
    Column("cell_count", "电解槽数", "Number of cells", WHOLE, required=False, width=14,
           zh_hint="可选", en_hint="Optional"),
    Column("cell_amperage_ka", "电流强度（千安）", "Cell amperage (kA)", WHOLE, required=False, width=18,
           zh_hint="可选，不填则用电解铝厂的", en_hint="Optional; the smelter's own when empty"),
), {"smelter_id": EXAMPLE_SMELTER, "kind": "restart", "capacity_tpa": 120_000, "effective_month": "2027-01",
    "notes": "示例行：导入时跳过 Example row: skipped on import", "cell_count": None, "cell_amperage_ka": None})

MONTHLY_RETURNS = Sheet("monthly_returns", "月报 Monthly returns", (
    Column("smelter_id", "电解铝厂", "Smelter", SMELTER, width=28, aliases=("冶炼厂", "冶炼厂 Smelter"),
           zh_hint="从下拉列表中选择本企业的电解铝厂", en_hint="Choose one of your smelters from the list"),
    Column("month", "月份", "Month", MONTH, width=14,
           zh_hint="已过去或本月，例如 2027-01", en_hint="A past or the current month, e.g. 2027-01"),
    Column("operating_tpa", "运行产能（吨/年）", "Operating capacity (t/a)", WHOLE, width=24,
           zh_hint="本月实际运行的产能", en_hint="Capacity actually operating in the month"),
    Column("production_t", "产量（吨）", "Production (t)", WHOLE, width=16,
           zh_hint="本月原铝产量", en_hint="Tonnes of primary aluminium produced in the month"),
), {"smelter_id": EXAMPLE_SMELTER, "month": "2027-01", "operating_tpa": 300_000, "production_t": 25_000})

SHEETS = {sheet.name: sheet for sheet in (FILINGS, MONTHLY_RETURNS)}

_SPACES = re.compile(r"\s+")


def normalise(text: object) -> str:
    """A header or label as compared: trimmed, single spaces, case-folded, a trailing ``*`` dropped."""
    return _SPACES.sub(" ", str(text).replace("\u3000", " ")).strip().rstrip("*").strip().casefold()


def header_names(column: Column) -> set[str]:
    """Every header that names ``column``."""
    return {normalise(name) for name in (column.header, column.zh, column.en, column.key, *column.aliases)}


def kind_labels() -> dict[str, tuple[str, str]]:
    """Each kind's (Chinese, English) label, from ``registry.labels``."""
    out = {}
    for code in KINDS:
        with force_locale("zh_CN"):
            zh = str(labels.KINDS[code])
        with force_locale("en"):
            en = str(labels.KINDS[code])
        out[code] = (zh, en)
    return out


def kind_choices() -> list[str]:
    """The kind drop-down's entries: "复产 Restart", ..."""
    return [f"{zh} {en}" for zh, en in kind_labels().values()]


def kind_lookup() -> dict[str, str]:
    """Every accepted spelling of a kind (code, either label, both) to its code."""
    lookup = {}
    for code, (zh, en) in kind_labels().items():
        for name in (code, zh, en, f"{zh} {en}", f"{en} {zh}"):
            lookup[normalise(name)] = code
    for name in ("淘汰", "淘汰 Closure"):  # the closure's label in templates before the glossary (2026-12)
        lookup[normalise(name)] = "closure"
    return lookup
