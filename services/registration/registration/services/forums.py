"""Forums: create, change, and publish their whole state to the other services."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone

from sqlalchemy import Engine, select, update
from sqlalchemy.engine import Connection, Row

from forumops_shared.clock import Clock
from forumops_shared.db import as_utc, readonly
from forumops_shared.events import new_event
from forumops_shared.events.registry import FORUM_PUBLISHED
from forumops_shared.outbox import stage_event
from forumops_shared.refusals import Refusal
from forumops_shared.signing_keys import published_keys

from ..domain.forums import titles_of
from ..domain.sessions import forum_window
from ..tables import forums, points, ticket_keys
from .programme import programme, published_session

SOURCE = "/forumops/registration"


def get_forum(conn: Connection, slug: str) -> Row:
    row = conn.execute(select(forums).where(forums.c.slug == slug)).first()
    if row is None:
        raise Refusal("forum_not_found")
    return row


def _columns(data: dict, languages: list[str]) -> dict:
    values = {k: data[k] for k in ("starts_at", "ends_at", "timezone", "online_url") if k in data}
    if "title" in data:
        values["titles"] = json.dumps(titles_of(data["title"], languages), ensure_ascii=False)
    if "languages" in data:
        values["languages"] = ",".join(data["languages"])
    rule = data.get("certificate_rule", {})  # a change may name only one part of the rule
    for part in ("onsite_checkin", "online_min_minutes", "min_hours", "hours_step_minutes"):
        if part in rule:
            values[part] = rule[part]
    if "required_sessions" in rule:
        values["required_sessions"] = json.dumps(rule["required_sessions"])
    return values


def create_forum(conn: Connection, data: dict) -> Row:
    if conn.execute(select(forums.c.id).where(forums.c.slug == data["slug"])).first():
        raise Refusal("forum_exists")
    now = datetime.now(timezone.utc)
    conn.execute(forums.insert().values(slug=data["slug"], created_at=now, updated_at=now,
                                        **_columns(data, data["languages"])))
    forum = get_forum(conn, data["slug"])
    publish_forum(conn, forum)
    return forum


def change_forum(conn: Connection, slug: str, data: dict) -> Row:
    forum = get_forum(conn, slug)
    merged = {**forum_view(conn, forum, with_points=False), **data}
    if merged["ends_at"] <= merged["starts_at"]:
        raise Refusal("validation_failed", {"ends_at": ["Must be after starts_at."]})
    _keep_the_programme_within(conn, forum, merged)
    conn.execute(update(forums).where(forums.c.id == forum.id)
                 .values(updated_at=datetime.now(timezone.utc), **_columns(data, merged["languages"])))
    forum = get_forum(conn, slug)
    publish_forum(conn, forum)
    return forum


def _keep_the_programme_within(conn: Connection, forum: Row, merged: dict) -> None:
    """New dates or a new zone may not leave a session outside the forum's days."""
    window = forum_window(merged["starts_at"], merged["ends_at"], merged["timezone"])
    outside = [s.code for s in programme(conn, forum.id)
               if as_utc(s.starts_at) < window[0] or as_utc(s.ends_at) > window[1]]
    if outside:
        raise Refusal("session_outside_forum", {"starts_at": [
            f"Sessions {', '.join(outside)} would lie outside the forum's days: move them first."]})


def forum_view(conn: Connection, forum: Row, *, with_points: bool = True) -> dict:
    """The forum as the public API and the forum-published event show it."""
    view = {
        "slug": forum.slug,
        "title": json.loads(forum.titles),
        "starts_at": as_utc(forum.starts_at),
        "ends_at": as_utc(forum.ends_at),
        "timezone": forum.timezone,
        "online_url": forum.online_url,
        "languages": forum.languages.split(","),
        "certificate_rule": {"onsite_checkin": forum.onsite_checkin,
                             "online_min_minutes": forum.online_min_minutes, "min_hours": forum.min_hours,
                             "required_sessions": json.loads(forum.required_sessions or "[]"),
                             "hours_step_minutes": forum.hours_step_minutes},
    }
    if with_points:
        rows = conn.execute(select(points.c.code, points.c.name, points.c.province, points.c.capacity)
                            .where(points.c.forum_id == forum.id).order_by(points.c.code)).all()
        view["points"] = [dict(r._mapping) for r in rows]
    return view


def publish_forum(conn: Connection, forum: Row) -> None:
    """Stage the forum's whole current state, with points, sessions and ticket keys, for the other services."""
    data = forum_view(conn, forum)
    data.update(ticket_keys=published_keys(conn, ticket_keys), published_at=datetime.now(timezone.utc),
                sessions=[published_session(s, forum.timezone) for s in programme(conn, forum.id)])
    stage_event(conn, new_event(FORUM_PUBLISHED, forum.slug, _jsonable(data), source=SOURCE))


def _jsonable(data: dict) -> dict:
    return json.loads(json.dumps(data, default=lambda v: v.isoformat()))


class ForumCache:
    """Forums and their point ids by code, kept a few seconds in each process.

    The public registration needs both on every submit; with them here it touches the database
    only inside its short write transaction. A changed forum (title, languages) may take the TTL
    to show here; a new point shows at once (an unknown code is looked up on its own). Points are
    never deleted, so a cached id is never wrong.
    """

    def __init__(self, engine: Engine, clock: Clock, ttl_s: float = 5.0):
        self.engine, self.clock, self.ttl_s = engine, clock, ttl_s
        self._entries: dict[str, tuple[Row, dict[str, Row], float]] = {}
        self._lock = threading.Lock()

    def _entry(self, slug: str):
        with self._lock:
            hit = self._entries.get(slug)
        if hit and self.clock.monotonic() - hit[2] < self.ttl_s:
            return hit
        with readonly(self.engine).connect() as conn:
            forum = get_forum(conn, slug)
            found = conn.execute(select(points.c.id, points.c.code).where(points.c.forum_id == forum.id)).all()
        entry = (forum, {p.code: p for p in found}, self.clock.monotonic())
        with self._lock:
            self._entries[slug] = entry
        return entry

    def forum(self, slug: str) -> Row:
        return self._entry(slug)[0]

    def point(self, slug: str, code: str) -> Row | None:
        forum, known, _loaded = self._entry(slug)
        if code in known:
            return known[code]
        with readonly(self.engine).connect() as conn:
            found = conn.execute(select(points.c.id, points.c.code)
                                 .where(points.c.forum_id == forum.id, points.c.code == code)).first()
        if found is not None:
            with self._lock:
                known[code] = found
        return found
