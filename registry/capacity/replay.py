"""The ledger's arithmetic, pure: flows per month in, positions per month out.

A smelter's month applies the approved filings effective in it. Closures
first: built falls by their capacity and operating after them is
min(operating before, built after) (domain.md), so a closure takes idle
capacity first and the result does not depend on the order of approvals.
Then restarts and new capacity raise operating (new capacity built too) and
curtailments lower it; a restart must fit the idle capacity the month's
closures leave.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from registry.filings.models import ADDITION_KINDS, CLOSURE, CURTAILMENT, NEW_CAPACITY, RESTART

FLOW_OF_KIND = {RESTART: "restart", NEW_CAPACITY: "new", CURTAILMENT: "curtail", CLOSURE: "closure"}
assert set(ADDITION_KINDS) == {RESTART, NEW_CAPACITY}  # additions: restart + new in every module


@dataclass(frozen=True)
class Flows:
    """The capacity of the filings effective in one month, summed by kind."""

    restart: int = 0
    new: int = 0
    curtail: int = 0
    closure: int = 0

    def plus(self, kind: str, capacity_tpa: int) -> Flows:
        name = FLOW_OF_KIND[kind]
        return Flows(**{**self.__dict__, name: getattr(self, name) + capacity_tpa})

    def __add__(self, other: Flows) -> Flows:
        return Flows(self.restart + other.restart, self.new + other.new, self.curtail + other.curtail,
                     self.closure + other.closure)

    @property
    def additions(self) -> int:
        """Restarts and new capacity: the monthly-additions basis (the November 2016 figure)."""
        return self.restart + self.new

    @property
    def reductions(self) -> int:
        return self.curtail + self.closure


NO_FLOWS = Flows()


@dataclass(frozen=True)
class Position:
    """A smelter's capacity at the end of one month."""

    month: str
    built_tpa: int
    operating_tpa: int

    @property
    def idle_tpa(self) -> int:
        return self.built_tpa - self.operating_tpa

    def to_dict(self) -> dict:
        return {"month": self.month, "built_tpa": self.built_tpa,
                "operating_tpa": self.operating_tpa, "idle_tpa": self.idle_tpa}


@dataclass(frozen=True)
class Step:
    """One month of the replay: built after its closures, and where the month ends."""

    month: str
    built_after_closures: int
    built: int
    operating: int

    @property
    def position(self) -> Position:
        return Position(self.month, self.built, self.operating)

    @property
    def broken(self) -> str | None:
        """Which rule this month breaks: ``closure``, ``curtailment``, ``idle``, or None."""
        if self.built_after_closures < 0:
            return "closure"  # closes more than is built
        if self.operating < 0:
            return "curtailment"  # curtails more than operates
        if self.operating > self.built:
            return "idle"  # restarts more than is idle
        return None


def step(built: int, operating: int, month: str, flows: Flows) -> Step:
    """One month from the position at the end of the month before."""
    closed = built - flows.closure
    operating = min(operating, closed)  # idle capacity goes first
    return Step(month, closed, closed + flows.new, operating + flows.restart + flows.new - flows.curtail)


def replay(built: int, operating: int, months: Iterable[tuple[str, Flows]]) -> Iterator[Step]:
    """Positions month by month from (built, operating) before the first month."""
    for month, flows in months:
        result = step(built, operating, month, flows)
        yield result
        built, operating = result.built, result.operating
