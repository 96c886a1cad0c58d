"""Looking at where a service keeps its signing seeds: the key file, and its database's files."""
from __future__ import annotations

import json
import stat
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from forumops_shared.db import make_engine
from forumops_shared.tickets import SigningKey, b64


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def seeds_kept(path: Path) -> set[str]:
    """The kids whose seeds the key file holds."""
    return set(json.loads(path.read_text())["keys"])


def seeds_in_database(database_url: str, table) -> list[str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(table.c.private_key).where(table.c.private_key.isnot(None))).scalars().all()
    finally:
        engine.dispose()


def database_files_holding(database_url: str, key: SigningKey) -> list[str]:
    """The database's files (SQLite: the file, its write-ahead log) in which the seed can be
    read, raw or base64url; nothing to read on PostgreSQL, whose files are the server's."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return []
    files = [Path(url.database), Path(f"{url.database}-wal")]
    return [f.name for f in files if f.exists() and (key.seed in f.read_bytes() or b64(key.seed).encode() in f.read_bytes())]
