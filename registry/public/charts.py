"""The public page's chart: the pipeline of approved and pending additions, as pygal SVG."""

from __future__ import annotations

from typing import Any

import pygal
from flask_babel import gettext as _

from registry.formatting import month_label
from registry.ui.charts import STYLE, tonnage_label, tonnage_scale

MIN_TOP_TPA = 100_000  # the axis of a quiet year still reads in tonnes, not 0 to 1


def pipeline_chart(rows: list[dict[str, Any]]) -> pygal.Graph:
    """Approved additions and pending ones stacked per month; a withheld month is a gap."""
    scale = tonnage_scale()  # the title says 万吨/年 in Chinese

    def scaled(value: int | None) -> float | None:
        return None if value is None else value / scale

    shown = [(row["approved_additions_tpa"] or 0) + (row["pending_additions_tpa"] or 0) for row in rows]
    chart = pygal.StackedBar(
        range=(0, max([*shown, MIN_TOP_TPA]) / scale), min_scale=4, max_scale=8,
        js=[], style=STYLE, width=960, height=380, title=_("Restarts and new capacity by month (t/a)"),
        legend_at_bottom=True, truncate_legend=-1, truncate_label=-1, margin=16, explicit_size=False,
        x_label_rotation=30, print_values=False, include_x_axis=True,
        value_formatter=tonnage_label)
    chart.x_labels = [month_label(row["month"]) for row in rows]
    chart.add(_("Approved"), [scaled(row["approved_additions_tpa"]) for row in rows])
    chart.add(_("Pending review"), [scaled(row["pending_additions_tpa"]) for row in rows])
    return chart
