"""The disclosure rule of the public figures (domain.md, "Public figures"), without a database."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.capacity.disclosure import cell_passes, disclose, group_passes, merge, totals

FIGURES = ("built_tpa", "operating_tpa", "idle_tpa")


def member(built: int, operating: int | None = None) -> dict[str, int]:
    operating = built if operating is None else operating
    return {"built_tpa": built, "operating_tpa": operating, "idle_tpa": built - operating}


def test_a_province_of_two_enterprises_is_suppressed():
    provinces = {"41": {1: member(500), 2: member(500)},
                 "15": {3: member(400), 4: member(400), 5: member(400)},
                 "65": {6: member(300), 7: member(300), 8: member(300)}}
    shown = disclose(provinces, FIGURES)
    assert "41" not in shown.published
    assert "41" in shown.pooled


def test_a_province_with_a_dominant_enterprise_is_suppressed():
    dominant = {"41": {1: member(800), 2: member(100), 3: member(100)}}
    assert not group_passes(dominant["41"], FIGURES)  # 80 % > 75 %
    even = {1: member(750), 2: member(125), 3: member(125)}
    assert group_passes(even, FIGURES)  # exactly 75 % passes
    assert not cell_passes([751, 125, 124])


def test_three_enterprises_without_a_dominant_one_are_published_and_nothing_is_pooled():
    provinces = {"41": {1: member(400), 2: member(300), 3: member(300)},
                 "15": {4: member(400), 5: member(300), 6: member(300)}}
    shown = disclose(provinces, FIGURES)
    assert shown.published == ("15", "41") and shown.pooled == () and not shown.pool


def test_a_lone_suppressed_province_is_pooled_with_the_smallest_published_one():
    provinces = {"41": {1: member(500), 2: member(500)},  # fails: two members
                 "15": {3: member(900), 4: member(900), 5: member(900)},
                 "65": {6: member(300), 7: member(300), 8: member(300)},  # the smallest published
                 "53": {9: member(600), 10: member(600), 11: member(600)}}
    shown = disclose(provinces, FIGURES)
    assert shown.pooled == ("41", "65")
    assert shown.published == ("15", "53")


def test_the_pool_grows_until_it_passes_and_may_take_every_province():
    provinces = {"41": {1: member(1000)}, "65": {1: member(1000)},  # one enterprise in two provinces
                 "15": {2: member(100), 3: member(100), 4: member(100)}}
    shown = disclose(provinces, FIGURES)
    # 41 and 65 pooled are still enterprise 1 alone (2,000 of 2,000): 15 must join; then 2,000 of 2,300 > 75 %
    assert not shown.national
    provinces["53"] = {5: member(900), 6: member(900), 7: member(900)}
    shown = disclose(provinces, FIGURES)
    assert shown.national and shown.published == () and shown.pooled == ("15", "41", "53", "65")


def test_an_enterprise_counts_once_in_a_pool_across_provinces():
    pooled = merge([{1: member(100), 2: member(100)}, {1: member(100), 3: member(100)}], FIGURES)
    assert sorted(pooled) == [1, 2, 3] and pooled[1]["built_tpa"] == 200


def test_when_the_national_total_fails_nothing_is_published():
    provinces = {"41": {1: member(500)}, "65": {2: member(500)}}
    shown = disclose(provinces, FIGURES)
    assert not shown.national and shown.published == () and not shown.pool


def test_every_figure_is_tested_not_only_built_capacity():
    # Built passes (three equal members), but one member holds all the idle capacity.
    province = {1: member(500, 300), 2: member(500), 3: member(500)}
    assert cell_passes(v["built_tpa"] for v in province.values())
    assert not group_passes(province, FIGURES)
    assert cell_passes([0, 0, 0])  # a zero total reveals no one's figure


# --- The property: over random member sets, published rows add up and hide every suppressed one ----------

PROVINCE_CODES = ("11", "15", "41", "53", "65", "37", "45")


@st.composite
def registries(draw):
    """Provinces -> enterprises -> figures: a few enterprises, some in several provinces, some dominant."""
    enterprises = draw(st.integers(1, 9))
    codes = draw(st.lists(st.sampled_from(PROVINCE_CODES), min_size=1, max_size=6, unique=True))
    provinces: dict[str, dict[int, dict[str, int]]] = {}
    for enterprise in range(1, enterprises + 1):
        for code in draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3, unique=True)):
            built = draw(st.sampled_from([0, 50_000, 100_000, 250_000, 500_000, 1_200_000, 4_000_000]))
            operating = draw(st.integers(0, built // 50_000)) * 50_000 if built else 0
            provinces.setdefault(code, {})[enterprise] = member(built, operating)
    return provinces


def _derivable(target: list[int], known: list[list[int]]) -> bool:
    """Whether ``target`` is a linear combination of ``known`` rows (exact, over the rationals)."""
    rows = [[Fraction(x) for x in row] for row in known]
    basis: list[list[Fraction]] = []
    pivots: list[int] = []
    for row in rows:
        for pivot_row, pivot in zip(basis, pivots, strict=True):
            if row[pivot]:
                factor = row[pivot] / pivot_row[pivot]
                row = [a - factor * b for a, b in zip(row, pivot_row, strict=True)]
        lead = next((i for i, x in enumerate(row) if x), None)
        if lead is not None:
            basis.append(row)
            pivots.append(lead)
    rest = [Fraction(x) for x in target]
    for pivot_row, pivot in zip(basis, pivots, strict=True):
        if rest[pivot]:
            factor = rest[pivot] / pivot_row[pivot]
            rest = [a - factor * b for a, b in zip(rest, pivot_row, strict=True)]
    return not any(rest)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(registries())
def test_published_rows_add_up_to_national_and_no_suppressed_province_can_be_derived(provinces):
    shown = disclose(provinces, FIGURES)
    codes = sorted(provinces)
    national = totals(merge(provinces.values(), FIGURES), FIGURES)
    if not shown.national:  # nothing but the fact that it is withheld
        assert shown.published == () and not shown.pool
        assert not group_passes(merge(provinces.values(), FIGURES), FIGURES)
        return
    assert sorted(shown.published + shown.pooled) == codes
    for code in shown.published:
        assert group_passes(provinces[code], FIGURES), code
    pool = merge((provinces[c] for c in shown.pooled), FIGURES)
    if shown.pooled:
        assert group_passes(pool, FIGURES)
    # Sum identity: the published rows plus the pooled row are the national figures.
    for figure in FIGURES:
        published = sum(totals(provinces[c], FIGURES)[figure] for c in shown.published)
        assert published + totals(pool, FIGURES)[figure] == national[figure]
    # No suppressed province is a combination of what is published (national, each row, the pool).
    known = [[1] * len(codes)] + [[int(c == code) for c in codes] for code in shown.published]
    if shown.pooled:
        known.append([int(c in shown.pooled) for c in codes])
    for code in shown.pooled:
        assert not _derivable([int(c == code) for c in codes], known), (code, shown)
    # Deterministic: the same registry gives the same disclosure.
    assert disclose(dict(reversed(list(provinces.items()))), FIGURES) == shown
