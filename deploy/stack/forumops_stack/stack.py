"""The whole system on one machine: broker(s), then each service's migrations, API and worker, all
kept running by the supervisor (supervisor.py)."""
from __future__ import annotations

import hashlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from forumops_shared import access
from forumops_shared.access import ADMIN_USER
from forumops_shared.topic_admin import ensure_topics

from . import supervisor
from .kafka import LocalKafka, _wait_for_exit, bootstrap_of, cluster as kafka_cluster, wait_until_ready
from .paths import DEPLOY, VAR
from .postgres import API_THREADS, LocalPostgres
from .supervisor import Program


@dataclass(frozen=True)
class Service:
    name: str
    default_port: int

    @property
    def port(self) -> int:
        return int(os.environ.get(f"{self.name.upper()}_PORT", self.default_port))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


SERVICES = (Service("registration", 8001), Service("checkin", 8002), Service("certificates", 8003),
            Service("awards", 8004))
RUN = VAR / "run"
LOGS = VAR / "log"
SECRETS = VAR / "secrets"


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def local_kafka() -> LocalKafka:
    port = int(os.environ.get("KAFKA_PORT", "9092"))
    return LocalKafka(VAR / "kafka", port=port, controller_port=port + 1, admin_password=broker_password(ADMIN_USER))


def broker_password(user: str) -> str:
    """The broker password of `user` (the admin or a service): <USER>_KAFKA_PASSWORD if set;
    else one generated once and kept in var/secrets/kafka/ (owner-only)."""
    given = os.environ.get(f"{user.upper()}_KAFKA_PASSWORD")
    return given or owner_only_secret(SECRETS / "kafka" / user)


def owner_only_secret(path: Path) -> str:
    """The secret kept in `path`, made (random, mode 0600, in 0700 folders) the first time."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def bootstrap_servers(cluster: bool = False) -> tuple[str, bool]:
    """The brokers to use, and whether this stack runs them itself."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    return (external, False) if external else (bootstrap_of(list(brokers(cluster).values())), True)


def organiser_token() -> str:
    """REGISTRATION_ADMIN_TOKEN if set; else one generated once and kept in var/ (mode 0600)."""
    if os.environ.get("REGISTRATION_ADMIN_TOKEN"):
        return os.environ["REGISTRATION_ADMIN_TOKEN"]
    return owner_only_secret(VAR / "organiser-token")


def public_urls() -> dict[str, str]:
    """Where browsers reach each service: FORUMOPS_<SERVICE>_URL, else the address `up` binds."""
    return {svc.name: os.environ.get(f"FORUMOPS_{svc.name.upper()}_URL") or svc.url for svc in SERVICES}


INBOX = VAR / "inbox"  # the local inbox's Maildir (cur/, new/, tmp/)


def smtp_url() -> tuple[str, bool]:
    """The mail relay, and whether it is this stack's own inbox: FORUMOPS_SMTP_URL if set, else a
    local SMTP server (aiosmtpd) that keeps every message in var/inbox."""
    given = os.environ.get("FORUMOPS_SMTP_URL")
    return (given, False) if given else (f"smtp://127.0.0.1:{int(os.environ.get('FORUMOPS_INBOX_PORT', '8025'))}", True)


def inbox_page_url() -> str:
    """Where the local inbox's page answers (FORUMOPS_INBOX_WEB_PORT, 8026 by default)."""
    return f"http://127.0.0.1:{int(os.environ.get('FORUMOPS_INBOX_WEB_PORT', '8026'))}"


