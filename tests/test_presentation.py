"""Pages that agree with themselves: tiles and tables, decisions and resubmissions, links and permissions,
the language a reader chose or their browser's, charts in the tables' units."""

from __future__ import annotations

import re

from tests.web_helpers import sign_in, text


def test_the_cap_tile_counts_what_the_cap_table_shows(client, factory, world):
    """Approved usage is within the cap, pending filings take it over: tile and table both say so."""
    factory.cap(name="全国运行产能", basis="operating_capacity", limit_tpa=700_000)
    factory.filing(world.smelter_a, world.filer_a, capacity_tpa=150_000, status="submitted")
    sign_in(client, world.reviewer)
    page = text(client.get("/", headers={"Accept-Language": "en"}))
    tile = re.search(r'id="caps-above">(.*?)</span>', page, re.S).group(1)
    assert "1 above its limit in some month, counting pending filings" in tile
    assert "Above limit" in page  # the table's status column


def test_a_resubmitted_filing_shows_its_return_note_as_history(client, factory, world, api_as):
    filing = factory.filing(world.smelter_a, world.filer_a, status="returned", reviewer=world.reviewer)
    assert api_as(world.filer_a).post(f"/api/v1/filings/{filing.id}/submit", json={}).status_code == 200
    sign_in(client, world.filer_a)
    page = text(client.get(f"/filings/{filing.id}", headers={"Accept-Language": "en"}))
    note = re.search(r'id="decision-note">(.*?)</div>', page, re.S).group(1)
    assert "Note when it was returned" in note and "noted" in note and "Decision note" not in note
    assert "Not yet" in page


def test_a_returned_filing_shows_the_note_as_the_decision(client, factory, world):
    filing = factory.filing(world.smelter_a, world.filer_a, status="returned", reviewer=world.reviewer)
    sign_in(client, world.filer_a)
    page = text(client.get(f"/filings/{filing.id}", headers={"Accept-Language": "en"}))
    assert "Decision note" in re.search(r'id="decision-note">(.*?)</div>', page, re.S).group(1)


def test_filers_are_not_offered_the_staff_summary(client, world):
    sign_in(client, world.filer_a)
    page = text(client.get("/"))
    assert 'href="/summaries/' not in page and 'href="/public"' in page
    sign_in(client, world.reviewer)
    assert 'href="/summaries/' in text(client.get("/"))


def test_a_chosen_language_can_go_back_to_the_browsers(client, world):
    sign_in(client, world.filer_a)
    english_browser = {"Accept-Language": "en"}
    assert "Browser language" not in text(client.get("/", headers=english_browser))  # nothing chosen yet
    client.post("/language/zh_CN")
    page = text(client.get("/", headers=english_browser))
    assert 'lang="zh-CN"' in page and "跟随浏览器" in page  # the choice wins, and says it can be undone
    client.post("/language/auto")
    page = text(client.get("/", headers=english_browser))
    assert 'lang="en"' in page and "Browser language" not in page


def test_charts_speak_the_tables_months_and_units(client, world):
    sign_in(client, world.filer_a)
    svg = text(client.get(f"/smelters/{world.smelter_a.id}/positions.svg", headers={"Accept-Language": "en"}))
    assert "Jan 2016" in svg and "2016-01" not in svg and "500,000" in svg
    client.post("/language/zh_CN")
    svg = text(client.get(f"/smelters/{world.smelter_a.id}/positions.svg"))
    assert "2016年1月" in svg and "万吨/年" in svg and "500,000" not in svg


def test_percentages_are_written_as_the_locale_writes_them(client, world):
    sign_in(client, world.filer_a)
    page = text(client.get("/smelters", headers={"Accept-Language": "en"}))
    assert "60%" in page and "60 %" not in page


def test_the_public_chart_names_the_unit_its_values_are_in(client, world):
    svg = text(client.get("/public/2016-11/pipeline.svg", headers={"Accept-Language": "zh-CN"}))
    assert "万吨/年" in svg and "2016年11月" in svg
    svg = text(client.get("/public/2016-11/pipeline.svg", headers={"Accept-Language": "en"}))
    assert "(t/a)" in svg and "Nov 2016" in svg
