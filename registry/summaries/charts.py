"""The summary page's charts: cap usage and capacity by province, as pygal SVG."""

from __future__ import annotations

import re
from typing import Any

import pygal
from flask import Response
from flask_babel import format_percent
from flask_babel import gettext as _

from registry.reference.provinces import province_name
from registry.ui.charts import STYLE, SVG_CSP, tonnage_label, tonnage_scale

# pygal writes its config as an inline <script> even with js=[]; shown as an <img> it never runs.
INLINE_SCRIPT = re.compile(rb"<script\b.*?</script>", re.S)


def _options(title: str, height: int) -> dict[str, Any]:
    # js=[]: pygal's default script is fetched from the internet; the page needs none.
    return {"js": [], "style": STYLE, "width": 960, "height": height, "title": title,
            "legend_at_bottom": True, "truncate_legend": -1, "truncate_label": -1, "margin": 16,
            "explicit_size": False}


def cap_usage_chart(summary: dict[str, Any]) -> pygal.Graph:
    """Each cap's approved usage and usage with pending filings, as a percentage of its limit."""
    caps = summary["caps"]
    chart = pygal.HorizontalBar(**_options(_("Cap usage against limit (%)"), max(240, 90 + 56 * len(caps))),
                                value_formatter=lambda v: format_percent(v / 100, format="#,##0.#%"))
    chart.x_labels = [cap["name"] for cap in caps]

    def share(value: int, limit: int) -> float:
        return round(100 * value / limit, 1) if limit else 0.0

    chart.add(_("Approved"), [share(cap["usage_tpa"], cap["limit_tpa"]) for cap in caps])
    chart.add(_("With pending"), [share(cap["pending_tpa"], cap["limit_tpa"]) for cap in caps])
    return chart


def provinces_chart(summary: dict[str, Any], locale: str) -> pygal.Graph:
    """Built capacity by province, stacked as operating plus idle."""
    provinces = sorted(summary["provinces"], key=lambda p: -p["built_tpa"])
    chart = pygal.StackedBar(**_options(_("Capacity by province (t/a)"), 400),
                             value_formatter=tonnage_label, x_label_rotation=30)
    chart.x_labels = [province_name(p["province"], locale) for p in provinces]
    scale = tonnage_scale()  # the title says 万吨/年 in Chinese
    chart.add(_("Operating"), [p["operating_tpa"] / scale for p in provinces])
    chart.add(_("Idle"), [p["idle_tpa"] / scale for p in provinces])
    return chart


def svg_response(chart: pygal.Graph) -> Response:
    """The chart as image/svg+xml without scripts, under a CSP that allows only its inline style."""
    response = Response(INLINE_SCRIPT.sub(b"", chart.render()), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_CSP
    response.headers["Cache-Control"] = "private, no-store"
    return response
