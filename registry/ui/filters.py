"""Template filters: the figures of ``registry.formatting`` for pages, with HTML where it helps."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from registry import formatting, labels, months
from registry.formatting import is_chinese
from registry.messages import localize
from registry.problems import rule_label
from registry.ui.pages import bp

num = bp.app_template_filter("num")(formatting.number)
bp.add_app_template_filter(formatting.month_label, "month")
bp.add_app_template_filter(formatting.when, "when")
bp.add_app_template_filter(formatting.day, "day")
bp.add_app_template_filter(formatting.tonnage, "tonnage")  # plain text with its unit, inside a sentence
bp.add_app_template_filter(formatting.quantity, "qty")  # under a header that names the unit
bp.add_app_template_filter(formatting.tonnes, "tonnes")  # tonnes produced with the unit, inside a sentence
bp.add_app_template_filter(formatting.province, "province")
bp.add_app_template_filter(formatting.percent, "pct")
bp.add_app_template_filter(formatting.ratio, "ratio")
bp.add_app_template_filter(localize, "message")  # a coded message in the page's language


@bp.app_template_filter("tpa")
def tpa(value: int | None, unit: bool = True) -> Markup:
    """Capacity as its reader counts it: 125,000 t/a, or 12.5万吨/年 with the exact tonnes on hover.

    ``unit=False`` under a column header that names the unit.
    """
    if value is None:
        return Markup("–")
    text = escape(formatting.quantity(value))
    if unit:
        text += Markup('<span class="unit">{}{}</span>').format("" if is_chinese() else " ", _("t/a"))
    if is_chinese():
        return Markup('<span class="tpa" title="{}">{}</span>').format(
            _("%(number)s t/a", number=formatting.number(value)), text)
    return Markup('<span class="tpa">{}</span>').format(text)


def _label_filter(table: dict):
    return lambda code: labels.label(table, code)


for _name, _table in {
    "kind_label": labels.KINDS, "status_label": labels.STATUSES, "action_label": labels.ACTIONS,
    "event_label": labels.EVENTS, "role_label": labels.ROLES, "scope_label": labels.SCOPES,
    "basis_label": labels.BASES, "cap_status_label": labels.CAP_STATUSES,
    "power_label": labels.POWER_SOURCES, "notice_state_label": labels.NOTICE_STATES,
    "field_label": labels.SUMMARY_FIELDS,
}.items():
    bp.add_app_template_filter(_label_filter(_table), _name)
bp.add_app_template_filter(lambda code: str(rule_label(code)), "rule_label")


@bp.app_context_processor
def page_globals() -> dict:
    """Values every template may use: this month and last month (for the summary link)."""
    this_month = months.current()
    return {"this_month": this_month, "last_month": months.add(this_month, -1),
            "is_chinese": is_chinese, "localize": localize, "get_locale": get_locale}
