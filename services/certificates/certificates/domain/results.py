"""What a programme's published results change among its award certificates: pure, no SQL.

The results name every winner each time (a correction republishes the whole list), so the
change is the difference between the certificates its winners hold and the list: a winner with
none gets one; a holder no longer listed loses theirs; a holder whose certificate would now print
something else (another category, a corrected name) has it revoked and gets a new one, since a
certificate's signed document never changes under its serial; everyone else keeps theirs as it is.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Printed:
    """What an award certificate prints about its winner, and so what a correction may change."""

    category: dict  # the category's name {vi, en}
    name: str
    organisation: str | None
    kind: str  # unit | person
    language: str  # vi | en


@dataclass(frozen=True)
class Held:
    """A valid certificate held by a programme's winner (an application)."""

    serial: str
    application_id: str
    printed: Printed
    award_id: str  # what its mail is filed under


@dataclass(frozen=True)
class Listed:
    """A winner as the results list them."""

    application_id: str
    printed: Printed
    email: str | None


@dataclass(frozen=True)
class Changes:
    issue: tuple[Listed, ...]
    revoke: tuple[str, ...]  # serials
    kept: int


def listed(results: dict) -> list[Listed]:
    """The winners of a results-published event's data, each with what their certificate prints."""
    names = {category["code"]: category["name"] for category in results["categories"]}
    return [Listed(w["application_id"], Printed(names[w["category"]], w["name"], w.get("organisation"), w["kind"],
                                                w["language"]), w.get("email"))
            for w in results["winners"]]


def changes(held: list[Held], winners: list[Listed]) -> Changes:
    """What the certificates of a programme must become for `winners` to be its honour roll."""
    holding = {h.application_id: h for h in held}
    wanted = {w.application_id: w for w in winners}
    revoke = [h.serial for h in held if h.application_id not in wanted or wanted[h.application_id].printed != h.printed]
    issue = [w for w in winners if w.application_id not in holding or holding[w.application_id].serial in revoke]
    return Changes(tuple(issue), tuple(revoke), kept=len(winners) - len(issue))


def newer(applied: int | None, version: int) -> bool:
    """Versions only go forward: results older than (or as old as) those applied change nothing."""
    return applied is None or version > applied
