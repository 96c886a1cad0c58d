"""Holding a service's writers back, as another writer holding the database would."""
from __future__ import annotations

import contextlib
from typing import Iterator

from sqlalchemy import Engine


@contextlib.contextmanager
def database_held(engine: Engine) -> Iterator[None]:
    """While inside, no writer of this process can start a transaction: on SQLite another holds
    the write lock; on PostgreSQL every connection of the pool is taken (a pool at its limit).
    GroupCommit's writers queue meanwhile and, once let go, are stored together."""
    lock = getattr(engine, "info_write_lock", None)
    if lock is not None:
        with lock.held():
            yield
        return
    pool = engine.pool
    # QueuePool keeps its limit of extra connections private; make_engine sets it.
    taken = [pool.connect() for _ in range(pool.size() + pool._max_overflow)]
    try:
        yield
    finally:
        for conn in taken:
            conn.close()
