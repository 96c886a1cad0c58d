"""Empty databases for tests: SQLite files, or fresh databases on a PostgreSQL server."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text


@dataclass
class Databases:
    """Makes empty databases of the kind this run tests against."""

    kind: str
    tmp_dir: object
    admin_url: str | None = None
    created: list[str] = field(default_factory=list)

    def new(self, label: str = "db") -> str:
        name = f"t_{label}_{uuid.uuid4().hex[:10]}"
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp_dir / (name + '.db')}"
        with self._admin() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def _admin(self):
        return create_engine(self.admin_url, isolation_level="AUTOCOMMIT").connect()

    def set_connectable(self, url: str, allowed: bool) -> None:
        """PostgreSQL only: refuse (and cut) or allow connections to one database — an outage."""
        name = url.rsplit("/", 1)[1]
        with self._admin() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}'))
            if not allowed:
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})

    def drop_all(self) -> None:
        if self.kind != "postgresql":
            return
        with self._admin() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


