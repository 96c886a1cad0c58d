"""What every benchmark here shares: wrk, gunicorn servers, a broker, a database (SQLite files, or
PostgreSQL after `use_postgres`), the one-insert ceiling."""
from __future__ import annotations

import argparse
import os
import re
import runpy
import secrets
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import requests

from forumops_shared import access
from forumops_shared.db import make_engine, readonly
from forumops_shared.outbox import pending_count
from forumops_shared.topic_admin import ensure_topics
from forumops_stack.brokers import free_port
from forumops_stack.databases import Databases
from forumops_stack.kafka import LocalKafka
from forumops_stack.postgres import API_THREADS, LocalPostgres

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
TOKEN = "bench-organiser-token-0123456789abcdef"
SERVICES = ("registration", "checkin", "certificates")


def ensure_wrk() -> str:
    if shutil.which("wrk"):
        return "wrk"
    if os.geteuid() != 0:
        sys.exit("wrk is needed: sudo apt-get install wrk")
    subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    return "wrk"


class Server:
    """A gunicorn with the project's production configuration, stopped when the run ends."""

    def __init__(self, app: str, env: dict, log: Path, extra: list[str] = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{self.port}", *extra, app],
            env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                requests.get(f"{self.url}/healthz", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.3)
        if self.proc.poll() is None:
            self.stop()
        # The log goes with the sitting's work directory: its end goes with the error.
        raise RuntimeError(f"{app} did not start (exit {self.proc.returncode}); the end of {log.name}:\n"
                           + log.read_text(errors="replace")[-3000:])

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def run_wrk(wrk: str, url: str, script: str, seconds: int, connections: int, env: dict | None = None) -> dict:
    """wrk's figures, and the CPU seconds each part of the system used while it ran ("cpu_s")."""
    before = cpu_seconds()
    done = subprocess.run([wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                           "-s", str(BENCH / script), url], capture_output=True, text=True, env=env)
    if done.returncode != 0 or "BENCH" not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}{done.stderr}")
    out = done.stdout
    numbers = dict(re.findall(r"(\w+)=(\d+)", out.split("BENCH", 1)[1]))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": int(numbers["p50_us"]) / 1000, "p99_ms": int(numbers["p99_us"]) / 1000,
            "requests": int(numbers["requests"]), "failed": int(non2xx.group(1)) if non2xx else 0,
            "cpu_s": {part: s - before.get(part, 0.0) for part, s in cpu_seconds().items()},
            **({"lag_ms": int(numbers["lag_ms"])} if "lag_ms" in numbers else {})}


def arguments(doc: str, argv: list[str] | None, **more: int) -> argparse.Namespace:
    """--seconds (20) and --connections (64), and `more` integer options, with their defaults."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in {"seconds": 20, "connections": 64, **more}.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    return parser.parse_args(argv)


# The database server of the sitting, once `use_postgres` started one; else SQLite files.
DATABASE: dict = {}


def use_postgres(stack: ExitStack) -> LocalPostgres:
    """From now on, each service (and ceiling) gets a fresh database on one PostgreSQL server
    (Debian's; fsync off, as SQLite's WAL in NORMAL mode does not sync each commit), stopped
    when `stack` closes. Its processes' CPU is counted as "postgresql"."""
    server = LocalPostgres()
    server.start()
    DATABASE["postgres"] = server
    postmaster = int((server.home / "data" / "postmaster.pid").read_text().split()[0])
    CPU_ROOTS.append(postmaster)

    def done():
        DATABASE.pop("postgres", None)
        CPU_ROOTS.remove(postmaster)
        server.stop()
    stack.callback(done)
    return server


def database_kind() -> str:
    return "PostgreSQL" if "postgres" in DATABASE else "SQLite"


def database_url(name: str, work: Path) -> str:
    """A new, empty database for `name`: a SQLite file in `work`, or one on the sitting's PostgreSQL."""
    server = DATABASE.get("postgres")
    if server is None:
        return f"sqlite:///{work}/{name}.db"
    return Databases("postgresql", work, server.admin_url).new(name)


