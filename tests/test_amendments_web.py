"""Amendments on the web: Amend on an approved filing, the change beside the original, superseded shown."""

from __future__ import annotations

import re

from tests.web_helpers import sign_in, text


def test_a_filer_postpones_a_restart_from_its_page_and_both_pages_tell_the_story(world, factory, client, app):
    restart = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, effective_month="2016-11",
                             status="approved")
    sign_in(client, world.filer_a)
    page = text(client.get(f"/filings/{restart.id}"))
    assert f'href="/filings/{restart.id}/amend"' in page
    form = text(client.get(f"/filings/{restart.id}/amend"))
    assert 'value="100,000"' in form and 'value="2016-11"' in form
    saved = client.post(f"/filings/{restart.id}/amend",
                        data={"capacity_tpa": "100,000", "effective_month": "2017-03", "notes": "Power contract late"})
    assert saved.status_code == 302, text(saved)[:3000]
    amendment_id = int(saved.headers["Location"].rsplit("/", 1)[1])
    draft = text(client.get(f"/filings/{amendment_id}"))
    compare = draft[draft.index('id="amendment"'):]
    assert f"Amendment of filing #{restart.id}" in compare
    assert re.search(r"Nov 2016</td><td>Mar 2017", compare)
    assert f'href="/filings/{restart.id}/amend"' not in text(client.get(f"/filings/{restart.id}"))  # one open
    client.post(f"/filings/{amendment_id}/submit")
    client.post("/logout")
    sign_in(client, world.reviewer)
    assert client.post(f"/filings/{amendment_id}/approve").status_code == 302
    original = text(client.get(f"/filings/{restart.id}"))
    assert f"Superseded by amendment #{amendment_id}" in original
    assert f'href="/filings/{amendment_id}"' in original[original.index('id="amendments"'):]


def test_an_amendment_that_changes_nothing_is_refused_beside_the_field(world, factory, client):
    restart = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, status="approved")
    sign_in(client, world.filer_a)
    response = client.post(f"/filings/{restart.id}/amend",
                           data={"capacity_tpa": "100,000", "effective_month": "2016-11"})
    assert response.status_code == 422
    assert "This amendment changes nothing" in text(response)


def test_a_cancellation_in_chinese(world, factory, client):
    closure = factory.filing(world.smelter_a, world.filer_a, kind="closure", capacity_tpa=50_000, status="approved")
    sign_in(client, world.filer_a)
    saved = client.post(f"/filings/{closure.id}/amend", data={"cancel": "y", "capacity_tpa": "", "effective_month": ""})
    assert saved.status_code == 302, text(saved)[:2000]
    page = text(client.get(saved.headers["Location"], headers={"Accept-Language": "zh-CN"}))
    assert "撤销已批准的计划" in page


def test_only_the_filings_own_filer_can_amend(world, factory, client):
    restart = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, status="approved")
    sign_in(client, world.filer_b)
    assert client.get(f"/filings/{restart.id}/amend").status_code == 404
    assert client.post(f"/filings/{restart.id}/amend", data={"cancel": "y"}).status_code == 404
    client.post("/logout")
    sign_in(client, world.reviewer)
    assert client.get(f"/filings/{restart.id}/amend").status_code == 403
    assert f"/filings/{restart.id}/amend" not in text(client.get(f"/filings/{restart.id}"))
