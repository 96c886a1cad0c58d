"""When a registration earns its attendance certificate: pure, no Flask, Kafka or SQL.

The forum's rule (from registration's forum-published event): `onsite_checkin` — any on-site
check-in, accepted or forced by an offline door, qualifies; `online_min_minutes` — that many
minutes present online (from the meeting tool's report) qualify, and at least one minute is
needed even when the rule says 0. A person qualifies however they registered (someone
registered on site who followed online, or the reverse) and whatever became of the registration
afterwards: a cancelled registration that attended is still attended; one that never attended
gets nothing. Nothing is decided before both the forum and the person are known: a certificate
prints their name.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Rule:
    onsite_checkin: bool
    online_min_minutes: int


@dataclass(frozen=True)
class Attendance:
    onsite_at: datetime | None
    online_minutes: int


def earned_mode(rule: Rule | None, person_known: bool, erased: bool, seen: Attendance | None) -> str | None:
    """"onsite" or "online" when the rule is met (on site first), else None."""
    if rule is None or not person_known or erased or seen is None:
        return None
    if rule.onsite_checkin and seen.onsite_at is not None:
        return "onsite"
    if seen.online_minutes >= max(1, rule.online_min_minutes):
        return "online"
    return None
