"""How long one participant attended each session of a forum's programme: pure, exact to the second.

The rules for one session S (docs/design.md "Hours" says the same in words):

On site
1. A *check-in into S* is an "in" scan recorded for S at a point where S is held (`points` None =
   every point). A scan recorded for a session not in the programme counts for nothing.
2. An *arrival* is an "in" scan recorded for no session: a check-in into every session held at its
   point that is running at that moment or starts later that day (the forum's timezone), but it
   counts only while no other session held at that point runs: between parallel sessions an
   arrival cannot tell which one the person went to (their own scan or online time can).
3. Presence runs from a check-in (or an arrival) to the first end after it: a check-out recorded
   for S, a check-out recorded for no session (they left), or an "in" scan recorded for another
   session whose time overlaps S's (nobody sits in both); with no end, until S ends. A check-in
   while present or a check-out while absent changes nothing (duplicates); at one same instant
   the end comes last.
Online
4. An interval recorded for S counts for S alone; one recorded for no session counts for every
   session with an online meeting, while no other session with one runs (as in 2).
Together
5. Everything counts only within S's window (a check-in before S opens counts from its start, one
   after it ends counts nothing), and once: S's seconds are the union of its on-site and online
   spans (rejoins, overlaps, duplicates and on site while online count once), fractions of a
   second dropped. S's minutes are its seconds // 60, rounded down per session; the total is the
   sum of the sessions' minutes, so it always agrees with them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable
from zoneinfo import ZoneInfo

from .attendance_reports import merged_seconds

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Session:
    """One session of the programme (aware datetimes)."""
    code: str
    starts_at: datetime
    ends_at: datetime
    kind: str = "other"  # plenary | workshop | ceremony | other: no rule here depends on it
    points: tuple[str, ...] | None = None  # where it is held; None = every point
    online: bool = True  # False when it has no online meeting: untagged online time never counts for it

    def held_at(self, point: str) -> bool:
        return self.points is None or point in self.points

    def overlaps(self, other: Session) -> bool:
        return other.code != self.code and self.starts_at < other.ends_at and other.starts_at < self.ends_at

    @classmethod
    def from_data(cls, data: dict) -> Session:
        """From an entry of forum-published's `sessions`."""
        points = data.get("points")
        return cls(data["code"], datetime.fromisoformat(data["starts_at"]), datetime.fromisoformat(data["ends_at"]),
                   data.get("kind", "other"), None if points is None else tuple(points),
                   bool(data.get("online_url")))


@dataclass(frozen=True)
class Scan:
    """An admitted on-site scan (refused ones are not attendance: leave them out)."""
    at: datetime
    point: str
    session: str | None = None  # the session the scanner was working in; None: an arrival
    kind: str = "in"  # "in" | "out" (a check-out, where the forum uses them)


@dataclass(frozen=True)
class Online:
    """One join of an online meeting, as a report gives it (a rejoin is another one)."""
    joined: datetime
    left: datetime
    session: str | None = None  # set when the report was imported for that session explicitly


@dataclass(frozen=True)
class SessionTime:
    code: str
    seconds: int

    @property
    def minutes(self) -> int:
        return self.seconds // 60


@dataclass(frozen=True)
class Hours:
    sessions: tuple[SessionTime, ...]  # every session of the programme, in programme order

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)

    def as_data(self) -> dict:
        """`sessions` and `minutes` of checkin.hours-recorded.v1: the sessions with a minute or more."""
        return {"sessions": [{"code": s.code, "minutes": s.minutes} for s in self.sessions if s.minutes],
                "minutes": self.minutes}


