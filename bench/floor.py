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
  SELECT smelter_id, built_tpa AS built, operating_tpa AS operating, restart_tpa + new_tpa AS additions,
         curtail_tpa + closure_tpa AS reductions, pending_restart_tpa + pending_new_tpa AS pending
  FROM smelter_months WHERE month = :month
  UNION ALL
  SELECT smelter_id, built_tpa, operating_tpa, 0, 0, 0 FROM smelter_months WHERE is_last AND month < :month
), latest AS (
  SELECT smelter_id, MAX(revision) AS revision FROM monthly_returns WHERE month = :month GROUP BY smelter_id
), rows AS (
  SELECT COALESCE(l.built, s.baseline_built_tpa) AS built,
         COALESCE(l.operating, s.baseline_operating_tpa) AS operating,
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

# Approved and pending usage of a national operating-capacity cap from the projection: the
# smelters' rows of each month, plus (by month) the last rows of smelters whose rows end earlier.
NATIONAL_OPERATING_USAGE = sa.text("""
SELECT month, SUM(operating_tpa), SUM(pending_operating_tpa), 0 AS carried
FROM smelter_months WHERE month BETWEEN :first AND :last GROUP BY month
UNION ALL
SELECT month, SUM(operating_tpa), SUM(pending_operating_tpa), 1
FROM smelter_months WHERE is_last AND month < :last GROUP BY month
""")


def summary_totals(conn, month: str, overdue: bool) -> dict[str, int]:
    """The summary's ``totals`` in one query."""
    row = conn.execute(SUMMARY_TOTALS, {"month": month, "overdue": overdue}).mappings().one()
    return {key: int(value or 0) for key, value in row.items()}


def national_operating_usage(conn, first: str, last: str) -> list[tuple[str, int, int]]:
    """(month, approved, pending) for each month ``first``..``last``, in one query."""
    exact, ends = {}, []
    for month, approved, pending, carried in conn.execute(NATIONAL_OPERATING_USAGE, {"first": first, "last": last}):
        if carried:
            ends.append((month, int(approved), int(pending)))
        else:
            exact[month] = (int(approved), int(pending))
    out = []
    for month in months.span(first, last):
        here = exact.get(month, (0, 0))
        gone = [(a, p) for m, a, p in ends if m < month]  # rows ended before: carried forward
        out.append((month, here[0] + sum(a for a, _ in gone), here[1] + sum(p for _, p in gone)))
    return out
