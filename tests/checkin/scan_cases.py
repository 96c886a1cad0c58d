"""The table of scan cases the service's decision (checkin.domain.scans) and the scanner page's
offline decision (checkin/static/decide.js) are both checked against, with really signed tickets.

Each case says what was scanned, at which point and when, what check-in holds of the person
(their registration as registration's events left it, and their first check-in), and the
outcome and reason the service gives. Offline, the scanner knows only its kit: the forum's keys,
when the doors open, and the roster of its own point (people registered there on site, with
whether they have arrived). Where that cannot tell what the service knows, the case says what
the scanner decides instead, and why; the upload of the batch then records the fact as the
service judges it (domain/offline.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from checkin.domain.scans import (DOORS_OPEN_BEFORE_START, FirstCheckin, ForumView, RegistrationView, SessionScan,
                                  SessionView)
from forumops_shared.tickets import SigningKey, TicketClaims, b64, unb64

KEY = SigningKey.generate()
OTHER_KEY = SigningKey.generate()
SLUG = "dien-dan-2026"
POINT = "HN-01"
START = datetime(2026, 12, 10, 1, 0, tzinfo=timezone.utc)
DURING = START + timedelta(hours=1)
FORUM = ForumView(SLUG, START, {KEY.kid: KEY.public_key})
CODE = "ABCDE23456"

# The programme of the session cases: a plenary running now, two parallel workshops with sign-up
# later (W1 admits people without a place, W2 refuses them), a session at another point only.
PLENARY = SessionView("OPEN", DURING - timedelta(minutes=30), DURING + timedelta(minutes=30), None)
WORKSHOP = SessionView("W1", DURING + timedelta(hours=1), DURING + timedelta(hours=2), None, signup=True)
CLOSED = SessionView("W2", DURING + timedelta(hours=1), DURING + timedelta(hours=2), None, signup=True,
                     walk_in="refuse")
ELSEWHERE = SessionView("HP-ONLY", DURING - timedelta(hours=1), DURING + timedelta(hours=1), ("HP-01",))
PROGRAMME = {s.code: s for s in (PLENARY, WORKSHOP, CLOSED, ELSEWHERE)}


def into(code: str, signed_up: bool = False) -> SessionScan:
    """A scan by a scanner working in session `code` (named), the person holding a place in it or not."""
    return SessionScan(code, PROGRAMME.get(code), signed_up)


def ticket(forum=SLUG, attendance="onsite", point=POINT, version=1, key=KEY, rid="r-1") -> str:
    return key.sign(TicketClaims(forum, rid, attendance, point, CODE, version))


def known(status="confirmed", attendance="onsite", point=POINT, version=1, rid="r-1", forum=SLUG) -> RegistrationView:
    return RegistrationView(rid, forum, status, attendance, point, CODE, version)


def tampered(qr: str) -> str:
    prefix, payload, signature = qr.split(".")
    raw = bytearray(unb64(signature))
    raw[3] ^= 0x10
    return f"{prefix}.{payload}.{b64(bytes(raw))}"


@dataclass(frozen=True)
class Case:
    name: str
    scanned: str
    registration: RegistrationView | None  # what check-in holds of the person
    expected: tuple[str, str]  # (outcome, reason) the service decides
    now: datetime = DURING
    first: FirstCheckin | None = None
    offline: tuple[str, str] | None = None  # what the scanner decides when its kit cannot know
    because: str = ""  # why the scanner decides otherwise
    session: SessionScan | None = None  # the session the scanner works in (named); `first` is then into it
    not_signed_up: bool = False  # admitted into a sign-up session without a place
    direction: str = "in"  # "out": a check-out

    @property
    def offline_expected(self) -> tuple[str, str]:
        return self.offline or self.expected


ACCEPTED, DUPLICATE = ("accepted", "accepted"), ("duplicate", "already_checked_in")
CHECKED_OUT = ("accepted", "checked_out")
IN_SESSION = ("duplicate", "already_in_session")


def rejected(reason: str) -> tuple[str, str]:
    return "rejected", reason


CASES = [
    Case("a valid ticket at its point is let in", ticket(), known(), ACCEPTED),
    Case("a typed code is read in any case with dashes and spaces", " abcde-234 56 ", known(), ACCEPTED),
    Case("a signed ticket is let in before its registration event arrives", ticket(), None, ACCEPTED),
    Case("a second scan answers where and when the first was", ticket(), known(), DUPLICATE,
         first=FirstCheckin(POINT, DURING - timedelta(minutes=7))),
    Case("someone let in at another point is a duplicate here too", ticket(), known(), DUPLICATE,
         first=FirstCheckin("HP-01", DURING - timedelta(minutes=5))),
    Case("a signed ticket admitted before its registration event is a duplicate", ticket(), None, DUPLICATE,
         first=FirstCheckin(POINT, DURING - timedelta(minutes=1)), offline=ACCEPTED,
         because="only people whose registration reached check-in are on the roster (a phone also remembers "
                 "whom it let in itself); the upload then records a duplicate"),
    Case("an unreadable QR is refused", "FO1.not-base64!.x", None, rejected("malformed_ticket")),
    Case("a ticket signed with another key is refused", ticket(key=OTHER_KEY), None, rejected("unknown_key")),
    Case("a tampered signature is refused", tampered(ticket()), known(), rejected("invalid_signature")),
    Case("a typed code that names nobody is refused", "ZZZZ-ZZZZ-ZZ", None, rejected("unknown_ticket")),
    Case("a ticket of another forum is refused", ticket(forum="dien-dan-khac"), None, rejected("wrong_forum")),
    Case("a ticket of another point is refused", ticket(point="HCM-02"), known(point="HCM-02"),
         rejected("wrong_point")),
    Case("a typed code of another point is refused", CODE, known(point="HCM-02"), rejected("wrong_point"),
         offline=rejected("unknown_ticket"), because="the kit holds its own point's codes only"),
    Case("an online ticket is refused at a door", ticket(attendance="online", point=None),
         known(attendance="online", point=None), rejected("online_ticket")),
    Case("a typed code of an online registration is refused", CODE, known(attendance="online", point=None),
         rejected("online_ticket"), offline=rejected("unknown_ticket"),
         because="people attending online are on no point's roster"),
    Case("a cancelled registration is refused", ticket(), known(status="cancelled"), rejected("cancelled")),
    Case("someone still waiting for a place is refused", ticket(), known(status="waitlisted"),
         rejected("waitlisted")),
    Case("a replaced ticket is refused", ticket(version=1), known(version=2), rejected("ticket_replaced")),
    Case("the point registration knows wins over the one in an old signature", ticket(version=2),
         known(point="HCM-02", version=2), rejected("wrong_point"), offline=ACCEPTED,
         because="a person who moved away is no longer on this point's roster; the upload forces it"),
    Case("an old ticket of someone who moved to another point is refused", ticket(version=1),
         known(point="HCM-02", version=2), rejected("ticket_replaced"), offline=ACCEPTED,
         because="a person who moved away is no longer on this point's roster; the upload forces it"),
    Case("before the doors open it is too early", ticket(), known(), rejected("not_yet_valid"),
         now=START - DOORS_OPEN_BEFORE_START - timedelta(minutes=1)),
    Case("the doors open a day before the start", ticket(), known(), ACCEPTED, now=START - DOORS_OPEN_BEFORE_START),
    Case("a cancelled registration is refused before a repeat is", ticket(), known(status="cancelled"),
         rejected("cancelled"), first=FirstCheckin(POINT, DURING - timedelta(minutes=3))),
    # A scanner working in a session (steps 6 and 7).
    Case("a scan into a session is let in", ticket(), known(), ACCEPTED, session=into("OPEN")),
    Case("a second scan into the same session is a duplicate of it", ticket(), known(), IN_SESSION,
         session=into("OPEN"), first=FirstCheckin(POINT, DURING - timedelta(minutes=5))),
    Case("a session code not in the programme is refused", ticket(), known(), rejected("unknown_session"),
         session=into("NOPE")),
    Case("a session held at other points only is refused here", ticket(), known(), rejected("session_elsewhere"),
         session=into("HP-ONLY")),
    Case("a workshop the person signed up for is let in", ticket(), known(), ACCEPTED,
         session=into("W1", signed_up=True)),
    Case("a workshop that admits walk-ins lets in a person without a place, flagged", ticket(), known(), ACCEPTED,
         session=into("W1"), not_signed_up=True),
    Case("a workshop that refuses walk-ins refuses a person without a place", ticket(), known(),
         rejected("not_signed_up"), session=into("W2")),
    Case("a workshop that refuses walk-ins lets in a person with a place", ticket(), known(), ACCEPTED,
         session=into("W2", signed_up=True)),
    Case("a workshop refuses a signed ticket whose registration has not arrived", ticket(), None,
         rejected("not_signed_up"), session=into("W2")),
    Case("the ticket is decided before the session", ticket(), known(status="cancelled"), rejected("cancelled"),
         session=into("NOPE")),
    # Check-outs: the ticket as for a check-in, the session only when the scanner names one.
    Case("a check-out of someone let in is noted", ticket(), known(), CHECKED_OUT, direction="out",
         first=FirstCheckin(POINT, DURING - timedelta(minutes=40))),
    Case("a check-out is noted whether or not the person was let in (hours take it as nothing then)",
         ticket(), known(), CHECKED_OUT, direction="out"),
    Case("a check-out by typed code is noted", CODE, known(), CHECKED_OUT, direction="out"),
    Case("a check-out of a ticket of another point is refused", ticket(point="HCM-02"), known(point="HCM-02"),
         rejected("wrong_point"), direction="out"),
    Case("a check-out of a replaced ticket is refused", ticket(version=1), known(version=2),
         rejected("ticket_replaced"), direction="out"),
    Case("a forged check-out is refused", tampered(ticket()), known(), rejected("invalid_signature"), direction="out"),
    Case("a check-out out of a session is for it", ticket(), known(), CHECKED_OUT, direction="out",
         session=into("OPEN")),
    Case("a check-out out of a workshop needs no place in it", ticket(), known(), CHECKED_OUT, direction="out",
         session=into("W2")),
    Case("a check-out out of a session not in the programme is refused", ticket(), known(),
         rejected("unknown_session"), direction="out", session=into("NOPE")),
    Case("a check-out out of a session held elsewhere is refused", ticket(), known(),
         rejected("session_elsewhere"), direction="out", session=into("HP-ONLY")),
]


def on_roster(registration: RegistrationView | None, point: str = POINT) -> bool:
    """Whether the scanner at `point` has the person in its kit (services/kits.py)."""
    return (registration is not None and registration.forum == SLUG and registration.point == point
            and registration.attendance == "onsite")


def kit(case: Case, point: str = POINT) -> dict:
    """The device kit a scanner at `point` holds in this case (the shape of GET .../device)."""
    roster = []
    if on_roster(case.registration, point):
        r = case.registration
        code = case.session.code if case.session else None
        roster.append({"id": r.id, "full_name": "Nguyễn Thị Ánh Tuyết", "ticket_code": r.ticket_code,
                       "status": r.status, "ticket_version": r.ticket_version, "arrived": case.first is not None,
                       "sessions": [code] if case.session and case.session.signed_up else [],
                       "in_sessions": [code] if case.session and case.first else []})
    return {"forum": {"slug": SLUG, "doors_open_at": (START - DOORS_OPEN_BEFORE_START).isoformat()},
            "point": {"code": point}, "keys": {kid: b64(public) for kid, public in FORUM.public_keys.items()},
            "roster": roster, "sessions": [
                {"code": s.code, "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(),
                 "points": None if s.points is None else list(s.points), "signup": s.signup, "walk_in": s.walk_in}
                for s in PROGRAMME.values() if case.session]}  # the other cases: a forum with no programme
