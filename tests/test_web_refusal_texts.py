"""Refusal texts on the filing page in the reader's language (the rules' coded messages, rendered)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from registry.problems import RuleBroken
from tests.web_helpers import sign_in, text

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "registry/translations/zh_CN/LC_MESSAGES/messages.po"


def _refusal(page: str) -> str:
    section = page.split('<section class="refusal"')[1].split("</section>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_every_rule_has_its_own_code_and_label():
    rules = RuleBroken.__subclasses__()
    codes = [rule.code for rule in rules]
    assert {"cap_exceeded", "short_cover", "closure_exceeds_built", "restart_exceeds_idle"} <= set(codes)
    assert len(codes) == len(set(codes))
    assert all(rule.label_text != RuleBroken.label_text for rule in rules)


def test_every_message_of_the_app_has_a_chinese_translation():
    with CATALOG.open(encoding="utf-8") as handle:
        catalog = read_po(handle)
    method_map = [("registry/**.py", "python"), ("registry/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None,
                "Template": (2,)}
    missing = sorted({message for _, _, message, *_ in extract_from_dir(str(ROOT), method_map, keywords=keywords)
                      if isinstance(message, str) and not (catalog.get(message) and catalog.get(message).string)})
    assert missing == []


@pytest.mark.parametrize(("kind", "capacity", "rule", "chinese"), [
    ("restart", 300_000, "复产超过闲置产能",
     "本次复产 30万吨/年将使2016年11月的运行产能超过建成产能：届时闲置产能仅 20万吨/年。"),
    ("curtailment", 400_000, "减产超过运行产能", "减产 40万吨/年超过2016年11月的运行产能 30万吨/年。"),
    ("closure", 600_000, "关停超过建成产能", "关停 60万吨/年超过2016年11月的建成产能 50万吨/年。"),
])
def test_position_refusals_in_chinese(client, factory, world, kind, capacity, rule, chinese):
    filing = factory.filing(world.smelter_a, world.filer_a, kind=kind, capacity_tpa=capacity, status="submitted")
    sign_in(client, world.reviewer)
    english = _refusal(text(client.post(f"/filings/{filing.id}/approve")))
    assert " t/a" in english and "吨" not in english
    client.post("/language/zh_CN")
    response = client.post(f"/filings/{filing.id}/approve")
    assert response.status_code == 409
    refusal = _refusal(text(response))
    assert rule in refusal and chinese in refusal
    assert "t/a" not in refusal


def test_a_refusal_in_a_later_month_says_so_in_chinese(client, factory, world):
    factory.filing(world.smelter_a, world.filer_a, capacity_tpa=200_000, effective_month="2017-01",
                   status="approved")
    filing = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, status="submitted")
    sign_in(client, world.reviewer)
    english = _refusal(text(client.post(f"/filings/{filing.id}/approve")))
    assert "in Jan 2017: only 0 t/a is idle then (approved filings already take effect by Jan 2017)." in english
    client.post("/language/zh_CN")
    refusal = _refusal(text(client.post(f"/filings/{filing.id}/approve")))
    assert "届时闲置产能仅 0吨/年。（已批准的备案在2017年1月已生效。）" in refusal
    assert "t/a" not in refusal


def test_cap_refusal_in_chinese(client, factory, world):
    factory.cap(name="河南运行产能", scope="province", scope_ref="41", limit_tpa=350_000)
    filing = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, status="submitted")
    sign_in(client, world.reviewer)
    client.post("/language/zh_CN")
    refusal = _refusal(text(client.post(f"/filings/{filing.id}/approve")))
    assert "超出总量控制" in refusal and "河南运行产能" in refusal and "2016年11月" in refusal
    assert "t/a" not in refusal
