"""The floor: one hand-written SQL query for each figure the product computes.

Each query computes the same totals as the product's service (the bench
checks that they agree) with nothing around it: no ORM, no per-cap or
per-enterprise breakdown. It is what the figure costs the database alone.
"""

from __future__ import annotations

import sqlalchemy as sa

from registry import months

SUMMARY_TOTALS = sa.text("""
WITH ledger AS (
  SELECT smelter_id,
    SUM(CASE WHEN status = 'approved' THEN built_delta_tpa ELSE 0 END) AS built,
    SUM(CASE WHEN status = 'approved' THEN operating_delta_tpa ELSE 0 END) AS operating,
    SUM(CASE WHEN status = 'approved' AND effective_month = :month
             AND kind IN ('restart', 'new_capacity') THEN capacity_tpa ELSE 0 END) AS additions,
    SUM(CASE WHEN status = 'approved' AND effective_month = :month
             AND kind IN ('curtailment', 'closure') THEN capacity_tpa ELSE 0 END) AS reductions,
    SUM(CASE WHEN status = 'submitted' AND kind IN ('restart', 'new_capacity')
             THEN capacity_tpa ELSE 0 END) AS pending
  FROM filings
  WHERE (status = 'approved' AND effective_month <= :month) OR (status = 'submitted' AND effective_month = :month)
  GROUP BY smelter_id
), latest AS (
  SELECT smelter_id, MAX(revision) AS revision FROM monthly_returns WHERE month = :month GROUP BY smelter_id
), rows AS (
  SELECT s.baseline_built_tpa + COALESCE(l.built, 0) AS built,
         s.baseline_operating_tpa + COALESCE(l.operating, 0) AS operating,
         COALESCE(l.additions, 0) AS additions, COALESCE(l.reductions, 0) AS reductions,
         COALESCE(l.pending, 0) AS pending, e.active AS active,
         r.id AS return_id, r.operating_tpa AS reported, r.production_t AS production
  FROM smelters s
  JOIN enterprises e ON e.id = s.enterprise_id
  LEFT JOIN ledger l ON l.smelter_id = s.id
  LEFT JOIN latest lr ON lr.smelter_id = s.id
  LEFT JOIN monthly_returns r ON r.smelter_id = lr.smelter_id AND r.month = :month AND r.revision = lr.revision
  WHERE s.baseline_month <= :month
)
SELECT COUNT(*) AS smelters, SUM(built) AS built_tpa, SUM(operating) AS operating_tpa,
       SUM(built - operating) AS idle_tpa, SUM(additions) AS additions_tpa, SUM(reductions) AS reductions_tpa,
       SUM(pending) AS pending_additions_tpa, COUNT(return_id) AS returns_in,
       SUM(CASE WHEN return_id IS NULL AND active AND built <> 0 AND :overdue THEN 1 ELSE 0 END)
         AS returns_missing,
       COALESCE(SUM(reported), 0) AS reported_operating_tpa, COALESCE(SUM(production), 0) AS production_t,
       COALESCE(SUM(CASE WHEN return_id IS NOT NULL THEN reported - operating ELSE 0 END), 0) AS deviation_tpa
FROM rows
""")

# Approved and pending usage of a national operating-capacity cap: one grouped pass over the
# filings and the baselines, summed cumulatively by a window function.
NATIONAL_OPERATING_USAGE = sa.text("""
WITH changes AS (
  SELECT effective_month AS month,
         SUM(CASE WHEN status = 'approved' THEN operating_delta_tpa ELSE 0 END) AS approved,
         SUM(operating_delta_tpa) AS pending
  FROM filings
  WHERE status IN ('approved', 'submitted') AND effective_month <= :last
  GROUP BY effective_month
  UNION ALL
  SELECT baseline_month, SUM(baseline_operating_tpa), SUM(baseline_operating_tpa)
  FROM smelters WHERE baseline_month <= :last GROUP BY baseline_month
), by_month AS (
  SELECT month, SUM(approved) AS approved, SUM(pending) AS pending FROM changes GROUP BY month
)
SELECT month, SUM(approved) OVER (ORDER BY month) AS approved, SUM(pending) OVER (ORDER BY month) AS pending
FROM by_month
""")


def summary_totals(conn, month: str, overdue: bool) -> dict[str, int]:
    """The summary's ``totals`` in one query."""
    row = conn.execute(SUMMARY_TOTALS, {"month": month, "overdue": overdue}).mappings().one()
    return {key: int(value or 0) for key, value in row.items()}


def national_operating_usage(conn, first: str, last: str) -> list[tuple[str, int, int]]:
    """(month, approved, pending) for each month ``first``..``last``, in one query."""
    changes = [(m, int(a), int(p)) for m, a, p in conn.execute(NATIONAL_OPERATING_USAGE, {"last": last})]
    out, approved, pending, index = [], 0, 0, 0
    for month in months.span(changes[0][0] if changes else first, last):
        while index < len(changes) and changes[index][0] <= month:
            _, approved, pending = changes[index]
            index += 1
        if month >= first:
            out.append((month, approved, pending))
    return out
