"""Charts as server-rendered SVG (pygal), each served as its own image.

pygal's default page script comes from the internet; ``js=[]`` drops it,
so a chart needs nothing but its own inline <style>. The SVG responses get
a CSP that allows exactly that and nothing else."""

from __future__ import annotations

import re

import pygal
from flask import Response
from flask_babel import format_decimal
from pygal.style import Style

from registry.formatting import is_chinese, month_label

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', system-ui, sans-serif"

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2d3d",
    foreground_strong="#0b2545",
    foreground_subtle="#d5dde6",
    opacity=".25",
    opacity_hover=".4",
    transition="0s",
    colors=("#0b5cad", "#c2410c", "#15803d", "#6d28d9", "#b91c1c"),
    guide_stroke_color="#e3e8ee",
    major_guide_stroke_color="#cfd8e2",
    guide_stroke_dasharray="3,3",
    major_guide_stroke_dasharray="3,3",
    stroke_width=2.5,
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    tooltip_font_family=FONT,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)


def tonnage_scale() -> int:
    """What a chart's tonnage is divided by: 万 (10,000) for Chinese readers, whose titles say 万吨/年."""
    return 10_000 if is_chinese() else 1


def tonnage_label(value: float | None) -> str:
    """A chart value (already scaled) as its reader writes it: 12.5, 125,000."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.##" if is_chinese() else "#,##0")


class TonnageLine(pygal.Line):
    """A line chart of tonnages: each series is scaled to the reader's unit as it is added."""

    def add(self, title, values, **kwargs):
        scale = tonnage_scale()
        return super().add(title, [None if v is None else v / scale for v in values], **kwargs)


def line_chart(title: str, months: list[str], every: int | None = None,
               colors: tuple[str, ...] | None = None) -> pygal.Line:
    """A tonnage chart over months: months as 2016年11月 or Nov 2016, values in 万吨/年 or t/a, no remote script.

    The title names the unit (its Chinese text says 万吨/年), the series are
    given in tonnes and scaled here, so every chart agrees with the tables.
    """
    every = every or max(1, len(months) // 12)
    style = STYLE if colors is None else Style(**{**STYLE.to_dict(), "colors": colors})
    chart = TonnageLine(
        js=[], style=style, min_scale=4, max_scale=8, width=960, height=380, title=title, show_dots=len(months) <= 36,
        dots_size=2.5, x_label_rotation=0, show_minor_x_labels=False,
        legend_at_bottom=True, legend_at_bottom_columns=3, truncate_legend=-1, truncate_label=-1,
        value_formatter=tonnage_label, margin=16,
        x_labels_major_every=every, disable_xml_declaration=False, explicit_size=False,
        include_x_axis=True,
    )
    chart.x_labels = [month_label(month) for month in months]
    return chart


SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def svg_response(chart: pygal.Graph) -> Response:
    """The chart as image/svg+xml with its own, narrow CSP.

    Even with ``js=[]`` pygal writes an inline script holding its tooltip
    config; an <img> never runs it, and it is dropped so the SVG has none.
    """
    svg = SCRIPT.sub("", chart.render(is_unicode=True))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_CSP
    response.headers["Cache-Control"] = "private, no-store"
    return response
