"""A throwaway PostgreSQL server on loopback for tests and CI, from Debian's packages."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .brokers import free_port

SUPERUSER = "forumops"


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
    """initdb + pg_ctl in a temporary folder; trust auth on 127.0.0.1 only."""

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

    def start(self) -> str:
        bin_dir = pg_bin()
        data = self.home / "data"
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres", "postgres")
        if not data.exists():
            self._run(str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                      "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.home} "
                   "-c fsync=off -c max_connections=300")
        self._run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                  str(self.home / "server.log"), "-w", "start")
        return self.admin_url

    def stop(self) -> None:
        if (self.home / "data" / "postmaster.pid").exists():
            self._run(str(pg_bin() / "pg_ctl"), "-D", str(self.home / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.home, ignore_errors=True)
