"""Registering: prepare outside the write transaction, commit inside; reading and showing registrations."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import TYPE_CHECKING, Callable

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from forumops_shared.db import as_utc, insert_rows
from forumops_shared.events import Event, new_events, registry as types
from forumops_shared.normalise import email_key
from forumops_shared.mail import request_mail
from forumops_shared.outbox import stage_events
from forumops_shared.refusals import Refusal
from forumops_shared.tickets import SigningKey, TicketClaims, new_ticket_code
from forumops_shared.tokens import hash_token

from ..domain.registrations import point_for, require_consent, require_language
from ..tables import forums, points, registrations
from . import idempotency
from .places import take_places

if TYPE_CHECKING:
    from forumops_shared.ratelimit import RateLimit

SOURCE = "/forumops/registration"

PointFinder = Callable[[str], "Row | None"]


def points_of(conn: Connection, forum: Row) -> PointFinder:
    """Look points up by code in this transaction."""
    return lambda code: conn.execute(_POINT, {"forum_id": forum.id, "code": code}).first()


_POINT = select(points.c.id, points.c.code).where(points.c.forum_id == bindparam("forum_id"),
                                                  points.c.code == bindparam("code"))


def is_duplicate_email(error: IntegrityError) -> bool:
    """Whether a failed insert hit the one-active-registration-per-email index."""
    text = str(error.orig)
    return "uq_registrations_active_email" in text or "registrations.email_key" in text


@dataclass
class Draft:
    """A registration prepared outside the write transaction; committing it is short."""

    values: dict
    event: Event
    token: str
    point_id: int | None
    qr_payload: str


def prepare(find_point: PointFinder, forum: Row, data: dict, key: SigningKey, *, consent_version: str,
            consent_source: str = "participant") -> Draft:
    """Every check and every costly step that needs no write lock: lookups, codes, signature."""
    require_consent(data.get("consent"))
    require_language(forum.languages.split(","), data["language"])
    point = point_for(find_point, data["attendance"], data.get("point"))
    email = email_key(data["email"])
    # The same active email, or (about once in 10^10) the same ticket code, is refused by a
    # unique index when the registration is stored; see is_duplicate_email().
    now, token, registration_id = datetime.now(timezone.utc), secrets.token_urlsafe(32), secrets.token_hex(16)
    code = new_ticket_code()
    values = dict(
        id=registration_id, forum_id=forum.id, point_id=point.id if point else None,
        attendance=data["attendance"], status="confirmed", language=data["language"],
        full_name=data["full_name"], email=data["email"], email_key=email, phone=data.get("phone"),
        organisation=data.get("organisation"), role=data.get("role"), consent_at=now,
        consent_version=consent_version, consent_source=consent_source, manage_token_hash=hash_token(token),
        ticket_code=code, ticket_version=1, created_at=now, updated_at=now)
    shape = SimpleNamespace(**values, forum_slug=forum.slug, point_code=point.code if point else None)
    # Its shape is checked against the event's schema once per process (commit() may only switch
    # its status to "waitlisted"). What a person wrote passed RegistrationSchema (the API's and the
    # CSV import's), stricter than the event's schema on every such field: test_registering sends
    # the longest values it accepts and decodes the event as a consumer would.
    event = new_events(types.PARTICIPANT_REGISTERED, [(registration_id, event_data(shape, sessions=[]))], source=SOURCE,
                       shape="registration.services.registrations.prepare")[0]
    claims = TicketClaims(forum.slug, registration_id, data["attendance"], shape.point_code, code, 1)
    return Draft(values, event, token, values["point_id"], key.sign(claims))


def commit(conn: Connection, draft: Draft) -> str:
    """Take a place (or a place in line), store the registration and its event; returns the status."""
    return store_drafts(conn, [draft])[0][0]


def store_drafts(conn: Connection, drafts: list[Draft]) -> list[tuple[str, int | None]]:
    """Take places (in order; or places in line) and store the registrations and their events with
    one statement per table; per draft, its status and its place in line (None when confirmed)."""
    with_points = [d for d in drafts if d.point_id]
    places = dict(zip(map(id, with_points), take_places(conn, [d.point_id for d in with_points])))
    placed = [places.get(id(d), ("confirmed", None)) for d in drafts]
    insert_rows(conn, registrations, [{**d.values, "status": status,
                                       "waitlisted_at": d.values["created_at"] if status == "waitlisted" else None}
                                      for d, (status, _) in zip(drafts, placed)])
    stage_events(conn, [replace(d.event, data={**d.event.data, "status": status})
                        for d, (status, _) in zip(drafts, placed)])
    from .mail import confirmation_requests  # it reads registrations as this module stores them

    request_mail(conn, confirmation_requests(list(zip(drafts, placed)), lambda d: d.event.data["forum"]),
                 drafts[0].values["created_at"] if drafts else None)
    return placed


@dataclass(frozen=True)
class Submit:
    """A public submit ready to store: its draft, and its Idempotency-Key (scope, key, request fingerprint)."""

    draft: Draft
    forum_slug: str
    idempotency: tuple[str, str, str] | None = None
    # The public limit and the client's address: the hit is counted in the transaction that
    # stores the submit (one commit for both), and a submit over the limit stores nothing.
    limit: tuple[RateLimit, str] | None = None


def store_all(conn: Connection, submits: list[Submit]) -> list[tuple[int, dict]]:
    """Store submits that arrived together (GroupCommit) with one statement per table; per submit,
    in order, its HTTP status and answer; each counted against its rate limit (OverLimit).

    A submit whose Idempotency-Key was used before (or earlier in `submits`) gets the answer
    given then, or idempotency_key_reused, and stores nothing."""
    answers = _store(conn, submits)
    # Counted last, so that a client's count row is held only from here to the commit: the
    # submits of one address (a school's network) arriving in two processes' batches at once
    # wait for each other that long only. A submit over its limit rolls the batch back, to be
    # stored again a submit at a time (GroupCommit), where its refusal is final and remembered.
    refusals = []
    for limit in dict.fromkeys(s.limit[0] for s in submits if s.limit):  # one, the public limit
        refusals += limit.refusals([s.limit[1] for s in submits if s.limit and s.limit[0] is limit], conn,
                                   final=len(submits) == 1)
    if any(refusals):
        raise OverLimit(next(r for r in refusals if r))
    return answers


class OverLimit(Exception):
    """A submit of a batch was over its rate limit: nothing of the batch is stored."""

    def __init__(self, refusal: Refusal):
        super().__init__("over the rate limit")
        self.refusal = refusal


def _store(conn: Connection, submits: list[Submit]) -> list[tuple[int, dict]]:
    keyed = [s.idempotency for s in submits if s.idempotency]
    claimed = idempotency.claim_all(conn, keyed) if keyed else set()
    fresh = []
    for submit in submits:  # a key sent twice in one batch was claimed by the first of the two
        if submit.idempotency is None or submit.idempotency[:2] in claimed:
            fresh.append(submit)
            claimed.discard(submit.idempotency[:2] if submit.idempotency else None)
    answers: dict[int, tuple[int, dict]] = {}
    if fresh:
        for submit, (status, position) in zip(fresh, store_drafts(conn, [s.draft for s in fresh])):
            answers[id(submit)] = (201, registered_view(submit.draft, submit.forum_slug, status, position))
        idempotency.remember_all(conn, [(*s.idempotency[:2], s.draft.values["id"], *answers[id(s)])
                                        for s in fresh if s.idempotency])
    for submit in submits:
        if id(submit) not in answers:  # its key was claimed before: the answer given then
            scope, key, fingerprint = submit.idempotency
            stored = idempotency.claim(conn, scope, key, fingerprint)
            if stored is None:  # the key had expired: claimed afresh, so stored as new
                answers[id(submit)] = _store(conn, [replace(submit, idempotency=None)])[0]
                idempotency.remember_all(conn, [(scope, key, submit.draft.values["id"], *answers[id(submit)])])
            else:
                answers[id(submit)] = (stored.status, stored.body)
    return [answers[id(s)] for s in submits]


def register(conn: Connection, forum: Row, data: dict, key: SigningKey, *, consent_version: str,
             consent_source: str = "participant") -> tuple[Row, str]:
    """Both phases in the caller's transaction (imports); returns the stored row and the token."""
    draft = prepare(points_of(conn, forum), forum, data, key, consent_version=consent_version,
                    consent_source=consent_source)
    commit(conn, draft)
    return load_registration(conn, draft.values["id"]), draft.token


