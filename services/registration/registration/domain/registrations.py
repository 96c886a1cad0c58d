"""What a registration needs, and what a change of it means."""
from __future__ import annotations

from typing import Callable, Sequence, TypeVar

from forumops_shared.refusals import Refusal

ACTIVE = ("confirmed", "waitlisted")  # a cancelled registration holds no place and may not change
P = TypeVar("P")


def require_consent(consent: object) -> None:
    """Consent is the participant's explicit `true`, nothing that merely looks like it."""
    if consent is not True:
        raise Refusal("consent_required", {"consent": ["Must be true."]})


def require_language(offered: Sequence[str], language: str) -> None:
    if language not in offered:
        raise Refusal("language_not_offered", {"language": [f"Offered: {','.join(offered)}."]})


def point_for(find_point: Callable[[str], P | None], attendance: str, code: str | None) -> P | None:
    """The point a registration takes: none online, an existing one of the forum in person."""
    if attendance == "online":
        if code:
            raise Refusal("point_not_allowed", {"point": ["Online attendance takes no point."]})
        return None
    if not code:
        raise Refusal("point_required", {"point": ["Required for in-person attendance."]})
    point = find_point(code)
    if point is None:
        raise Refusal("unknown_point", {"point": [f"No connection point {code!r} in this forum."]})
    return point


def require_active(status: str) -> None:
    if status not in ACTIVE:
        raise Refusal("registration_cancelled")


def placement_after(attendance: str, point: str | None, change: dict) -> tuple[str, str | None]:
    """(attendance, point code) once `change` applies: going online leaves the point; a new point
    or mode re-issues the ticket (see services/lifecycle.py)."""
    after = change.get("attendance", attendance)
    if "point" in change:
        return after, change["point"]
    return after, None if after == "online" else point
