"""What check-in's views work with, built once per app (see forumops_shared.service_app)."""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Callable

from cachetools import TTLCache
from sqlalchemy import select

from forumops_shared.db import GroupCommit
from forumops_shared.ratelimit import DatabaseCounts, RateLimit
from forumops_shared.service_app import ServiceContext, context_of
from forumops_shared.tokens import hash_token

from ..config import CheckinConfig, checkin_config
from ..services import scans
from ..tables import devices, registrations


class AnswerCache:
    """Answers a process computed, kept `max_age_s` (by the context's clock): a dashboard
    refreshing every few seconds then costs one computation a second however many watch."""

    def __init__(self, max_age_s: float, timer: Callable[[], float]):
        self._answers = TTLCache(maxsize=256, ttl=max_age_s, timer=timer)
        self._lock = threading.Lock()

    def get(self, key, compute: Callable[[], str]) -> str:
        with self._lock:  # one request computes, the others of this process wait for its answer
            answer = self._answers.get(key)
            if answer is None:
                answer = self._answers[key] = compute()
            return answer


@dataclass
class Context(ServiceContext):
    config: CheckinConfig
    join_limit: RateLimit  # per client address, across processes (in the database)
    device_limit: RateLimit  # per device, per process (ratelimit.MemoryCounts)
    stats: AnswerCache
    scans: GroupCommit  # single scans of every door, recorded together

    def recognises(self, token: str) -> bool:
        """The organiser token, a device's (not revoked), or a registration's manage token."""
        if super().recognises(token):
            return True
        digest = hash_token(token)
        with self.read() as conn:
            return (conn.execute(select(devices.c.id).where(devices.c.token_hash == digest,
                                                            devices.c.revoked_at.is_(None))).first() is not None
                    or conn.execute(select(registrations.c.id).where(
                        registrations.c.manage_token_hash == digest)).first() is not None)


def build_context(common: ServiceContext) -> Context:
    config = checkin_config(common.settings)
    device_limit = RateLimit(config.device_rate_limit, common.clock)
    join_limit = RateLimit(config.join_rate_limit, common.clock, DatabaseCounts(common.engine, "join"))
    return Context(**common.common(), config=config, join_limit=join_limit,
                   device_limit=device_limit, stats=AnswerCache(config.stats_max_age_s, common.clock.monotonic),
                   scans=GroupCommit(common.engine, functools.partial(scans.record_all, device_limit=device_limit)))


def ctx() -> Context:
    return context_of()