def service_env(service: Service, bootstrap: str, database_url: str | None = None) -> dict[str, str]:
    metrics_dir = VAR / "prometheus" / service.name  # gunicorn's on_starting empties it
    token = organiser_token()  # one organiser, the same token at every service
    # pages link to each other and call each other's APIs
    urls = {f"FORUMOPS_{name.upper()}_URL": url for name, url in public_urls().items()}
    broker_user = {"KAFKA_SASL_USERNAME": service.name, "KAFKA_SASL_PASSWORD_FILE": str(SECRETS / "kafka" / service.name)}
    if os.environ.get(f"{service.name.upper()}_KAFKA_PASSWORD"):
        broker_user = {"KAFKA_SASL_USERNAME": service.name,
                       "KAFKA_SASL_PASSWORD": os.environ[f"{service.name.upper()}_KAFKA_PASSWORD"]}
    relay, own_inbox = smtp_url()
    # The local inbox has no sending limits to respect: the demo's 3,000 confirmations arrive
    # in seconds, not the minutes a relay's default pace would take.
    pace = {"FORUMOPS_MAIL_RATE": os.environ.get("FORUMOPS_MAIL_RATE", "300")} if own_inbox else {}
    database = ({f"{service.name.upper()}_DATABASE_URL": database_url, "FORUMOPS_WEB_THREADS": str(API_THREADS)}
                if database_url else {})
    return {**os.environ, **urls, **broker_user, **pace, **database, "FORUMOPS_SMTP_URL": relay,
            "FORUMOPS_VAR_DIR": str(VAR), "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "REGISTRATION_ADMIN_TOKEN": token,
            "CHECKIN_ADMIN_TOKEN": token, "CERTIFICATES_ADMIN_TOKEN": token, "AWARDS_ADMIN_TOKEN": token}