def find_active_by_email(conn: Connection, forum_id: int, key: str) -> Row | None:
    # Written as the active-email index's own predicate (the same as `in ACTIVE`), so that the
    # planners use that index: with `status IN (...)` SQLite scanned the forum's registrations.
    return conn.execute(select(registrations.c.id).where(
        registrations.c.forum_id == forum_id, registrations.c.email_key == key,
        registrations.c.status != "cancelled")).first()


def registration_rows():
    """Registrations with their forum slug and point code, the shape every view reads."""
    return (select(registrations, forums.c.slug.label("forum_slug"), points.c.code.label("point_code"))
            .join(forums, forums.c.id == registrations.c.forum_id)
            .outerjoin(points, points.c.id == registrations.c.point_id))


def listing(forum_id: int, *, after: int = 0, status: str | None = None, point: str | None = None):
    """A forum's registrations in order of arrival, after sequence number `after`."""
    stmt = (registration_rows().where(registrations.c.forum_id == forum_id, registrations.c.seq > after)
            .order_by(registrations.c.seq))
    if status:
        stmt = stmt.where(registrations.c.status == status)
    if point:
        stmt = stmt.where(points.c.code == point)
    return stmt


def find_registration(conn: Connection, registration_id: str) -> Row | None:
    return conn.execute(registration_rows().where(registrations.c.id == registration_id)).first()


