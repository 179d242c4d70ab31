"""Never spent twice, under load: concurrent approvals and transfers against gunicorn.

Each filing is on its own smelter (and no cap exists), so nothing but the
indicator's row lock (PostgreSQL) or the write lock (SQLite) stands between
the requests. The indicator has room for exactly three of them.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.filings.models import APPROVED, Filing
from registry.replacement.models import FilingReplacement, Indicator
from tests.server_helpers import gunicorn
from tests.test_replacement_cover import closure_indicator, new_capacity

CONTENDERS = 12
TONNES = 30_000  # an indicator of 100,000 t/a has room for three

pytestmark = pytest.mark.server



@pytest.fixture
def server(app, database_url):
    """The app under gunicorn with four workers on this test's database; stopped afterwards."""
    with gunicorn(database_url, workers=4) as base:
        yield base


def _post(url: str, token: str, body: dict | None = None) -> int:
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={  # noqa: S310
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _fire(calls: list[tuple[str, str, dict | None]]) -> list[int]:
    """POST every call at once from its own thread; the status codes in call order."""
    statuses: list[int] = [0] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int, url: str, token: str, body: dict | None) -> None:
        barrier.wait()
        statuses[index] = _post(url, token, body)

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _contenders(app, factory, world, count: int):
    """An indicator of 100,000 t/a and ``count`` submitted filings, each on its own smelter, drawing 30,000."""
    indicator = closure_indicator(factory, app, world.smelter_a, world.filer_a, 100_000)
    filings = [new_capacity(factory, factory.smelter(world.ent_a), world.filer_a, TONNES, [(indicator.id, TONNES)])
               for _ in range(count)]
    return indicator, filings


def _state(app, indicator_id: int) -> tuple[int, int, int]:
    """(remaining, tonnes consumed by approved filings, tonnes transferred out) of the indicator."""
    with app.app_context():
        left = db.session.get(Indicator, indicator_id).remaining_tpa
        consumed = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(FilingReplacement.tonnes_tpa), 0))
            .join(Filing, Filing.id == FilingReplacement.filing_id)
            .where(FilingReplacement.indicator_id == indicator_id, Filing.status == APPROVED))
        moved = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Indicator.tonnes_tpa), 0))
                                  .where(Indicator.parent_id == indicator_id))
        db.session.remove()
        return left, int(consumed), int(moved)


def test_concurrent_approvals_on_one_indicator_admit_exactly_what_fits(app, factory, world, server):
    indicator, filings = _contenders(app, factory, world, CONTENDERS)
    tokens = [factory.token(world.reviewer) for _ in filings]

    statuses = _fire([(f"{server}/api/v1/filings/{f.id}/approve", token, None)
                      for f, token in zip(filings, tokens, strict=True)])

    assert sorted(statuses) == [200] * 3 + [409] * (CONTENDERS - 3), statuses
    left, consumed, moved = _state(app, indicator.id)
    assert (left, consumed, moved) == (10_000, 90_000, 0)


def test_concurrent_transfers_and_approvals_never_exceed_the_indicator(app, factory, world, server):
    indicator, filings = _contenders(app, factory, world, CONTENDERS // 2)
    tokens = [factory.token(world.reviewer) for _ in range(CONTENDERS)]
    approvals = [(f"{server}/api/v1/filings/{f.id}/approve", tokens[i], None) for i, f in enumerate(filings)]
    transfers = [(f"{server}/api/v1/indicators/{indicator.id}/transfers", tokens[len(filings) + i],
                  {"route": "trade", "to_enterprise_id": world.ent_b.id, "tonnes_tpa": TONNES, "note": f"race {i}"})
                 for i in range(CONTENDERS - len(filings))]
    calls = [call for pair in zip(approvals, transfers, strict=True) for call in pair]

    statuses = _fire(calls)

    succeeded = [s for s in statuses if s in (200, 201)]
    assert len(succeeded) == 3, statuses
    assert set(statuses) <= {200, 201, 409}, statuses
    left, consumed, moved = _state(app, indicator.id)
    assert left == 10_000
    assert consumed + moved == 90_000
    assert consumed == TONNES * statuses.count(200) and moved == TONNES * statuses.count(201)
