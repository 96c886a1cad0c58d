"""What an attendance certificate under the hours rule states, and when one held states something
else: pure, no SQL.

It states the sessions attended (rules.Decision.attended: four fifths of a session at least), each
with its title and minutes, and the total as printed (rules.printed_hours). The paper prints the
titles and the total; the signed document adds each session's minutes. A certificate's document
never changes under its serial, so one whose paper would now print something else (late data,
a session moved or renamed, another rounding) is revoked and another issued in its place. Minutes
that change nothing printed re-issue nothing: a late scan that moves a workshop from 84 to 85
minutes does not send the person a new certificate.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Mapping

from .rules import Attendance, Decision

# Why a certificate was revoked by the service itself, beside an organiser's free text.
HOURS_CHANGED = "hours_changed"


@dataclass(frozen=True)
class StatedSession:
    code: str
    title: Mapping[str, str]  # {vi, en}, as the programme had it when the certificate was issued
    minutes: int


@dataclass(frozen=True)
class Statement:
    sessions: tuple[StatedSession, ...]
    hours: Decimal | None  # None: less than one rounding step (nothing printed)

    def printed(self) -> tuple:
        """What the paper shows: the total and the sessions' titles, in order."""
        return self.hours, tuple((s.code, tuple(sorted(s.title.items()))) for s in self.sessions)


NOTHING = Statement((), None)  # a certificate issued without the hours rule


def statement_of(decision: Decision, seen: Attendance, programme: Iterable[Mapping]) -> Statement:
    """What a certificate issued on `decision` states; `programme` is forum-published's `sessions`,
    whose order (by start) the sessions keep."""
    minutes = {s.code: s.minutes for s in seen.sessions}
    attended = set(decision.attended)
    return Statement(tuple(StatedSession(s["code"], s.get("title") or {}, minutes[s["code"]])
                           for s in programme if s["code"] in attended), decision.hours)


def restated(held: Statement, now: Statement) -> bool:
    """Whether a certificate stating `held` would now print something else."""
    return held.printed() != now.printed()

