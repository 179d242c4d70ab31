"""Pages show times as the members read them: Beijing time, said so, in either language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.web_helpers import sign_in, text

BEIJING = ZoneInfo("Asia/Shanghai")


def test_a_filings_times_are_beijing_time_in_both_languages(world, factory, client):
    before = dt.datetime.now(dt.UTC)
    filing = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=50_000, status="submitted")
    after = dt.datetime.now(dt.UTC)
    sign_in(client, world.filer_a)
    stamps = {moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") for moment in (before, after)}
    english = text(client.get(f"/filings/{filing.id}", headers={"Accept-Language": "en"})).split("<main", 1)[1]
    chinese = text(client.get(f"/filings/{filing.id}", headers={"Accept-Language": "zh-CN"})).split("<main", 1)[1]
    assert any(f"{stamp} Beijing time" in english for stamp in stamps)
    assert any(f"北京时间 {stamp}" in chinese for stamp in stamps)
    assert "UTC" not in english and "UTC" not in chinese
