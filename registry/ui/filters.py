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
bp.add_app_template_filter(formatting.province, "province")
bp.add_app_template_filter(formatting.percent, "pct")
bp.add_app_template_filter(formatting.ratio, "ratio")
bp.add_app_template_filter(localize, "message")  # a coded message in the page's language


@bp.app_template_filter("tpa")
def tpa(value: int | None, unit: bool = True) -> Markup:
    """Capacity in t/a; in Chinese the 万吨 figure follows, as members read it."""
    if value is None:
        return Markup("–")
    text = escape(formatting.number(value))
    if unit:
        text += Markup('<span class="unit"> {}</span>').format(_("t/a"))
    if is_chinese():
        text += Markup('<span class="wan">（{} 万吨）</span>').format(formatting.wan(value))
    return Markup('<span class="tpa">{}</span>').format(text)


def _label_filter(table: dict):
    return lambda code: labels.label(table, code)


for _name, _table in {
    "kind_label": labels.KINDS, "status_label": labels.STATUSES, "action_label": labels.ACTIONS,
    "event_label": labels.EVENTS, "role_label": labels.ROLES, "scope_label": labels.SCOPES,
    "basis_label": labels.BASES, "cap_status_label": labels.CAP_STATUSES,
    "power_label": labels.POWER_SOURCES,
}.items():
    bp.add_app_template_filter(_label_filter(_table), _name)
bp.add_app_template_filter(lambda code: str(rule_label(code)), "rule_label")


@bp.app_context_processor
def page_globals() -> dict:
    """Values every template may use: this month and last month (for the summary link)."""
    this_month = months.current()
    return {"this_month": this_month, "last_month": months.add(this_month, -1),
            "is_chinese": is_chinese, "localize": localize, "get_locale": get_locale}
