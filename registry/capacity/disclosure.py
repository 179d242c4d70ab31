"""The disclosure rule for published figures: which province rows may be shown, and the pooled rest.

Source: domain.md, "Public figures" (statistical agencies' threshold and
dominance rules; IAI publishes only regional aggregates). An aggregate is
published only when at least ``MIN_CONTRIBUTORS`` enterprises contribute to
it and the largest holds at most ``MAX_SHARE`` of it.

How it is applied, and why:

* **Per figure.** A group passes only if *each* figure tested passes on its
  own: contributors are the enterprises with a non-zero value of that figure,
  and a total of zero passes (it reveals no one's figure). Testing built
  capacity alone would not do: a province of five enterprises where one holds
  all the idle capacity would publish that enterprise's idle tonnes. The
  ratio of two published figures (utilisation) needs no test of its own.
* **Enterprises, not smelters.** An enterprise's smelters in the group are one
  contributor (the association's members are enterprises), so a pool over
  several provinces sums an enterprise's smelters in all of them.
* **Pooling.** Provinces that fail are pooled into one "other provinces" row
  that must pass too: published rows plus the pool are a partition of the
  national total, so national minus the published rows is exactly the pool,
  and publishing the pool only states what subtraction gives anyway. A pool of
  one suppressed province would be that province's figure, so while the pool
  fails, the published province with the smallest total of the first figure
  (ties: the lower code) joins it. That ends at the latest when every
  province is pooled, the pool then being the national total.
* **National.** The national total is an aggregate like any other: if it fails
  (say two members only), nothing is published, neither nationally nor by
  province, since any province row would then give away the rest.

So every published figure is a sum over a partition block (a province or the
pool) or the national total; a suppressed province is always inside a pool
of at least two provinces, which passes, so no suppressed province's figure
is a combination of published ones (``tests/test_public_suppression.py``
checks exactly that with linear algebra over random member sets).

Not covered: the difference of one stock between two months is the month's
net flow, which the stocks' test does not see; gross flows (additions) are
tested as figures of their own where they are published.

No database, no Flask: the same function can decide what a filer is shown
of other members.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_CONTRIBUTORS = 3
MAX_SHARE = (3, 4)  # the largest contributor may hold at most 3/4 (75 %) of the total: integers, no rounding

Contributions = Mapping[Hashable, Mapping[str, int]]  # enterprise -> figure -> value


def cell_passes(values: Iterable[int]) -> bool:
    """Whether one figure summed over these contributors may be published (zero always may)."""
    nonzero = [value for value in values if value]
    total = sum(nonzero)
    if total == 0:
        return True
    numerator, denominator = MAX_SHARE
    return len(nonzero) >= MIN_CONTRIBUTORS and max(nonzero) * denominator <= total * numerator


def merge(groups: Iterable[Contributions], figures: Sequence[str]) -> dict[Hashable, dict[str, int]]:
    """Several groups' contributions with each enterprise's values summed across them."""
    merged: dict[Hashable, dict[str, int]] = {}
    for group in groups:
        for enterprise, values in group.items():
            target = merged.setdefault(enterprise, dict.fromkeys(figures, 0))
            for figure in figures:
                target[figure] += values.get(figure, 0)
    return merged


def group_passes(contributions: Contributions, figures: Sequence[str]) -> bool:
    """Whether every one of ``figures`` summed over these contributors may be published."""
    return all(cell_passes(values.get(figure, 0) for values in contributions.values()) for figure in figures)


def totals(contributions: Contributions, figures: Sequence[str]) -> dict[str, int]:
    """Each figure summed over the contributors."""
    return {figure: sum(values.get(figure, 0) for values in contributions.values()) for figure in figures}


@dataclass(frozen=True)
class Disclosure:
    """What may be shown: the national total or not, the province rows shown, and the pooled ones."""

    national: bool
    published: tuple[str, ...]  # province codes shown on their own rows, in code order
    pooled: tuple[str, ...]  # province codes in the "other provinces" row (empty: no such row)

    @property
    def pool(self) -> bool:
        """Whether an "other provinces" row is shown."""
        return self.national and bool(self.pooled)


def disclose(provinces: Mapping[str, Contributions], figures: Sequence[str]) -> Disclosure:
    """Apply the rule to province rows of per-enterprise contributions, testing each of ``figures``.

    The pool grows by the published province with the smallest total of
    ``figures[0]`` (then the lowest code) until it passes: deterministic, and
    it hides as little as it can.
    """
    codes = sorted(provinces)
    if not group_passes(merge(provinces.values(), figures), figures):
        return Disclosure(national=False, published=(), pooled=tuple(codes))
    published = [code for code in codes if group_passes(provinces[code], figures)]
    pooled = [code for code in codes if code not in published]

    def size(code: str) -> tuple[int, str]:
        return totals(provinces[code], figures)[figures[0]], code

    while pooled and not group_passes(merge((provinces[c] for c in pooled), figures), figures):
        smallest = min(published, key=size)  # never empty here: all pooled is the national total, which passed
        published.remove(smallest)
        pooled.append(smallest)
    return Disclosure(national=True, published=tuple(published), pooled=tuple(sorted(pooled)))
