"""When a registration earns its attendance certificate: pure, no Flask, Kafka or SQL.

The forum's rule (from registration's forum-published event): `onsite_checkin` — any on-site
check-in, accepted or forced by an offline door, qualifies; `online_min_minutes` — that many
minutes present online (from the meeting tool's report) qualify, and at least one minute is
needed even when the rule says 0. A person qualifies however they registered (someone
registered on site who followed online, or the reverse) and whatever became of the registration
afterwards: a cancelled registration that attended is still attended; one that never attended
gets nothing. Nothing is decided before both the forum and the person are known: a certificate
prints their name.

The hours rule: a rule that sets `min_hours` or `required_sessions` decides by the attended time
check-in records per session (checkin.hours-recorded.v1) instead, and the two parts above are not
consulted (they stay for forums without a programme). It needs, in this order (the first one
failing is the reason given): a minute of session time at least; every required session attended
(ATTENDED_SHARE of its length at least, and a minute; one missing from the programme cannot be
attended); a total of `min_hours` at least, compared exactly in minutes, not on the printed figure.
The mode is "onsite" when the person checked in on site, else "online". The printed total is
rounded down to a multiple of `hours_step_minutes` (default 30) and stated in hours.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from typing import Iterable, Mapping

# A required session is attended from four fifths of its length: what training-hour schemes
# commonly ask. With no check-out scans on-site time runs to the session's end, so this mostly
# bounds lateness: up to 18 minutes late to a 90-minute workshop.
ATTENDED_SHARE = Fraction(4, 5)
DEFAULT_STEP_MINUTES = 30

# Why a registration has no certificate (yet), a stable code each, with its text (vi, en).
NOT_EARNED = {
    "forum_unknown": ("Chưa nhận được thông tin diễn đàn.", "The forum is not known yet."),
    "person_unknown": ("Chưa nhận được thông tin người đăng ký.", "The registration is not known yet."),
    "erased": ("Dữ liệu cá nhân đã bị xoá.", "The person's data was erased."),
    "not_attended": ("Chưa ghi nhận tham dự.", "No attendance recorded."),
    "too_few_online_minutes": ("Chưa đủ số phút tham dự trực tuyến.", "Not enough minutes online."),
    "required_session_missed": ("Chưa tham dự đủ các phiên bắt buộc.",
                                "A required session was not attended."),
    "too_few_hours": ("Chưa đủ số giờ tham dự.", "Not enough hours attended."),
}


@dataclass(frozen=True)
class Rule:
    onsite_checkin: bool
    online_min_minutes: int
    min_hours: Decimal | float | int | None = None
    required_sessions: tuple[str, ...] = ()
    hours_step_minutes: int | None = DEFAULT_STEP_MINUTES  # None: the default

    @property
    def counts_hours(self) -> bool:
        return self.min_hours is not None or bool(self.required_sessions)


@dataclass(frozen=True)
class SessionMinutes:
    code: str
    minutes: int


@dataclass(frozen=True)
class Attendance:
    onsite_at: datetime | None
    online_minutes: int
    sessions: tuple[SessionMinutes, ...] = ()  # from checkin.hours-recorded.v1
    minutes: int = 0  # its total: the sum of the sessions' minutes


@dataclass(frozen=True)
class Decision:
    mode: str | None  # "onsite" | "online" when earned, else None
    reason: str | None = None  # when not earned: a key of NOT_EARNED
    missed: tuple[str, ...] = ()  # with required_session_missed: those sessions, in the rule's order
    hours: Decimal | None = None  # the total as printed (printed_hours), earned or not
    attended: tuple[str, ...] = ()  # the sessions attended (ATTENDED_SHARE), in the attendance's order


def decide(rule: Rule | None, person_known: bool, erased: bool, seen: Attendance | None,
           lengths: Mapping[str, int] | None = None) -> Decision:
    """Whether the registration earns its certificate under `rule`; `lengths` is each session's
    length in whole minutes by code (lengths_of), needed to tell a session attended."""
    if rule is None or not person_known or erased or seen is None:
        return Decision(None, "forum_unknown" if rule is None else "person_unknown" if not person_known
                        else "erased" if erased else "not_attended")
    lengths = lengths or {}
    attended = tuple(s.code for s in seen.sessions if _attended(s.minutes, lengths.get(s.code)))
    hours = printed_hours(seen.minutes, rule.hours_step_minutes or DEFAULT_STEP_MINUTES)
    missed = tuple(code for code in rule.required_sessions if code not in attended) if rule.counts_hours else ()
    reason = _hours_reason(rule, seen, missed) if rule.counts_hours else _simple_reason(rule, seen)
    if reason is not None:
        return Decision(None, reason, missed, hours, attended)
    onsite = seen.onsite_at is not None and (rule.counts_hours or rule.onsite_checkin)
    return Decision("onsite" if onsite else "online", None, (), hours, attended)


def earned_mode(rule: Rule | None, person_known: bool, erased: bool, seen: Attendance | None,
                lengths: Mapping[str, int] | None = None) -> str | None:
    """"onsite" or "online" when the rule is met (on site first), else None."""
    return decide(rule, person_known, erased, seen, lengths).mode


def _simple_reason(rule: Rule, seen: Attendance) -> str | None:
    if rule.onsite_checkin and seen.onsite_at is not None:
        return None
    if seen.online_minutes >= max(1, rule.online_min_minutes):
        return None
    return "not_attended" if seen.onsite_at is None and seen.online_minutes == 0 else "too_few_online_minutes"


def _hours_reason(rule: Rule, seen: Attendance, missed: tuple[str, ...]) -> str | None:
    if seen.minutes < 1:
        return "not_attended"
    if missed:
        return "required_session_missed"
    if rule.min_hours is not None and seen.minutes < Decimal(str(rule.min_hours)) * 60:
        return "too_few_hours"  # str(): 0.1 hour is 6 minutes, not 6.000000000000001
    return None


def _attended(minutes: int, length: int | None) -> bool:
    return length is not None and minutes >= 1 and minutes >= ATTENDED_SHARE * length


def printed_hours(minutes: int, step: int = DEFAULT_STEP_MINUTES) -> Decimal | None:
    """`minutes` rounded down to a multiple of `step`, in hours, with at most two decimals (rounded
    down: 440 minutes in 20-minute steps print 7.33): 450 → 7.5, 480 → 8. None below one step."""
    if step < 1:
        raise ValueError("the step is a whole number of minutes, at least 1")
    kept = minutes // step * step
    if kept <= 0:
        return None
    hours = (Decimal(kept) / 60).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return hours.quantize(Decimal(1)) if hours == hours.to_integral_value() else hours.normalize()


def lengths_of(sessions: Iterable[Mapping]) -> dict[str, int]:
    """Each session's length in whole minutes (rounded down), by code, from forum-published's `sessions`."""
    return {s["code"]: int((datetime.fromisoformat(s["ends_at"]) - datetime.fromisoformat(s["starts_at"]))
                           .total_seconds()) // 60 for s in sessions}
