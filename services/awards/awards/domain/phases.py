"""A programme's timetable: which phase it is in, and what may be done in each.

Four dates, each timezone-aware and each strictly after the one before:

    applications_open → applications_close → review_closes → results_published

give five phases, each starting at its date (a phase holds its start, not its end):

    before        until applications open
    applications  people apply, edit and withdraw
    review        the jury scores (applications are assigned once they close)
    deciding      the organiser confirms the winners (from review close to the results date)
    published     from the results date on

What each act may do, and the reason it is refused otherwise, is the table REFUSED below: one
row per act, one refusal per phase in which the act is not allowed. Two choices the issue left
open: an applicant may withdraw until the review closes (after that the ranking is the
organiser's, who can still set an application aside with a reason), and the organiser may
publish from review close on, also before the announced results date (and again later: a
correction republishes). Whether results are public follows the act of publishing, not the
date (`require_results_public`).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from forumops_shared.refusals import Refusal

PHASES = ("before", "applications", "review", "deciding", "published")

_APPLICATIONS_CLOSED = {phase: "applications_closed" for phase in ("review", "deciding", "published")}
REFUSED: dict[str, dict[str, str]] = {
    "apply": {"before": "applications_not_open", **_APPLICATIONS_CLOSED},
    "edit": {"before": "applications_not_open", **_APPLICATIONS_CLOSED},
    "withdraw": {"before": "applications_not_open", "deciding": "withdrawal_closed", "published": "withdrawal_closed"},
    "review": {"before": "review_not_open", "applications": "review_not_open",
               "deciding": "review_closed", "published": "review_closed"},
    "publish": {"before": "review_not_closed", "applications": "review_not_closed", "review": "review_not_closed"},
}
# The date a refusal turns on, named in its detail so the caller can say when it opens or closed.
_DATE_OF = {"applications_not_open": "applications_open", "applications_closed": "applications_close",
            "withdrawal_closed": "review_closes", "review_not_open": "applications_close",
            "review_closed": "review_closes", "review_not_closed": "review_closes"}


@dataclass(frozen=True)
class ProgrammeDates:
    """The timetable; refused on construction (naming the field) unless aware and in order."""

    applications_open: datetime
    applications_close: datetime
    review_closes: datetime
    results_published: datetime

    def __post_init__(self) -> None:
        names = [f.name for f in fields(self)]
        naive = {name: ["Needs a time zone."] for name in names if _is_naive(getattr(self, name))}
        if naive:
            raise Refusal("validation_failed", naive)
        for earlier, later in zip(names, names[1:]):
            if getattr(self, later) <= getattr(self, earlier):
                when = getattr(self, earlier).isoformat()
                raise Refusal("dates_out_of_order", {later: [f"Must be after {earlier} ({when})."]})

    def starts(self) -> tuple[datetime, ...]:
        """When each phase after `before` starts, in order."""
        return (self.applications_open, self.applications_close, self.review_closes, self.results_published)


def _is_naive(moment: datetime) -> bool:
    return moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None


def phase_at(dates: ProgrammeDates, now: datetime) -> str:
    """The phase at `now` (aware): the last one whose start is not after it."""
    started = sum(1 for start in dates.starts() if start <= now)
    return PHASES[started]


def require_may(act: str, dates: ProgrammeDates, now: datetime) -> None:
    """Refuse `act` (a key of REFUSED) if the phase at `now` does not allow it."""
    phase = phase_at(dates, now)
    reason = REFUSED[act].get(phase)
    if reason:
        date = _DATE_OF[reason]
        raise Refusal(reason, detail={"phase": phase, date: getattr(dates, date).isoformat()})


def require_may_apply(dates: ProgrammeDates, now: datetime) -> None:
    require_may("apply", dates, now)


def require_may_edit(dates: ProgrammeDates, now: datetime) -> None:
    require_may("edit", dates, now)


def require_may_withdraw(dates: ProgrammeDates, now: datetime) -> None:
    require_may("withdraw", dates, now)


def require_may_review(dates: ProgrammeDates, now: datetime) -> None:
    """Scoring, and changing a score, while the review is open."""
    require_may("review", dates, now)


def require_may_publish(dates: ProgrammeDates, now: datetime) -> None:
    """Publishing the results, or republishing them with a correction, once the review has closed."""
    require_may("publish", dates, now)


def require_results_public(published_at: datetime | None, now: datetime) -> None:
    """Decisions and the honour roll show once the organiser has published them."""
    if published_at is None or published_at > now:
        raise Refusal("results_not_published")
