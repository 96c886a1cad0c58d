"""What the views need, attached to the app by create_app."""
from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import readonly, write_transaction

from ..config import RegistrationConfig
from ..keys import KeyRing
from .ratelimit import RateLimit
from ..services.forums import get_forum


class ForumCache:
    """Forums by slug for a few seconds: the public registration reads one on every submit,
    and a changed forum (title, languages) may take that long to show there."""

    def __init__(self, ttl_s: float = 5.0):
        self.ttl_s, self._rows, self._lock = ttl_s, {}, threading.Lock()

    def get(self, conn: Connection, slug: str) -> Row:
        with self._lock:
            hit = self._rows.get(slug)
        if hit and time.monotonic() - hit[1] < self.ttl_s:
            return hit[0]
        row = get_forum(conn, slug)
        with self._lock:
            self._rows[slug] = (row, time.monotonic())
        return row


@dataclass
class Context:
    engine: Engine
    config: RegistrationConfig
    keys: KeyRing
    rate_limit: RateLimit
    forums: ForumCache = field(default_factory=ForumCache)

    def write(self) -> contextlib.AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    def read(self) -> contextlib.AbstractContextManager[Connection]:
        return readonly(self.engine).connect()


def ctx() -> Context:
    return current_app.extensions["registration"]
