"""The glossary (docs/glossary.md) is the one list of terms: the Chinese catalogue follows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
CATALOGUE = ROOT / "registry" / "translations" / "zh_CN" / "LC_MESSAGES" / "messages.po"


def _terms() -> list[tuple[str, str, str]]:
    """(English, 中文, avoided) from the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("English", "---"):
            rows.append((cells[0], cells[1], cells[3]))
    return rows


TERMS = _terms()
with CATALOGUE.open("rb") as handle:
    MESSAGES = {m.id: m.string for m in read_po(handle) if m.id and isinstance(m.id, str)}


def test_the_glossary_lists_the_core_terms():
    english = {term for term, _, _ in TERMS}
    assert {"Smelter", "Filings", "Closure", "Caps", "Monthly returns"} <= english


@pytest.mark.parametrize(("english", "chinese", "avoided"), TERMS, ids=[t[0] for t in TERMS])
def test_a_term_translates_as_the_glossary_says(english, chinese, avoided):
    assert MESSAGES.get(english) == chinese, f"{english!r} should read {chinese!r}"


@pytest.mark.parametrize(("english", "chinese", "avoided"), TERMS, ids=[t[0] for t in TERMS])
def test_no_message_uses_the_word_the_glossary_avoids(english, chinese, avoided):
    using = [text for text in MESSAGES.values() if isinstance(text, str) and avoided and avoided in text]
    assert not using, f"{avoided!r} (say {chinese!r}) in: {using[:3]}"
