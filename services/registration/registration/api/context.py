"""What the views need, attached to the app by create_app."""
from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import GroupCommit, readonly, write_transaction
from forumops_shared.ratelimit import RateLimit

from ..config import RegistrationConfig
from forumops_shared.signing_keys import KeyRing
from ..services.forums import get_forum
from ..tables import points


class ForumCache:
    """Forums and their point ids by code, kept a few seconds in each process.

    The public registration needs both on every submit; with them here it touches the database
    only inside its short write transaction. A changed forum (title, languages) may take the TTL
    to show here; a new point shows at once (an unknown code is looked up on its own). Points are
    never deleted, so a cached id is never wrong.
    """

    def __init__(self, engine: Engine, ttl_s: float = 5.0):
        self.engine, self.ttl_s = engine, ttl_s
        self._entries: dict[str, tuple[Row, dict[str, Row], float]] = {}
        self._lock = threading.Lock()

    def _entry(self, slug: str):
        with self._lock:
            hit = self._entries.get(slug)
        if hit and time.monotonic() - hit[2] < self.ttl_s:
            return hit
        with readonly(self.engine).connect() as conn:
            forum = get_forum(conn, slug)
            found = conn.execute(select(points.c.id, points.c.code).where(points.c.forum_id == forum.id)).all()
        entry = (forum, {p.code: p for p in found}, time.monotonic())
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


@dataclass
class Context:
    engine: Engine
    config: RegistrationConfig
    keys: KeyRing
    rate_limit: RateLimit
    forums: ForumCache
    commits: GroupCommit  # the public submit's short writes, committed together

    def write(self) -> contextlib.AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    def read(self) -> contextlib.AbstractContextManager[Connection]:
        return readonly(self.engine).connect()


def ctx() -> Context:
    return current_app.extensions["registration"]