def load_registration(conn: Connection, registration_id: str) -> Row:
    row = find_registration(conn, registration_id)
    if row is None:
        raise Refusal("registration_not_found")
    return row


def event_data(row: Row, changed: list[str] | None = None, *, sessions: list[str]) -> dict:
    """A registration's state as its events carry it; `sessions`: the codes of the sessions it
    holds a confirmed place in (services/signups.held_sessions), always given, as consumers
    take each event as the whole state."""
    data = {
        "registration_id": row.id, "forum": row.forum_slug, "status": row.status,
        "attendance": row.attendance, "point": row.point_code, "language": row.language,
        "full_name": row.full_name, "email": row.email, "phone": row.phone,
        "organisation": row.organisation, "role": row.role, "ticket_code": row.ticket_code,
        "ticket_version": row.ticket_version, "manage_token_hash": row.manage_token_hash,
        "occurred_at": datetime.now(timezone.utc).isoformat(), "sessions": list(sessions),
    }
    if changed is not None:
        data["changed"] = changed
    return data


def view(conn: Connection, row: Row, key: SigningKey) -> dict:
    """The registration as its holder and organisers see it."""
    ticket = None
    if row.status == "confirmed":
        claims = TicketClaims(row.forum_slug, row.id, row.attendance, row.point_code,
                              row.ticket_code, row.ticket_version)
        ticket = {"code": row.ticket_code, "qr_payload": key.sign(claims)}
    return {
        "id": row.id, "forum": row.forum_slug, "status": row.status, "attendance": row.attendance,
        "point": row.point_code, "language": row.language, "full_name": row.full_name,
        "email": row.email, "phone": row.phone, "organisation": row.organisation, "role": row.role,
        "ticket": ticket, "waitlist_position": waitlist_position(conn, row),
        "created_at": as_utc(row.created_at).isoformat(),
    }


def registered_view(draft: Draft, forum_slug: str, status: str, position: int | None) -> dict:
    """The answer to a new registration, from the draft: no re-reading of what was just written."""
    v = draft.values
    return {
        "id": v["id"], "forum": forum_slug, "status": status, "attendance": v["attendance"],
        "point": draft.event.data["point"], "language": v["language"], "full_name": v["full_name"],
        "email": v["email"], "phone": v["phone"], "organisation": v["organisation"], "role": v["role"],
        "ticket": {"code": v["ticket_code"], "qr_payload": draft.qr_payload} if status == "confirmed" else None,
        "waitlist_position": position,
        "created_at": v["created_at"].isoformat(),
        "manage_token": draft.token,
    }


def waitlist_position(conn: Connection, row: Row) -> int | None:
    if row.status != "waitlisted":
        return None
    ahead = conn.execute(select(func.count()).select_from(registrations).where(
        registrations.c.point_id == row.point_id, registrations.c.status == "waitlisted",
        or_(registrations.c.waitlisted_at < row.waitlisted_at,
            and_(registrations.c.waitlisted_at == row.waitlisted_at, registrations.c.seq < row.seq)))).scalar_one()
    return ahead + 1
