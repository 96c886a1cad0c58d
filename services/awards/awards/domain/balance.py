"""Evening out the jurors' loads by handing reviews along chains (assignment.py, guarantee 3).

A juror x can hand a review to y when x reviews some application a, placed by this computation,
that y may review and does not yet. A chain h → x1 → … → k of such hand-overs leaves every
juror in between with as many reviews as before, takes one from h and gives one to k. While a
chain leads from a juror to one with at least two fewer reviews, the lightest such juror is
reached by a shortest chain and the hand-overs are made; each one lowers the sum of squared
loads, so this ends, and when it does no chain is left: the flow's optimality condition.

On a shortest chain the applications handed over are distinct (were one used twice, a shorter
chain would skip the jurors between), so its hand-overs can be made in any order.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Placement:
    """Who reviews what as the assignment is built; `movable` holds the reviews placed anew."""

    loads: dict[str, int]
    reviewers: dict[str, set[str]]
    movable: dict[str, dict[str, None]] = field(default_factory=dict)  # dicts: ordered, for determinism

    def add(self, application: str, juror: str) -> None:
        self.reviewers[application].add(juror)
        self.movable.setdefault(application, {})[juror] = None
        self.loads[juror] += 1

    def hand_over(self, application: str, giver: str, taker: str) -> None:
        self.reviewers[application].remove(giver)
        del self.movable[application][giver]
        self.loads[giver] -= 1
        self.add(application, taker)


def even_out(placement: Placement, eligible: dict[str, list[str]]) -> None:
    """Hand reviews along chains until no juror can pass one to another two or more lighter."""
    Chains(placement, eligible).run()


class Chains:
    """The hand-overs possible between jurors, kept counted as reviews move (jurors by index)."""

    def __init__(self, placement: Placement, eligible: dict[str, list[str]]):
        self.placement, self.eligible = placement, eligible
        self.jurors = list(placement.loads)
        self.index = {juror: i for i, juror in enumerate(self.jurors)}
        self.may = {a: set(jurors) for a, jurors in eligible.items()}
        n = len(self.jurors)
        self.between = [[0] * n for _ in range(n)]  # between[x][y]: applications x can hand to y
        self.apps_of: list[dict[str, None]] = [{} for _ in range(n)]
        for application, movers in placement.movable.items():
            for juror in movers:
                self.apps_of[self.index[juror]][application] = None
            self._count(application, +1)

    def run(self) -> None:
        settled = False
        while not settled:
            settled = True
            loads = self.placement.loads
            for giver in sorted(range(len(self.jurors)), key=lambda x: -loads[self.jurors[x]]):
                if loads[self.jurors[giver]] < min(loads.values()) + 2:
                    break
                while chain := self._chain_from(giver):
                    self._hand_along(chain)
                    settled = False

    def _count(self, application: str, sign: int) -> None:
        have = self.placement.reviewers[application]
        takers = [self.index[j] for j in self.eligible[application] if j not in have]
        for giver in self.placement.movable.get(application, ()):
            row = self.between[self.index[giver]]
            for taker in takers:
                row[taker] += sign

    def _chain_from(self, giver: int) -> list[int] | None:
        """The shortest chain from `giver` to the lightest juror it reaches, if two or more lighter."""
        parent = {giver: giver}
        queue = [giver]
        for x in queue:
            row = self.between[x]
            for y, count in enumerate(row):
                if count and y not in parent:
                    parent[y] = x
                    queue.append(y)
        loads = self.placement.loads
        lightest = min(queue, key=lambda y: loads[self.jurors[y]])
        if loads[self.jurors[lightest]] > loads[self.jurors[giver]] - 2:
            return None
        chain = [lightest]
        while chain[-1] != giver:
            chain.append(parent[chain[-1]])
        return chain[::-1]

    def _hand_along(self, chain: list[int]) -> None:
        steps = [(self._handed(x, y), x, y) for x, y in zip(chain, chain[1:])]
        for application, x, y in steps:
            self._count(application, -1)
            self.placement.hand_over(application, self.jurors[x], self.jurors[y])
            del self.apps_of[x][application]
            self.apps_of[y][application] = None
            self._count(application, +1)

    def _handed(self, x: int, y: int) -> str:
        """An application x can hand to y (the first in x's order)."""
        taker, have = self.jurors[y], self.placement.reviewers
        return next(a for a in self.apps_of[x] if taker in self.may[a] and taker not in have[a])
