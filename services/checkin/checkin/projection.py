"""Keeps the projection of forums and registrations from registration's events.

Each handler runs inside the consumer runner's transaction, once per event id. Events of one
forum (one topic, keyed by slug) and of one registration (keyed by id) arrive in order; across
the two topics they may not, so nothing here assumes the forum is known before its people.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Connection

from forumops_shared import audit
from forumops_shared.db import KEYS_PER_QUERY, rows_for_keys, upsert, upsert_all
from forumops_shared.events import Event
from forumops_shared.events import registry as types
from forumops_shared.handlers import in_batches
from forumops_shared.normalise import email_key

from .services import counts, hours
from .tables import forums, points, registrations, sessions, signups, ticket_keys


def forum_published(conn: Connection, event: Event) -> None:
    d = event.data
    zone = conn.execute(select(forums.c.timezone).where(forums.c.slug == d["slug"])).scalar()
    upsert(conn, forums, {
        "slug": d["slug"], "titles": json.dumps(d["title"], ensure_ascii=False), "timezone": d["timezone"],
        "starts_at": d["starts_at"], "ends_at": d["ends_at"], "online_url": d.get("online_url"),
        "onsite_checkin": d["certificate_rule"]["onsite_checkin"],
        "online_min_minutes": d["certificate_rule"]["online_min_minutes"], "published_at": d["published_at"]})
    for point in d["points"]:  # points are never removed from a forum
        upsert(conn, points, {"forum": d["slug"], **point})
    # Keys not published any more are retired: tickets signed with them stop verifying.
    conn.execute(delete(ticket_keys).where(ticket_keys.c.forum == d["slug"]))
    for key in d["ticket_keys"]:
        conn.execute(ticket_keys.insert().values(forum=d["slug"], kid=key["kid"], public_key=key["public_key"]))
    moved = _programme_changed(conn, d["slug"], d.get("sessions", []))
    if moved or zone not in (None, d["timezone"]):  # the days of the programme follow its timezone
        hours.recompute(conn, d["slug"])  # everyone's: a session moved, was added or removed


def _programme_changed(conn: Connection, slug: str, published: list[dict]) -> bool:
    """Replace the forum's sessions with `published`; whether anything hours depend on changed."""
    rows = [{"forum": slug, "code": s["code"], "titles": json.dumps(s["title"], ensure_ascii=False), "kind": s["kind"], "starts_at": _moment(s["starts_at"]),
             "ends_at": _moment(s["ends_at"]), "points": None if s.get("points") is None else json.dumps(s["points"]),
             "online": bool(s.get("online_url")), "signup": s["signup"], "walk_in": s["walk_in"]} for s in published]
    before = {r.code: _timing(r._mapping) for r in conn.execute(select(sessions).where(sessions.c.forum == slug))}
    conn.execute(delete(sessions).where(sessions.c.forum == slug))
    if rows:
        conn.execute(sessions.insert(), rows)
    return before != {r["code"]: _timing(r) for r in rows}


def _timing(row) -> tuple:
    return (row["starts_at"].astimezone(timezone.utc), row["ends_at"].astimezone(timezone.utc), row["points"],
            row["online"])


def _moment(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def registration_state_all(conn: Connection, events: list[Event]) -> None:
    """Registrations arriving together (an import of thousands): each person's place read with
    one query, their rows, counts and sign-ups written with a statement each."""
    ids = list(dict.fromkeys(e.data["registration_id"] for e in events))
    places = _places(conn, ids)
    changes, rows, chosen = [], [], {}
    for event in events:  # in order: each moves the person from where the one before left them
        d = event.data
        after = counts.place_of(d["attendance"], d.get("point"), d["status"])
        changes += counts.movement(d["forum"], places.get(d["registration_id"]), after)
        places[d["registration_id"]] = after
        chosen[d["registration_id"]] = d.get("sessions") or []
        rows.append({
            "id": d["registration_id"], "forum": d["forum"], "status": d["status"], "attendance": d["attendance"],
            "point": d.get("point"), "language": d["language"], "full_name": d["full_name"],
            "email_key": email_key(d["email"]), "manage_token_hash": d.get("manage_token_hash"),
            "ticket_code": d["ticket_code"], "ticket_version": d["ticket_version"], "updated_at": event.time})
    upsert_all(conn, registrations, rows)
    counts.add(conn, changes)
    for i in range(0, len(ids), KEYS_PER_QUERY):  # what each chose is what their last event says
        conn.execute(_SIGNUPS_OF, {"keys": ids[i:i + KEYS_PER_QUERY]})
    picked = [{"registration_id": rid, "session": code} for rid, codes in chosen.items() for code in codes]
    if picked:
        conn.execute(signups.insert(), picked)


@in_batches(registration_state_all)
def registration_state(conn: Connection, event: Event) -> None:
    registration_state_all(conn, [event])


_SIGNUPS_OF = delete(signups).where(signups.c.registration_id.in_(bindparam("keys", expanding=True)))


def registration_cancelled(conn: Connection, event: Event) -> None:
    before = _place(conn, event.data["registration_id"])
    conn.execute(update(registrations).where(registrations.c.id == event.data["registration_id"])
                 .values(status="cancelled", updated_at=event.time))
    if before is not None:
        counts.moved(conn, event.data["forum"], before, before._replace(status="cancelled"))


def personal_data_erased(conn: Connection, event: Event) -> None:
    now = datetime.now(timezone.utc)
    conn.execute(update(registrations).where(registrations.c.id == event.data["registration_id"])
                 .values(full_name=None, email_key=None, manage_token_hash=None, erased=True, updated_at=now))
    audit.record(conn, at=now, actor=audit.SYSTEM, action="registration.erased", object_kind="registration",
                 object_id=event.data["registration_id"], forum=event.data["forum"])


def _place(conn: Connection, registration_id: str) -> counts.Place | None:
    return _places(conn, [registration_id]).get(registration_id)


_PLACES = select(registrations.c.id, registrations.c.attendance, registrations.c.point, registrations.c.status).where(
    registrations.c.id.in_(bindparam("keys", expanding=True)))


def _places(conn: Connection, registration_ids: list[str]) -> dict[str, counts.Place]:
    """Where each of these registrations counts now (those check-in knows)."""
    return {row.id: counts.place_of(row.attendance, row.point, row.status)
            for row in rows_for_keys(conn, _PLACES, registration_ids)}


HANDLERS = {
    types.FORUM_PUBLISHED: forum_published,
    types.PARTICIPANT_REGISTERED: registration_state,
    types.REGISTRATION_CHANGED: registration_state,
    types.REGISTRATION_CANCELLED: registration_cancelled,
    types.PERSONAL_DATA_ERASED: personal_data_erased,
}