def _service_programs(svc: Service, env: dict[str, str], instances: int) -> list[Program]:
    """The API (gunicorn) and the worker of `svc`: once, or `instances` times side by side, the
    APIs sharing its port (SO_REUSEPORT: the kernel deals connections out among the live ones)."""
    api = [_bin("gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{svc.port}",
           f"{svc.name}.app:create_app()"]
    if instances == 1:
        return [Program(f"{svc.name}-api", api, env, str(LOGS / f"{svc.name}-api.log")),
                Program(f"{svc.name}-worker", [_bin(f"{svc.name}-worker")], env, str(LOGS / f"{svc.name}-worker.log"))]
    programs = []
    for n in range(1, instances + 1):
        # each instance its own metrics folder (gunicorn empties it at start) and one web worker
        own = {**env, "FORUMOPS_WEB_SHARE_PORT": "1", "FORUMOPS_WEB_WORKERS": env.get("FORUMOPS_WEB_WORKERS", "1"),
               "PROMETHEUS_MULTIPROC_DIR": str(VAR / "prometheus" / f"{svc.name}-{n}")}
        programs += [Program(f"{svc.name}-api-{n}", api, own, str(LOGS / f"{svc.name}-api-{n}.log")),
                     Program(f"{svc.name}-worker-{n}", [_bin(f"{svc.name}-worker")], env,
                             str(LOGS / f"{svc.name}-worker-{n}.log"))]
    return programs


class StackError(RuntimeError):
    pass


MODE = RUN / "mode"  # "single" or "cluster": what the running supervisor keeps


def running_mode() -> str | None:
    if supervisor.running_pid(RUN) is None:
        return None
    return MODE.read_text().strip() if MODE.exists() else "single"


def up(log=print, cluster: bool = False) -> dict[str, str]:
    """Start everything that is not running yet, under the supervisor; returns each service's URL.

    Single node: one broker, SQLite, one API and one worker per service. `cluster`: three brokers,
    PostgreSQL, two APIs (one port) and two workers per service."""
    os.umask(0o077)
    VAR.mkdir(mode=0o700, parents=True, exist_ok=True)
    VAR.chmod(0o700)  # also where an older release made it readable by all: nothing inside is theirs
    for folder in (RUN, LOGS):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = "cluster" if cluster else "single"
    if running_mode() not in (None, mode):
        raise StackError(f"the stack runs as {running_mode()}; stop it first (./forumops down)")
    if supervisor.running_pid(RUN) is None:
        # Processes of an earlier release's `up` (no supervisor) or `./forumops kafka start` hold
        # the ports: starting beside them would fail, again and again.
        leftovers = [f.stem for f in RUN.glob("*.pid") if f.stem != "supervisor" and _alive(f.stem)]
        leftovers += [name for name, node in {**brokers(False), **brokers(True)}.items() if node.running_pid()]
        if leftovers:
            raise StackError(f"{', '.join(leftovers)} still running from before; stop them first (./forumops down)")
        supervisor.write_programs(RUN, [])
        supervisor.start(RUN, LOGS / "supervisor.log")
        MODE.write_text(mode)
    programs: list[Program] = []
    bootstrap, own_broker = bootstrap_servers(cluster)
    if own_broker:
        nodes = brokers(cluster)
        programs += [Program(name, node.command(), dict(os.environ), str(node.log_file), tier=0,
                             pid_file=str(node.pid_file)) for name, node in nodes.items()]
    postgres = cluster_postgres() if cluster else None
    if postgres is not None:
        programs.append(Program("postgres", postgres.command(), dict(os.environ), str(LOGS / "postgres.log"),
                                tier=0, stop_signal="SIGINT"))
    # Until the whole list is known, what already runs is kept (only a name in the new list replaces it).
    named = {p.name for p in programs}
    supervisor.write_programs(RUN, programs + [p for p in supervisor.read_programs(RUN) if p.name not in named])
    if own_broker:
        started = time.monotonic()
        wait_until_ready(bootstrap, 120, client=access.admin_client(broker_password(ADMIN_USER)), brokers=len(nodes))
        log(f"{'kafka':<14}{bootstrap}  ({len(nodes)} broker{'s' if len(nodes) > 1 else ''}, "
            f"ready in {time.monotonic() - started:.1f}s)")
    if postgres is not None:
        postgres.wait_ready()
        created = postgres.ensure_databases([svc.name for svc in SERVICES])
        log(f"{'postgresql':<14}127.0.0.1:{postgres.port}  (databases {', '.join(svc.name for svc in SERVICES)}"
            f"{'; created ' + ', '.join(created) if created else ''})")
    prefix = os.environ.get("FORUMOPS_TOPIC_PREFIX", "")
    admin = access.admin_client(broker_password(ADMIN_USER))
    created = ensure_topics(bootstrap, prefix=prefix, client=admin)
    if created:
        log(f"{'topics':<14}created {', '.join(created)}")
    access.ensure_access(bootstrap, admin, {svc.name: broker_password(svc.name) for svc in SERVICES}, prefix=prefix)
    relay, own_inbox = smtp_url()
    if own_inbox:
        for part in ("tmp", "new", "cur"):  # a Maildir; aiosmtpd makes one only where nothing is
            (INBOX / part).mkdir(mode=0o700, parents=True, exist_ok=True)
        programs += [
            Program("inbox", [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Mailbox",
                              "-l", f"127.0.0.1:{relay.rpartition(':')[2]}", str(INBOX)], dict(os.environ),
                    str(LOGS / "inbox.log"), tier=1),
            Program("inbox-page", [sys.executable, "-m", "forumops_stack.inbox_page", str(INBOX),
                                   "--port", inbox_page_url().rpartition(":")[2]], dict(os.environ),
                    str(LOGS / "inbox-page.log"), tier=1)]
    for svc in SERVICES:
        env = service_env(svc, bootstrap, postgres.url(svc.name) if postgres else None)
        subprocess.run([_bin(f"{svc.name}-migrate")], env=env, check=True)
        programs += _service_programs(svc, env, instances=2 if cluster else 1)
    supervisor.write_programs(RUN, programs)
    if own_inbox:
        _wait_ready("inbox-page", inbox_page_url())
        log(f"{'inbox':<14}{inbox_page_url()}  (the messages the SMTP server at {relay} keeps in {INBOX})")
    for svc in SERVICES:
        _wait_ready(f"{svc.name}-api", f"{svc.url}/readyz")
        names = [p.name for p in programs if p.name.startswith(f"{svc.name}-")]
        pids = _pids(names)
        log(f"{svc.name:<14}{svc.url}  ({', '.join(f'{name} pid {pid}' for name, pid in pids.items())})")
    return {svc.name: svc.url for svc in SERVICES}


def _pids(names: list[str], timeout_s: float = 10) -> dict[str, int | None]:
    """Each program's pid once the supervisor has started it."""
    deadline = time.monotonic() + timeout_s
    while True:
        state = supervisor.read_state(RUN)
        pids = {name: state.get(name, {}).get("pid") for name in names}
        if all(pids.values()) or time.monotonic() > deadline:
            return pids
        time.sleep(0.2)


def brokers(cluster: bool) -> dict[str, LocalKafka]:
    """The brokers `up` runs, by program name: `kafka`, or `kafka-1`..`kafka-3`."""
    if not cluster:
        return {"kafka": local_kafka()}
    port = int(os.environ.get("KAFKA_PORT", "9092"))
    nodes = kafka_cluster(VAR / "kafka-cluster", port, broker_password(ADMIN_USER))
    return {f"kafka-{node.node_id}": node for node in nodes}


def cluster_postgres(var: Path = VAR, port: int | None = None) -> LocalPostgres:
    """The cluster's PostgreSQL (at FORUMOPS_POSTGRES_PORT, 55432), its data kept between runs:
    in var/postgres; as root (the server runs as Debian's postgres user, who may not enter var/)
    in a folder of the temporary directory named after var/."""
    port = port or int(os.environ.get("FORUMOPS_POSTGRES_PORT", "55432"))
    if os.geteuid() != 0:
        return LocalPostgres(port=port, home=var / "postgres")
    digest = hashlib.sha256(str(var).encode()).hexdigest()[:12]
    return LocalPostgres(port=port, home=Path(tempfile.gettempdir()) / f"forumops-postgres-{digest}")


def _wait_ready(name: str, url: str, timeout_s: float = 90) -> None:
    """Until something answers 200 at `url` (the supervisor restarts a program that dies)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise StackError(f"{name} not ready after {timeout_s:.0f}s; see {LOGS}")


def _alive(name: str) -> int | None:
    try:
        pid = int((RUN / f"{name}.pid").read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None


def down(log=print) -> None:
    """Stop everything: the supervisor stops its programs (services, then the inbox, then the
    database and brokers; SIGKILL after 30 s each) and ends. Programs left by an older release
    or by a supervisor that was killed are stopped by their pid files."""
    pid = supervisor.running_pid(RUN)
    if pid is not None:
        state = supervisor.read_state(RUN)
        os.kill(pid, signal.SIGTERM)
        if not _wait_for_exit(pid, 180):
            os.kill(pid, signal.SIGKILL)
            log(f"killed the supervisor (pid {pid}): it did not stop within 180 s")
        for name, program in state.items():
            if program["pid"]:
                log(f"stopped {name} (pid {program['pid']})")
    for pid_file in RUN.glob("*.pid"):
        name = pid_file.stem
        if (leftover := _alive(name)) is not None:
            os.kill(leftover, signal.SIGTERM)
            if not _wait_for_exit(leftover, 30):
                os.killpg(leftover, signal.SIGKILL)
            log(f"stopped {name} (pid {leftover})")
        pid_file.unlink(missing_ok=True)
    for name, kafka in {**brokers(False), **brokers(True)}.items():
        if (left := kafka.running_pid()) is not None:
            kafka.stop()
            log(f"stopped {name} (pid {left})")
    MODE.unlink(missing_ok=True)


def status() -> dict[str, str]:
    """What runs: the supervisor, then each program with its pid (or that it is being started
    again), its address, since when, how many restarts and how it last ended."""
    pid = supervisor.running_pid(RUN)
    if pid is None:
        return {"supervisor": "stopped"}
    result = {"supervisor": f"pid {pid}, {running_mode()}"}
    where = {"inbox": smtp_url()[0], "inbox-page": inbox_page_url(),
             **{f"{svc.name}-api": svc.url for svc in SERVICES}}
    for name, s in supervisor.read_state(RUN).items():
        parts = [f"pid {s['pid']}" if s["pid"] else "down, starting again"]
        address = where.get(name) or where.get(name.rpartition("-")[0])
        if address:
            parts.append(address)
        if s["pid"] and s["since"]:
            parts.append(f"since {s['since']}")
        parts.append(f"restarts {s['restarts']}")
        if s["last_exit"]:
            parts.append(f"last exit {s['last_exit']} at {s['last_exit_at']}")
        result[name] = ", ".join(parts)
    return result
