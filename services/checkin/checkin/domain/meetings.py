"""Which session of the programme a meeting's attendance report belongs to: pure."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from .hours import Session


def session_of_meeting(sessions: Iterable[Session], joins: Iterable[tuple[datetime, datetime]]) -> str | None:
    """The session with an online meeting whose window overlaps the meeting's (its first join to
    its last leave) the longest, the earlier one on a tie; None when none overlaps it."""
    joins = list(joins)
    if not joins:
        return None
    opened, closed = min(j for j, _ in joins), max(left for _, left in joins)
    best, longest = None, 0.0
    for s in sorted(sessions, key=lambda s: (s.starts_at, s.code)):
        overlap = (min(closed, s.ends_at) - max(opened, s.starts_at)).total_seconds()
        if s.online and overlap > longest:
            best, longest = s.code, overlap
    return best
