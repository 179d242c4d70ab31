"""Reserved claims under load: transfers racing the approval of the filing that claims the tonnes.

Each indicator of 100,000 t/a is claimed for 60,000 by a submitted filing;
three transfers of 40,000 race its approval. Without the reservation two
transfers could take 80,000 first and the approval would fail; with it
exactly one transfer fits beside the claim, whatever the order, and the
approval always succeeds (the indicator row lock on PostgreSQL, the write
lock on SQLite).
"""

from __future__ import annotations

import pytest

from tests.server_helpers import gunicorn_workers, server  # noqa: F401  (fixtures)
from tests.test_replacement_cover import closure_indicator, new_capacity
from tests.test_replacement_eligibility import prove
from tests.test_replacement_race import _fire, _state

pytestmark = pytest.mark.server

ROUNDS = 3


def test_a_transfer_never_takes_tonnes_a_filing_in_review_claims(app, factory, world, server):  # noqa: F811
    for _ in range(ROUNDS):
        indicator = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
        filing = new_capacity(factory, factory.smelter(world.ent_a), world.filer_a, 60_000, [(indicator.id, 60_000)])
        prove(app, filing.id, world.reviewer.id)
        calls = [(f"{server}/api/v1/filings/{filing.id}/approve", factory.token(world.reviewer), None)]
        calls += [(f"{server}/api/v1/indicators/{indicator.id}/transfers", factory.token(world.reviewer),
                   {"to_enterprise_id": world.ent_b.id, "tonnes_tpa": 40_000, "route": "trade"}) for _ in range(3)]

        statuses = _fire(calls)

        assert statuses[0] == 200, statuses
        assert sorted(statuses[1:]) == [201, 409, 409], statuses
        assert _state(app, indicator.id) == (0, 60_000, 40_000)
