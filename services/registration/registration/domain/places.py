"""A point's places dealt out in arrival order: confirmed while one is free, then in line."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Sequence


@dataclass(frozen=True)
class Counters:
    capacity: int
    confirmed: int
    waitlisted: int


def deal_places(wanted: Sequence[Hashable], counters: dict[Hashable, Counters]) -> list[tuple[str, int | None]]:
    """For registrations arriving in this order at the points in `wanted`: ('confirmed', None)
    while their point has a free place, then ('waitlisted', their place in line). A smaller
    capacity never demotes anyone already confirmed."""
    free = {point: max(0, c.capacity - c.confirmed) for point, c in counters.items()}
    in_line = {point: c.waitlisted for point, c in counters.items()}
    places = []
    for point in wanted:
        if free[point]:
            free[point] -= 1
            places.append(("confirmed", None))
        else:
            in_line[point] += 1
            places.append(("waitlisted", in_line[point]))
    return places
