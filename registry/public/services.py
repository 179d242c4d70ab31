"""The published figures: a month's national and provincial totals, national caps, the pipeline.

Each is built from one grouped query over the projection (``registry.capacity``):
per province and enterprise for a month (the same positions and flows as
``registry.summaries.services`` reads per smelter), per month and enterprise
for the pipeline (the additions ``registry.capacity.usage.national_additions``
sums). Grouping by enterprise is what the disclosure rule needs
(``registry.public.suppression``); no name, id or single member's figure
leaves this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from registry import months
from registry.capacity.disclosure import (
    MAX_SHARE,
    MIN_CONTRIBUTORS,
    Contributions,
    cell_passes,
    disclose,
    merge,
    totals,
)
from registry.capacity.models import SmelterMonth
from registry.capacity.positions import at_month
from registry.capacity.usage import status_for
from registry.caps.models import BUILT, NATIONAL, OPERATING, Cap
from registry.extensions import db
from registry.members.models import Smelter
from registry.messages import Template
from registry.problems import InvalidInput

STOCKS = ("built_tpa", "operating_tpa", "idle_tpa")  # what a province row shows, each tested
FLOWS = ("approved_additions_tpa", "pending_additions_tpa")  # national only, each cell tested
PENDING_STOCKS = ("pending_built_tpa", "pending_operating_tpa")  # for the caps' usage with pending
FIGURES = STOCKS + FLOWS + PENDING_STOCKS
PIPELINE_MONTHS = 12
MAX_PIPELINE_MONTHS = 120

TO_BEFORE_FROM = Template("to_before_from", "Must not be before 'from'.")
TOO_MANY_MONTHS = Template("too_many_months", "Ask for at most %(count)s months.")


def _contributions(month: str) -> dict[str, dict[int, dict[str, int]]]:
    """One query: per province and enterprise, the month's positions, additions and pending changes."""
    rows = at_month(month)

    def in_month(value):  # a carried-forward row's flows took effect in an earlier month
        return sa.func.coalesce(sa.case((rows.c.in_month, value), else_=0), 0)

    built = sa.func.coalesce(rows.c.built_tpa, Smelter.baseline_built_tpa)
    operating = sa.func.coalesce(rows.c.operating_tpa, Smelter.baseline_operating_tpa)
    found = db.session.execute(
        sa.select(
            Smelter.province, Smelter.enterprise_id,
            sa.func.sum(built), sa.func.sum(operating),
            sa.func.sum(in_month(rows.c.restart_tpa + rows.c.new_tpa)),
            sa.func.sum(in_month(rows.c.pending_restart_tpa + rows.c.pending_new_tpa)),
            sa.func.sum(sa.func.coalesce(rows.c.pending_built_tpa, Smelter.baseline_built_tpa)),
            sa.func.sum(sa.func.coalesce(rows.c.pending_operating_tpa, Smelter.baseline_operating_tpa)),
        )
        .outerjoin(rows, rows.c.smelter_id == Smelter.id)
        .where(Smelter.baseline_month <= month)
        .group_by(Smelter.province, Smelter.enterprise_id)
    ).all()
    out: dict[str, dict[int, dict[str, int]]] = {}
    for province, enterprise_id, b, o, added, pending, pending_built, pending_operating in found:
        b, o = int(b), int(o)
        out.setdefault(province, {})[enterprise_id] = {
            "built_tpa": b, "operating_tpa": o, "idle_tpa": b - o,
            "approved_additions_tpa": int(added), "pending_additions_tpa": int(pending),
            "pending_built_tpa": int(pending_built), "pending_operating_tpa": int(pending_operating)}
    return out


def _utilisation(figures: Mapping[str, int | None]) -> float | None:
    built, operating = figures.get("built_tpa"), figures.get("operating_tpa")
    return round(operating / built, 4) if built and operating is not None else None


def _stock_row(contributions: Contributions | None) -> dict[str, Any]:
    """A row's stocks and utilisation; all null when ``contributions`` is None (withheld)."""
    if contributions is None:
        return {**dict.fromkeys(STOCKS), "utilisation": None}
    figures = totals(contributions, STOCKS)
    return {**figures, "utilisation": _utilisation(figures)}


def _flow(contributions: Contributions, figure: str) -> int | None:
    """A national flow, or None when it is one or two members' figure (or one member's by dominance)."""
    values = [v.get(figure, 0) for v in contributions.values()]
    return sum(values) if cell_passes(values) else None


