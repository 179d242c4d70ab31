"""Template filters: numbers with separators, t/a with 万吨 in Chinese, months, labels."""

from __future__ import annotations

import datetime as dt

from flask_babel import format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from registry import months
from registry.reference.provinces import province_name
from registry.web import bp, labels


def is_chinese() -> bool:
    """Whether the page is in Chinese (capacities then also show 万吨)."""
    return str(get_locale()).startswith("zh")


@bp.app_template_filter("num")
def num(value: int | float | None) -> str:
    """A number with the locale's thousands separators."""
    return "–" if value is None else format_decimal(value)


def wan(value: int) -> str:
    """Tonnes as 万吨 (ten-thousand tonnes), to two decimals at most."""
    return format_decimal(round(value / 10_000, 2), format="#,##0.##")


@bp.app_template_filter("tpa")
def tpa(value: int | None, unit: bool = True) -> Markup:
    """Capacity in t/a; in Chinese the 万吨 figure follows, as members read it."""
    if value is None:
        return Markup("–")
    text = escape(num(value))
    if unit:
        text += Markup('<span class="unit"> {}</span>').format(_("t/a"))
    if is_chinese():
        text += Markup('<span class="wan">（{} 万吨）</span>').format(wan(value))
    return Markup('<span class="tpa">{}</span>').format(text)


@bp.app_template_filter("month")
def month_label(value: str | None) -> str:
    """``2016-11`` as 2016年11月 or Nov 2016."""
    if not value or not months.is_month(value):
        return value or "–"
    year, month = int(value[:4]), int(value[5:7])
    if is_chinese():
        return f"{year}年{month}月"
    return dt.date(year, month, 1).strftime("%b %Y")


@bp.app_template_filter("when")
def when(value: dt.datetime | None) -> str:
    """A timestamp in the reader's language (UTC)."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return format_datetime(value, "yyyy-MM-dd HH:mm") + " UTC"


@bp.app_template_filter("province")
def province(code: str | None) -> str:
    """A province's name in the page's language."""
    return province_name(code, str(get_locale())) if code else "–"


@bp.app_template_filter("pct")
def pct(part: int, whole: int) -> str:
    """``part`` as a percentage of ``whole``."""
    if not whole:
        return "–"
    return format_decimal(round(100 * part / whole, 1), format="#,##0.#") + " %"


def _label_filter(table: dict):
    return lambda code: labels.label(table, code)


for _name, _table in {
    "kind_label": labels.KINDS, "status_label": labels.STATUSES, "action_label": labels.ACTIONS,
    "event_label": labels.EVENTS, "role_label": labels.ROLES, "scope_label": labels.SCOPES,
    "basis_label": labels.BASES, "cap_status_label": labels.CAP_STATUSES,
    "power_label": labels.POWER_SOURCES, "rule_label": labels.RULES,
}.items():
    bp.add_app_template_filter(_label_filter(_table), _name)


@bp.app_context_processor
def page_globals() -> dict:
    """Values every template may use: this month and last month (for the summary link)."""
    this_month = months.current()
    from registry.web.messages import translate

    return {"this_month": this_month, "last_month": months.add(this_month, -1),
            "is_chinese": is_chinese, "translate_message": translate, "get_locale": get_locale}