def on_postgres() -> dict[str, str]:
    """What a gunicorn serving from the sitting's PostgreSQL is given, as compose and `up --cluster`
    give it: their threads a worker (forumops_stack.postgres.API_THREADS)."""
    return {"FORUMOPS_WEB_THREADS": str(API_THREADS)} if "postgres" in DATABASE else {}


def service_env(service: str, bootstrap: str, work: Path, **variables: str) -> dict:
    """The environment of one service on `bootstrap` (as its own broker user, as under `up`)
    with a new database (database_url), migrated."""
    user = {}
    if service in BROKER.get("passwords", {}):
        user = {"KAFKA_SASL_USERNAME": service, "KAFKA_SASL_PASSWORD": BROKER["passwords"][service]}
    env = {**os.environ, **user, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "FORUMOPS_LOG_LEVEL": "WARNING",
           f"{service.upper()}_DATABASE_URL": database_url(service, work), **on_postgres(), **variables}
    subprocess.run([str(BIN / f"{service}-migrate")], env=env, check=True, capture_output=True)
    return env


def start_broker(stack: ExitStack, work: Path) -> str:
    """A single-node broker with the project's topics, stopped when `stack` closes."""
    kafka = LocalKafka(work / "kafka", port=free_port(), controller_port=free_port())
    kafka.start()
    stack.callback(kafka.stop)
    ensure_topics(kafka.bootstrap, client=kafka.admin_client)
    passwords = {name: secrets.token_urlsafe(16) for name in access.SERVICES}
    access.ensure_access(kafka.bootstrap, kafka.admin_client, passwords)
    BROKER.update(client=kafka.admin_client, passwords=passwords)
    return kafka.bootstrap


def start_cluster(stack: ExitStack, work: Path, **variables: str) -> dict:
    """The production shape as `./forumops up --cluster --no-demo` starts it (three brokers,
    PostgreSQL, two APIs and two workers per service, under the supervisor), on ports of its
    own, stopped (`down`) when `stack` closes: {"urls", "databases", "api_masters"}. Its CPU
    counts as the system's (CPU_ROOTS)."""
    from forumops_stack import apart
    from forumops_stack.supervisor import read_state, running_pid

    var, started = work / "var", time.perf_counter()
    # No mail, as in the single-node runs (no relay: messages wait queued): a relay where nothing
    # listens, instead of `up`'s own inbox, which would have the workers send 36,000 confirmations
    # and every certificate's PDF during the run.
    nowhere = f"smtp://127.0.0.1:{free_port()}"
    env, _ = stack.enter_context(apart.cluster_apart(var, REGISTRATION_ADMIN_TOKEN=TOKEN, FORUMOPS_LOG_LEVEL="WARNING",
                                                     FORUMOPS_SMTP_URL=nowhere, **variables))
    print(f"  the cluster came up in {time.perf_counter() - started:.0f} s", flush=True)
    supervisor = running_pid(var / "run")
    CPU_ROOTS.append(supervisor)
    stack.callback(CPU_ROOTS.remove, supervisor)
    state = read_state(var / "run")
    return {"urls": apart.urls(env), "databases": apart.database_urls(env),
            "api_masters": {f"{name}-{n}": state[f"{name}-api-{n}"]["pid"] for name in apart.urls(env) for n in (1, 2)}}


# The broker start_broker started: its admin's client settings, the services' passwords.
BROKER: dict = {}


def admin_client() -> dict:
    """Settings of a kafka-python client acting as the broker's admin (the bench's own clients)."""
    return dict(BROKER.get("client", {}))