_CAP_FIGURES = {  # cap basis -> (approved usage, usage with pending) as sums of contributions
    BUILT: (lambda v: v["built_tpa"], lambda v: v["pending_built_tpa"]),
    OPERATING: (lambda v: v["operating_tpa"], lambda v: v["pending_operating_tpa"]),
}
_ADDITIONS = (lambda v: v["approved_additions_tpa"],
              lambda v: v["approved_additions_tpa"] + v["pending_additions_tpa"])


def _published_sum(values: list[int]) -> int | None:
    return sum(values) if cell_passes(values) else None


def _cap_rows(month: str, national: Contributions) -> list[dict[str, Any]]:
    """Active national caps covering ``month``: usage under the rule, and status (a band, never a figure)."""
    caps = db.session.scalars(
        sa.select(Cap).where(Cap.active.is_(True), Cap.scope == NATIONAL,
                             Cap.period_from <= month, Cap.period_to >= month).order_by(Cap.id)).all()
    out = []
    for cap in caps:
        approved_of, pending_of = _CAP_FIGURES.get(cap.basis, _ADDITIONS)
        approved_values = [approved_of(v) for v in national.values()]
        pending_values = [pending_of(v) for v in national.values()]
        usage, pending = _published_sum(approved_values), _published_sum(pending_values)
        out.append({
            "name": cap.name, "basis": cap.basis, "limit_tpa": cap.limit_tpa,
            "period_from": cap.period_from, "period_to": cap.period_to,
            "usage_tpa": usage, "pending_tpa": pending,
            "headroom_tpa": None if usage is None else cap.limit_tpa - usage,
            "status": status_for(sum(approved_values), cap.limit_tpa),
            "pending_status": status_for(sum(pending_values), cap.limit_tpa),
        })
    return out


def public_summary(month: str) -> dict[str, Any]:
    """The month's published figures: national, by province under the rule, the pool, national caps."""
    provinces = _contributions(month)
    national = merge(provinces.values(), FIGURES)
    disclosure = disclose(provinces, STOCKS)
    rows = []
    for code in sorted(provinces):
        shown = code in disclosure.published
        rows.append({"province": code, "suppressed": not shown,
                     **_stock_row(provinces[code] if shown else None)})
    pool = None
    if disclosure.pool:
        pool = {"provinces": list(disclosure.pooled),
                **_stock_row(merge((provinces[c] for c in disclosure.pooled), FIGURES))}
    return {
        "month": month,
        "national": {"suppressed": not disclosure.national,
                     **_stock_row(national if disclosure.national else None),
                     **{figure: _flow(national, figure) for figure in FLOWS}},
        "provinces": rows,
        "other_provinces": pool,
        "caps": _cap_rows(month, national),
        "rule": {"min_enterprises": MIN_CONTRIBUTORS, "max_share": MAX_SHARE[0] / MAX_SHARE[1]},
    }


def pipeline_range(first: str | None, last: str | None) -> tuple[str, str]:
    """The months asked for: default this month and the 11 after it; 422 naming the field if backwards or long."""
    first = first or (months.add(last, 1 - PIPELINE_MONTHS) if last else months.current())
    last = last or months.add(first, PIPELINE_MONTHS - 1)
    if first > last:
        raise InvalidInput("to", TO_BEFORE_FROM())
    if months.count(first, last) > MAX_PIPELINE_MONTHS:
        raise InvalidInput("to", TOO_MANY_MONTHS(count=MAX_PIPELINE_MONTHS))
    return first, last


def pipeline(first: str, last: str) -> list[dict[str, Any]]:
    """National approved and pending additions per month, each withheld (null) where the rule says so.

    One query: restarts and new capacity per month and enterprise; a month's
    additions are the flows of the projection rows of that month (carried
    months have none), as ``national_additions`` sums them.
    """
    m = SmelterMonth
    found = db.session.execute(
        sa.select(m.month, Smelter.enterprise_id, sa.func.sum(m.restart_tpa + m.new_tpa),
                  sa.func.sum(m.pending_restart_tpa + m.pending_new_tpa))
        .join(Smelter, Smelter.id == m.smelter_id)
        .where(m.month.between(first, last))
        .group_by(m.month, Smelter.enterprise_id)
    ).all()
    by_month: dict[str, dict[int, dict[str, int]]] = {}
    for month, enterprise_id, approved, pending in found:
        by_month.setdefault(month, {})[enterprise_id] = {
            "approved_additions_tpa": int(approved), "pending_additions_tpa": int(pending)}
    return [{"month": month, **{figure: _flow(by_month.get(month, {}), figure) for figure in FLOWS}}
            for month in months.span(first, last)]
