"""Charts as server-rendered SVG (pygal), each served as its own image.

pygal's default page script comes from the internet; ``js=[]`` drops it,
so a chart needs nothing but its own inline <style>. The SVG responses get
a CSP that allows exactly that and nothing else."""

from __future__ import annotations

import re

import pygal
from flask import Response
from pygal.style import Style

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


def line_chart(title: str, months: list[str], every: int | None = None,
               colors: tuple[str, ...] | None = None) -> pygal.Line:
    """A line chart over months, with readable month labels and no remote script."""
    every = every or max(1, len(months) // 12)
    style = STYLE if colors is None else Style(**{**STYLE.to_dict(), "colors": colors})
    chart = pygal.Line(
        js=[], style=style, min_scale=4, max_scale=8, width=960, height=380, title=title, show_dots=len(months) <= 36,
        dots_size=2.5, x_label_rotation=0, show_minor_x_labels=False,
        legend_at_bottom=True, legend_at_bottom_columns=3, truncate_legend=-1, truncate_label=-1,
        value_formatter=lambda v: f"{v:,.0f}" if v is not None else "", margin=16,
        x_labels_major_every=every, disable_xml_declaration=False, explicit_size=False,
        include_x_axis=True,
    )
    chart.x_labels = months
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