def start_worker(stack: ExitStack, command: str, env: dict) -> None:
    worker = subprocess.Popen([str(BIN / command)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    stack.callback(lambda: (worker.terminate(), worker.wait(timeout=30)))


def wait_for_relay(database_url: str, limit_s: float = 300) -> float:
    """Seconds until the worker has published every staged event."""
    engine, started = make_engine(database_url), time.perf_counter()
    try:
        while time.perf_counter() - started < limit_s:
            with readonly(engine).connect() as conn:
                if pending_count(conn) == 0:
                    break
            time.sleep(0.5)
        return time.perf_counter() - started
    finally:
        engine.dispose()


# Plain sync workers, as gunicorn runs without a configuration (threads 1: more would make them gthread).
SYNC_WORKERS = ["-w", "2", "-k", "sync", "--threads", "1"]


def run_ceiling(wrk: str, work: Path, env: dict, seconds: int, connections: int, sync: bool = False) -> dict:
    """The bare Flask + one insert endpoint (on the sitting's database) under the services'
    gunicorn settings, or (`sync`) under plain sync workers."""
    env = {**({} if sync else on_postgres()), **env, "CEILING_DATABASE_URL": database_url("ceiling", work)}
    extra = ["--pythonpath", str(BENCH), *(SYNC_WORKERS if sync else [])]
    server = Server("ceiling_app:create_app()", env, work / f"ceiling-{secrets.token_hex(3)}.log", extra)
    try:
        run_wrk(wrk, f"{server.url}/insert", "insert.lua", 3, connections)  # warm-up
        return run_wrk(wrk, f"{server.url}/insert", "insert.lua", seconds, connections)
    finally:
        server.stop()


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) used so far by each part of the system this process started,
    by what each process runs; wrk's, once it has ended, as this process's children's time."""
    used: dict[str, float] = {}
    pending, seen = [os.getpid(), *CPU_ROOTS], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        pending.extend(children(pid))
        try:
            spent = stat_cpu_seconds(Path(f"/proc/{pid}/stat"))
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        part = _part(command) if pid != os.getpid() else None
        if part:
            used[part] = used.get(part, 0.0) + spent
    own = os.times()
    used["wrk"] = own.children_user + own.children_system
    return used


# Processes this one did not start (a PostgreSQL server started by pg_ctl, the supervisor of
# `up --cluster`) whose CPU, and their children's, counts as the system's.
CPU_ROOTS: list[int] = []


def stat_cpu_seconds(stat: Path) -> float:
    """CPU seconds (user + system) in a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file."""
    fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_summary(cpu_s: dict[str, float]) -> str:
    """"checkin API 58, certificates worker 27, ...": the parts that used a CPU-second or so, busiest first."""
    return ", ".join(f"{part} {seconds:.0f}" for part, seconds in sorted(cpu_s.items(), key=lambda kv: -kv[1])
                     if seconds >= 0.5)


def cpu_line(name: str, r: dict) -> str:
    """Where one wrk run's CPU went: by part, and in all per request answered."""
    per_request_ms = sum(r["cpu_s"].values()) / max(r["requests"], 1) * 1000
    return f"CPU seconds during {name}: {cpu_summary(r['cpu_s'])}; {per_request_ms:.2f} ms per request in all"


def _part(command: str) -> str | None:
    for name in (*SERVICES, "awards", "ceiling"):
        if f"{name}.app:" in command or f"{name}_app:" in command:
            return f"{name} API"
        if f"{name}-worker" in command:
            return f"{name} worker"
    if "postgres" in command and ("-D" in command or "postgres:" in command):
        return "postgresql"
    return "broker" if "java" in command else None


def percentile(ordered: list[float], q: float) -> float:
    """The q-quantile (0..1) of values sorted in ascending order; NaN for none."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def row(name: str, r: dict) -> str:
    return f"| {name:<38} | {r['rps']:>8.0f} | {r['p50_ms']:>7.1f} | {r['p99_ms']:>7.1f} | {r['failed']:>7} |"


def table_head() -> str:
    return (f"| {'run':<38} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'non-2xx':>7} |\n"
            f"|{'-' * 40}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")


def gunicorn_settings() -> str:
    """"W workers x T threads", as deploy/gunicorn.conf.py settles them in this environment."""
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    return f"{settings['workers']} workers x {settings['threads']} threads"


def setting_line(args) -> str:
    return (f"{args.connections} connections, {args.seconds} s each, gunicorn {gunicorn_settings()}, SQLite, "
            f"{os.cpu_count()} cores")
