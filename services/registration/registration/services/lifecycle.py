"""After registering: change, cancel, erase, a new link; each stages its events and the emails
that tell of it in the same transaction."""
from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import write_transaction
from forumops_shared.events import Event, new_event, registry as types
from forumops_shared.mail import forget_mail, request_mail
from forumops_shared.normalise import email_key
from forumops_shared.outbox import stage_event
from forumops_shared.plumbing import outbox
from forumops_shared.tickets import new_ticket_code
from forumops_shared.tokens import hash_token
from forumops_shared.topics import ERASABLE

from ..domain.registrations import ACTIVE, placement_after, point_for, require_active, require_language
from ..tables import forums, idempotency_keys, registrations
from . import mail
from .places import give_back, take_place
from .registrations import SOURCE, event_data, find_active_by_email, load_registration, points_of
from .signups import held_sessions, release_signups

PERSONAL_FIELDS = ("full_name", "email", "email_key", "phone", "organisation", "role")


def _unique_ticket_code(conn: Connection, forum_id: int) -> str:
    while True:
        code = new_ticket_code()
        taken = conn.execute(select(registrations.c.seq).where(
            registrations.c.forum_id == forum_id, registrations.c.ticket_code == code)).first()
        if not taken:
            return code


def announce_promotions(conn: Connection, forum: Row, promoted: list[str]) -> None:
    """Each person promoted from the waiting list: the event, and an email with their ticket."""
    rows = [load_registration(conn, registration_id) for registration_id in promoted]
    for row in rows:
        data = event_data(row, ["status"], sessions=held_sessions(conn, row.id))
        stage_event(conn, new_event(types.REGISTRATION_CHANGED, row.id, data, source=SOURCE))
    request_mail(conn, [mail.ticket_mail(row, "promotion") for row in rows], datetime.now(timezone.utc))


def change(conn: Connection, forum: Row, row: Row, data: dict) -> Row:
    """Change personal details, language, attendance or point; a new point or mode re-issues the ticket."""
    require_active(row.status)
    if "language" in data:
        require_language(forum.languages.split(","), data["language"])
    attendance, point_code = placement_after(row.attendance, row.point_code, data)
    values = {k: v for k, v in data.items() if k in ("full_name", "phone", "organisation", "role", "language")}
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    promoted: list[str] = []
    if (attendance, point_code) != (row.attendance, row.point_code):
        point = point_for(points_of(conn, forum), attendance, point_code)
        if row.point_id is not None:
            promoted = give_back(conn, row.point_id, row.status)
        status = take_place(conn, point.id) if point else "confirmed"
        now = datetime.now(timezone.utc)
        values.update(attendance=attendance, point_id=point.id if point else None, status=status,
                      waitlisted_at=now if status == "waitlisted" else None,
                      ticket_code=_unique_ticket_code(conn, forum.id), ticket_version=row.ticket_version + 1)
        changed += ["attendance", "point", "ticket"] + (["status"] if status != row.status else [])
    if not changed:
        return row
    conn.execute(update(registrations).where(registrations.c.id == row.id)
                 .values(updated_at=datetime.now(timezone.utc), **values))
    updated = load_registration(conn, row.id)
    data = event_data(updated, sorted(set(changed)), sessions=held_sessions(conn, row.id))
    stage_event(conn, new_event(types.REGISTRATION_CHANGED, row.id, data, source=SOURCE))
    if "ticket" in changed:  # the new ticket (or the new place in line), by email
        request_mail(conn, [mail.ticket_mail(updated, "ticket")], datetime.now(timezone.utc))
    announce_promotions(conn, forum, promoted)
    return updated


def cancel(conn: Connection, forum: Row, row: Row) -> Row:
    """Cancel; a freed place goes to the next person waiting at that point."""
    require_active(row.status)
    now = datetime.now(timezone.utc)
    conn.execute(update(registrations).where(registrations.c.id == row.id)
                 .values(status="cancelled", cancelled_at=now, updated_at=now, waitlisted_at=None))
    stage_event(conn, new_event(types.REGISTRATION_CANCELLED, row.id, {
        "registration_id": row.id, "forum": row.forum_slug, "occurred_at": now.isoformat()}, source=SOURCE))
    request_mail(conn, [mail.cancelled_mail(row)], now)
    release_signups(conn, row.id)
    if row.point_id is not None:
        announce_promotions(conn, forum, give_back(conn, row.point_id, row.status))
    return load_registration(conn, row.id)


