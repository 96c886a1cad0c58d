"""What a forum's sessions may be, and which of them a participant may sign up for."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Collection, Sequence
from zoneinfo import ZoneInfo

from forumops_shared.refusals import Refusal

KINDS = ("plenary", "workshop", "ceremony", "other")
WALK_IN = ("admit", "refuse")
# A session lies within the forum's days in its time zone; an evening may run on past midnight
# after the last day (a gala dinner, an awards night) until this hour.
AFTER_MIDNIGHT = timedelta(hours=6)


@dataclass(frozen=True)
class Slot:
    """What the sign-up rules need of a session."""
    code: str
    starts_at: datetime
    ends_at: datetime
    signup: bool
    points: tuple[str, ...] | None  # None: at every point
    online: bool


def forum_window(starts_at: datetime, ends_at: datetime, zone: str) -> tuple[datetime, datetime]:
    """From midnight of the forum's first day to AFTER_MIDNIGHT past its last day, in its zone."""
    tz = ZoneInfo(zone)
    first, last = starts_at.astimezone(tz).date(), ends_at.astimezone(tz).date()
    return (datetime.combine(first, time(0), tz),
            datetime.combine(last + timedelta(days=1), time(0), tz) + AFTER_MIDNIGHT)


def check_session(starts_at: datetime, ends_at: datetime, window: tuple[datetime, datetime],
                  points: Sequence[str] | None, known_points: Collection[str]) -> None:
    """A session ends after it starts, within the forum's days, at points the forum has."""
    if ends_at <= starts_at:
        raise Refusal("session_ends_before_start", {"ends_at": ["Must be after starts_at."]})
    if starts_at < window[0] or ends_at > window[1]:
        raise Refusal("session_outside_forum", {"starts_at": [
            f"Must lie between {window[0].isoformat()} and {window[1].isoformat()} (the forum's days)."]})
    unknown = sorted(set(points or ()) - set(known_points))
    if unknown:
        raise Refusal("unknown_point", {"points": [f"No connection point {code!r} in this forum." for code in unknown]})


def check_choice(chosen: Sequence[str], slots: dict[str, Slot], attendance: str, point: str | None) -> None:
    """The sessions a participant picks: each exists, takes sign-ups, is held where they attend
    (at their point, or online for an online participant), and no two of them overlap."""
    unknown = [code for code in chosen if code not in slots]
    if unknown:
        raise Refusal("unknown_session", {"codes": [f"No session {code!r} in this forum." for code in unknown]})
    closed = [code for code in chosen if not slots[code].signup]
    if closed:
        raise Refusal("signup_not_offered", {"codes": [f"Session {code!r} takes no sign-ups: anyone may come."
                                                       for code in closed]})
    away = [code for code in chosen if not held_for(slots[code], attendance, point)]
    if away:
        where = "online" if attendance == "online" else f"at point {point!r}"
        raise Refusal("session_not_available", {"codes": [f"Session {code!r} is not held {where}." for code in away]})
    clash = first_overlap([slots[code] for code in chosen])
    if clash:
        raise Refusal("sessions_overlap", {"codes": [f"Sessions {clash[0]!r} and {clash[1]!r} overlap."]})


def held_for(slot: Slot, attendance: str, point: str | None) -> bool:
    if attendance == "online":
        return slot.online
    return slot.points is None or point in slot.points


def first_overlap(slots: Sequence[Slot]) -> tuple[str, str] | None:
    """Two sessions whose times overlap (one ending as the next starts is no overlap), or None."""
    ordered = sorted(slots, key=lambda s: (s.starts_at, s.ends_at, s.code))
    latest = None
    for slot in ordered:
        if latest is not None and slot.starts_at < latest.ends_at:
            return latest.code, slot.code
        if latest is None or slot.ends_at > latest.ends_at:
            latest = slot
    return None
