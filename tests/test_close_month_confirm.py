"""Closing a month from the page asks first, saying what closing does and what will be published."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.filings.models import Filing
from registry.months import current
from registry.summaries.models import SummarySnapshot
from tests import summary_world
from tests.summary_world import MONTH
from tests.web_helpers import sign_in, text

PAGE = f"/summaries/{MONTH}"


@pytest.fixture
def setup(factory, world, api_as):
    return summary_world.build_with_returns_and_cap(factory, world, api_as)


def _snapshots(app) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(SummarySnapshot))
        db.session.remove()
    return count


def test_the_close_button_leads_to_a_confirmation_that_closes_nothing(app, client, world, setup, factory):
    factory.filing(world.smelter_b, world.filer_b, "curtailment", 30_000, MONTH, status="submitted")
    sign_in(client, world.admin)
    page = text(client.get(PAGE))
    assert "asks you to confirm" in page
    asked = client.post(PAGE + "/close")
    body = text(asked)
    assert asked.status_code == 200 and _snapshots(app) == 0
    assert "The summary is frozen" in body and "no longer change it" in body and "new revision" in body
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)", body))
    with app.app_context():
        pending = db.session.scalar(sa.select(sa.func.count()).select_from(Filing).where(
            Filing.effective_month == MONTH, Filing.status == "submitted"))
        db.session.remove()
    assert pending >= 1 and facts["Filings for this month still awaiting a decision"].strip() == str(pending)
    assert facts["Returns missing"].strip().isdigit() and facts["Returns in"].strip().isdigit()
    assert 'name="confirm" value="yes"' in body and f'href="{PAGE}"' in body  # confirm, or go back


def test_confirming_closes_the_month(app, client, world, setup):
    sign_in(client, world.admin)
    closed = client.post(PAGE + "/close", data={"confirm": "yes"}, follow_redirects=True)
    assert "is closed. SHA-256" in text(closed) and _snapshots(app) == 1
    again = client.post(PAGE + "/close", follow_redirects=True)  # a closed month asks nothing
    assert "already closed" in text(again) and _snapshots(app) == 1


def test_a_month_that_has_not_ended_cannot_be_confirmed(app, client, world, setup):
    sign_in(client, world.admin)
    response = client.post(f"/summaries/{current()}/close", follow_redirects=True)
    assert "A month can be closed once it has ended." in text(response) and _snapshots(app) == 0


@pytest.mark.parametrize("role", ["reviewer", "auditor", "filer_a"])
def test_only_admins_reach_the_confirmation(client, world, setup, role):
    sign_in(client, getattr(world, role))
    assert client.post(PAGE + "/close").status_code == 403
    assert client.post(PAGE + "/close", data={"confirm": "yes"}).status_code == 403
