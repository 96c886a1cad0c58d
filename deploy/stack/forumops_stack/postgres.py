"""A PostgreSQL server on loopback from Debian's packages: throwaway for tests and CI, kept for `up --cluster`."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from .brokers import free_port

SUPERUSER = "forumops"
# gunicorn threads a worker for an API on PostgreSQL (FORUMOPS_WEB_THREADS), as `up --cluster` and
# the benchmarks run them (docker-compose.yml says the same): a read holds one of a process's 10
# pooled connections, so 16, not the 32 that make SQLite's batches larger (docs/operations.md).
API_THREADS = 16


class PostgresError(RuntimeError):
    pass


def pg_bin() -> Path:
    """The newest installed server's bin/; installs Debian's postgresql package if none is."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        if os.geteuid() != 0:
            raise PostgresError("PostgreSQL is not installed; run: sudo apt-get install -y postgresql")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"],
                       check=True, env=env)
        return pg_bin()
    return Path(found[-1]).parent


@dataclass
class LocalPostgres:
    """initdb + pg_ctl in a temporary folder (tests), or a folder kept between runs under a
    supervisor (`up --cluster`: `command`); trust auth on 127.0.0.1 only."""

    port: int = field(default_factory=free_port)  # two test runs on one machine must not collide
    home: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="forumops-pg-")))

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        # The server refuses to run as root; as root, run it as Debian's postgres user.
        cmd = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise PostgresError(f"{' '.join(args[:2])} failed: {result.stdout}{result.stderr}")

    def initdb(self) -> None:
        """Make the server's data folder, once."""
        data = self.home / "data"
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres", "postgres")
        if not data.exists():
            self._run(str(pg_bin() / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                      "-E", "UTF8", "--locale=C.UTF-8")

    def options(self, durable: bool) -> list[str]:
        """The server's settings: loopback only, its socket in its folder; `durable` False turns
        fsync off (tests: a crash of the machine loses the data anyway)."""
        return ["-p", str(self.port), "-c", "listen_addresses=127.0.0.1", "-k", str(self.home),
                "-c", "max_connections=300", *(() if durable else ("-c", "fsync=off"))]

    def command(self) -> list[str]:
        """The server in the foreground (for a supervisor: SIGINT is its fast shutdown)."""
        self.initdb()
        args = [str(pg_bin() / "postgres"), "-D", str(self.home / "data"), *self.options(durable=True)]
        # As root, as Debian's postgres user: setpriv execs the server in its place (runuser would
        # stay its parent and keep signals from it), so the supervisor's pid is the server's.
        return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", *args] \
            if os.geteuid() == 0 else args

    def start(self) -> str:
        self.initdb()
        self._run(str(pg_bin() / "pg_ctl"), "-D", str(self.home / "data"), "-o", " ".join(self.options(durable=False)),
                  "-l", str(self.home / "server.log"), "-w", "start")
        return self.admin_url

    def wait_ready(self, timeout_s: float = 60) -> None:
        """Until the server accepts connections."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with create_engine(self.admin_url).connect() as conn:
                    conn.execute(text("SELECT 1"))
                return
            except OperationalError:
                if time.monotonic() > deadline:
                    raise PostgresError(f"PostgreSQL at 127.0.0.1:{self.port} not ready after {timeout_s:.0f} s")
                time.sleep(0.3)

    def ensure_databases(self, names: list[str]) -> list[str]:
        """Create the databases not there yet; returns those created."""
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                there = set(conn.execute(text("SELECT datname FROM pg_database")).scalars())
                for name in names:
                    if name not in there:
                        conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return [name for name in names if name not in there]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if (self.home / "data" / "postmaster.pid").exists():
            self._run(str(pg_bin() / "pg_ctl"), "-D", str(self.home / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.home, ignore_errors=True)
