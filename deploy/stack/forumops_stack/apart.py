"""A whole stack apart from any other on this machine (the tests' cluster, the benchmarks'): its
own var/ and free ports, started with `up` as a user would, stopped with `down`."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from .brokers import free_port_run
from .paths import ROOT
from .stack import SERVICES, cluster_postgres


def own_ports(var: Path) -> dict[str, str]:
    """Settings for a stack of its own: its var/ and free ports for everything it listens on, one
    run of them below the ports outgoing connections take (free_port_run): the brokers first
    (three nodes and their controllers), then the APIs, PostgreSQL and the inbox."""
    names = [f"{svc.name.upper()}_PORT" for svc in SERVICES] + [
        "FORUMOPS_POSTGRES_PORT", "FORUMOPS_INBOX_PORT", "FORUMOPS_INBOX_WEB_PORT"]
    kafka = free_port_run(6 + len(names))
    return {"KAFKA_PORT": str(kafka), **{name: str(kafka + 6 + n) for n, name in enumerate(names)},
            "FORUMOPS_VAR_DIR": str(var)}


def command(env: dict[str, str], *args: str, timeout_s: float = 600) -> subprocess.CompletedProcess:
    """`./forumops <args>` (without the set-up: this interpreter has it) in the stack's environment."""
    return subprocess.run([sys.executable, "-m", "forumops_stack", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout_s)


@contextlib.contextmanager
def cluster_apart(var: Path, **variables: str) -> Iterator[tuple[dict[str, str], str]]:
    """`up --cluster --no-demo` in `var` with `variables` (and none of this process's broker,
    database or token settings): yields its environment and what `up` printed; then `down`, and
    its PostgreSQL's folder removed (`down` keeps it for the next `up`: none comes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_", "FORUMOPS_TEST_"))
           and not k.endswith(("_DATABASE_URL", "_ADMIN_TOKEN"))}
    env.update({**own_ports(var), **variables})
    try:
        up = command(env, "up", "--cluster", "--no-demo")
        if up.returncode != 0:
            raise RuntimeError(f"up --cluster failed:\n{up.stdout}{up.stderr}")
        yield env, up.stdout
    finally:
        command(env, "down", timeout_s=300)
        shutil.rmtree(cluster_postgres(var, int(env["FORUMOPS_POSTGRES_PORT"])).home, ignore_errors=True)


def urls(env: dict[str, str]) -> dict[str, str]:
    """Where the stack's APIs answer."""
    return {svc.name: f"http://127.0.0.1:{env[f'{svc.name.upper()}_PORT']}" for svc in SERVICES}


def bootstrap(env: dict[str, str], nodes: int = 3) -> str:
    port = int(env["KAFKA_PORT"])
    return ",".join(f"127.0.0.1:{port + 2 * n}" for n in range(nodes))


def database_urls(env: dict[str, str]) -> dict[str, str]:
    """Each service's database on the cluster's PostgreSQL."""
    port = env["FORUMOPS_POSTGRES_PORT"]
    return {svc.name: f"postgresql+psycopg://forumops@127.0.0.1:{port}/{svc.name}" for svc in SERVICES}