def erase(conn: Connection, forum: Row, row: Row) -> None:
    """Remove the person's data from this service and tell the others to do the same."""
    if row.erased_at is not None:
        return
    # Events about this person not yet sent are withdrawn, sent ones are dropped from the outbox:
    # after this transaction no table here holds their personal data.
    conn.execute(delete(outbox).where(outbox.c.key == row.id))
    conn.execute(delete(idempotency_keys).where(idempotency_keys.c.registration_id == row.id))
    if row.status in ACTIVE:
        row = cancel(conn, forum, row)
    forget_mail(conn, row.id)  # their messages, queued or sent (the cancellation's too)
    now = datetime.now(timezone.utc)
    conn.execute(update(registrations).where(registrations.c.id == row.id).values(
        erased_at=now, updated_at=now, **{field: None for field in PERSONAL_FIELDS}))
    stage_event(conn, erasure_event(row.id, row.forum_slug, now))


def send_new_link(conn: Connection, forum: Row, email: str) -> bool:
    """A lost link: the active registration of `email` at `forum` gets a new manage token, the
    old one stops working (the other services learn the new one's hash from the event), and the
    new link goes to that address. False when no active registration has that address; the
    caller answers the same either way."""
    found = find_active_by_email(conn, forum.id, email_key(email))
    if found is None:
        return False
    token, now = secrets.token_urlsafe(32), datetime.now(timezone.utc)
    conn.execute(update(registrations).where(registrations.c.id == found.id)
                 .values(manage_token_hash=hash_token(token), updated_at=now))
    row = load_registration(conn, found.id)
    data = event_data(row, ["manage_token"], sessions=held_sessions(conn, row.id))
    stage_event(conn, new_event(types.REGISTRATION_CHANGED, row.id, data, source=SOURCE))
    request_mail(conn, [mail.recovery_mail(row, token)], now)
    return True


# The log keeps a person's earlier events until the cleaner sees the erasure that supersedes
# them, and it cleans only closed segments: a segment closes at its first record after
# segment.ms. Sending the erasure again after that closes the first one's segment even on a
# topic nobody else writes to. Consumers know the second by its id and change nothing.
ERASURE_SENT_AGAIN_AFTER = timedelta(milliseconds=int(ERASABLE["segment.ms"])) + timedelta(hours=1)
_ERASURES = uuid.UUID("5b0c8f55-5d0e-4a55-9d43-1f4f0e1d7a21")


def erasure_event(registration_id: str, forum_slug: str, erased_at: datetime) -> Event:
    """The erasure of one registration, the same event each time it is built."""
    return new_event(types.PERSONAL_DATA_ERASED, registration_id, {
        "registration_id": registration_id, "forum": forum_slug, "occurred_at": erased_at.isoformat()},
        source=SOURCE, event_id=str(uuid.uuid5(_ERASURES, registration_id)), at=erased_at)


def send_erasures_again(engine: Engine, now: datetime | None = None) -> int:
    """The worker's chore: each erasure is sent a second time, once, when the first has been in
    Kafka for ERASURE_SENT_AGAIN_AFTER (its outbox row is kept a day after it went, then purged:
    gone means it went long enough ago). Returns how many were."""
    now = now or datetime.now(timezone.utc)
    r, cutoff = registrations, now - ERASURE_SENT_AGAIN_AFTER
    with write_transaction(engine) as conn:
        due = conn.execute(
            select(r.c.id, r.c.erased_at, forums.c.slug).join(forums, forums.c.id == r.c.forum_id)
            .where(r.c.erased_at <= cutoff, r.c.erasure_resent_at.is_(None)).limit(1000)).all()
        sent = 0
        for row in due:
            event = erasure_event(row.id, row.slug, row.erased_at)
            first = conn.execute(select(outbox.c.published_at).where(outbox.c.event_id == event.id)).first()
            if first is not None and (first.published_at is None or first.published_at > cutoff):
                continue  # the first is not in Kafka yet, or not for long enough: a later turn
            conn.execute(delete(outbox).where(outbox.c.event_id == event.id))
            stage_event(conn, event)
            conn.execute(update(r).where(r.c.id == row.id).values(erasure_resent_at=now))
            sent += 1
    return sent