@dataclass
class Programme:
    """A forum's sessions in programme order (start, then code) and its timezone; what every
    participant's figures share is worked out once and kept."""
    sessions: tuple[Session, ...]
    zone: ZoneInfo
    overlapping: dict[str, tuple[str, ...]] = field(init=False)  # by code: the sessions it overlaps
    first_day: dict[str, date] = field(init=False)  # by code: the day it starts
    alone_online: dict[str, list[Span]] = field(init=False)
    _alone_at: dict[str, dict[str, list[Span]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.overlapping = {s.code: tuple(o.code for o in self.sessions if s.overlaps(o)) for s in self.sessions}
        self.first_day = {s.code: self.day(s.starts_at) for s in self.sessions}
        self.alone_online = _alone_windows([s for s in self.sessions if s.online])

    @classmethod
    def of(cls, sessions: Iterable[Session], tz: str) -> Programme:
        return cls(tuple(sorted(sessions, key=lambda s: (s.starts_at, s.code))), ZoneInfo(tz))

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def alone_at(self, point: str) -> dict[str, list[Span]]:
        """For each session held at `point`, the parts of its window when no other one held there runs."""
        if point not in self._alone_at:
            self._alone_at[point] = _alone_windows([s for s in self.sessions if s.held_at(point)])
        return self._alone_at[point]


def hours_of(programme: Programme, scans: Iterable[Scan], online: Iterable[Online]) -> Hours:
    """One participant's time in each session of `programme` (the rules at the top of this module)."""
    ins, outs, joins = defaultdict(list), defaultdict(list), defaultdict(list)  # by session code or None
    for scan in scans:
        if scan.kind not in ("in", "out"):
            raise ValueError(f"a scan is 'in' or 'out', not {scan.kind!r}")
        (ins if scan.kind == "in" else outs)[scan.session].append(scan)
    for join in online:
        joins[join.session].append((join.joined, join.left))
    return Hours(tuple(SessionTime(s.code, _seconds(programme, s, ins, outs, joins)) for s in programme.sessions))


def _seconds(programme: Programme, session: Session, ins: dict, outs: dict, joins: dict) -> int:
    if (session.code not in ins and None not in ins and session.code not in joins
            and (None not in joins or not session.online)):
        return 0  # nothing that could count for it (most sessions, for most people)
    own = [scan.at for scan in ins.get(session.code, ()) if session.held_at(scan.point)]
    arrivals = [scan for scan in ins.get(None, ()) if _arrives_for(programme, session, scan)]
    ends = []
    if own or arrivals:
        ends = [scan.at for code in (None, session.code) for scan in outs.get(code, ())]
        ends += [scan.at for code in programme.overlapping[session.code] for scan in ins.get(code, ())]
        if (not ends and not arrivals and session.code not in joins
                and (None not in joins or not session.online)):
            # The common case: check-ins into it alone, so one presence from the first to its end.
            start = max(min(own), session.starts_at)
            return int((session.ends_at - start).total_seconds()) if start < session.ends_at else 0
    spans = _clip(joins.get(session.code, []), [(session.starts_at, session.ends_at)])
    if session.online:
        spans += _clip(joins.get(None, []), programme.alone_online[session.code])
    if own or arrivals:
        spans += _clip(_presence(own, ends, session.ends_at), [(session.starts_at, session.ends_at)])
        for point in {scan.point for scan in arrivals}:
            moments = [scan.at for scan in arrivals if scan.point == point]
            spans += _clip(_presence(moments, ends, session.ends_at), programme.alone_at(point)[session.code])
    return merged_seconds(spans) if spans else 0


def _arrives_for(programme: Programme, session: Session, scan: Scan) -> bool:
    return counts_arrival(session, scan.point, scan.at, programme.day(scan.at) == programme.first_day[session.code])


def counts_arrival(session, point: str, at: datetime, same_day: bool) -> bool:
    """Rule 2 for one session (this module's Session or a door's view of one): an arrival at
    `point` at `at` checks in to it when it is held there and not over, and runs then or starts
    later that day (`same_day`: it starts on the arrival's day in the forum's timezone). While
    another session held there runs it does not count: that part is the spans' (`alone_at`)."""
    return session.held_at(point) and at < session.ends_at and (session.starts_at <= at or same_day)


def _presence(starts: list[datetime], ends: list[datetime], until: datetime) -> list[Span]:
    """The spans from a start to the first end after it (rule 3); ends sort after starts at one moment."""
    spans, opened = [], None
    for moment, is_end in sorted([(t, False) for t in starts] + [(t, True) for t in ends]):
        if not is_end and opened is None:
            opened = moment
        elif is_end and opened is not None:
            spans.append((opened, moment))
            opened = None
    if opened is not None:
        spans.append((opened, until))
    return spans


def _clip(spans: list[Span], windows: list[Span]) -> list[Span]:
    return [(max(start, w_start), min(stop, w_stop)) for start, stop in spans for w_start, w_stop in windows
            if max(start, w_start) < min(stop, w_stop)]


def _alone_windows(sessions: list[Session]) -> dict[str, list[Span]]:
    """For each of `sessions`, the parts of its window when none of the others runs."""
    alone = {}
    for session in sessions:
        spans, start = [], session.starts_at
        for other in sorted((o for o in sessions if session.overlaps(o)), key=lambda o: o.starts_at):
            if other.starts_at > start:
                spans.append((start, other.starts_at))
            start = max(start, other.ends_at)
        if start < session.ends_at:
            spans.append((start, session.ends_at))
        alone[session.code] = spans
    return alone
