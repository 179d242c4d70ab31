"""The capacity engine: a filing's effect, the month-by-month replay, positions and cap usage.

``replay`` is pure arithmetic (domain.md, "Model"); ``models`` and
``projection`` keep its result per smelter and month, written in the same
transaction as every status change that counts; ``positions``, ``usage``
and ``checks`` read that projection, so no figure is a scan of the ledger.
"""
