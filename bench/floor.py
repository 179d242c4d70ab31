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
# smelters' rows of each month, plus each smelter whose rows end earlier, carried forward.
NATIONAL_OPERATING_USAGE = """
WITH wanted(month) AS (VALUES {months}),
exact AS (
  SELECT month, SUM(operating_tpa) AS approved, SUM(pending_operating_tpa) AS pending
  FROM smelter_months WHERE month BETWEEN :first AND :last GROUP BY month
), carried AS (
  SELECT w.month, SUM(s.operating_tpa) AS approved, SUM(s.pending_operating_tpa) AS pending
  FROM wanted w JOIN smelter_months s ON s.is_last AND s.month < w.month GROUP BY w.month
)
SELECT w.month, COALESCE(e.approved, 0) + COALESCE(c.approved, 0), COALESCE(e.pending, 0) + COALESCE(c.pending, 0)
FROM wanted w LEFT JOIN exact e ON e.month = w.month LEFT JOIN carried c ON c.month = w.month
ORDER BY w.month
"""


def summary_totals(conn, month: str, overdue: bool) -> dict[str, int]:
    """The summary's ``totals`` in one query."""
    row = conn.execute(SUMMARY_TOTALS, {"month": month, "overdue": overdue}).mappings().one()
    return {key: int(value or 0) for key, value in row.items()}


def national_operating_usage(conn, first: str, last: str) -> list[tuple[str, int, int]]:
    """(month, approved, pending) for each month ``first``..``last``, in one query."""
    wanted = ", ".join(f"('{month}')" for month in months.span(first, last))  # months are YYYY-MM: no quoting
    query = sa.text(NATIONAL_OPERATING_USAGE.format(months=wanted))
    return [(m, int(a), int(p)) for m, a, p in conn.execute(query, {"first": first, "last": last})]
