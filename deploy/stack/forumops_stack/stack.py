"""The whole system on one machine: broker, then each service's migrations, API and worker."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from forumops_shared import access
from forumops_shared.access import ADMIN_USER
from forumops_shared.topic_admin import ensure_topics

from .kafka import LocalKafka, _wait_for_exit
from .paths import DEPLOY, VAR


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


def bootstrap_servers() -> tuple[str, bool]:
    """The broker to use, and whether this stack runs it itself."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    return (external, False) if external else (local_kafka().bootstrap, True)


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


def service_env(service: Service, bootstrap: str) -> dict[str, str]:
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
    return {**os.environ, **urls, **broker_user, **pace, "FORUMOPS_SMTP_URL": relay,
            "FORUMOPS_VAR_DIR": str(VAR), "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "REGISTRATION_ADMIN_TOKEN": token,
            "CHECKIN_ADMIN_TOKEN": token, "CERTIFICATES_ADMIN_TOKEN": token, "AWARDS_ADMIN_TOKEN": token}


def _spawn(name: str, cmd: list[str], env: dict[str, str]) -> int:
    with open(os.open(LOGS / f"{name}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab") as out:
        # umask 077: what the process creates (databases, keys, metrics files) only its owner reads
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True, umask=0o077)
    (RUN / f"{name}.pid").write_text(str(proc.pid))
    return proc.pid


def up(log=print) -> dict[str, str]:
    """Start everything that is not running yet; returns each service's URL."""
    os.umask(0o077)
    VAR.mkdir(mode=0o700, parents=True, exist_ok=True)
    VAR.chmod(0o700)  # also where an older release made it readable by all: nothing inside is theirs
    for folder in (RUN, LOGS):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    bootstrap, own_broker = bootstrap_servers()
    if own_broker:
        seconds = local_kafka().start()
        state = f"ready in {seconds:.1f}s" if seconds else "already running"
        log(f"{'kafka':<14}{bootstrap}  ({state})")
    prefix = os.environ.get("FORUMOPS_TOPIC_PREFIX", "")
    admin = access.admin_client(broker_password(ADMIN_USER))
    created = ensure_topics(bootstrap, prefix=prefix, client=admin)
    if created:
        log(f"{'topics':<14}created {', '.join(created)}")
    access.ensure_access(bootstrap, admin, {svc.name: broker_password(svc.name) for svc in SERVICES}, prefix=prefix)
    relay, own_inbox = smtp_url()
    if own_inbox and _alive("inbox") is None:
        for part in ("tmp", "new", "cur"):  # a Maildir; aiosmtpd makes one only where nothing is
            (INBOX / part).mkdir(mode=0o700, parents=True, exist_ok=True)
        port = relay.rpartition(":")[2]
        _spawn("inbox", [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Mailbox",
                         "-l", f"127.0.0.1:{port}", str(INBOX)], dict(os.environ))
    if own_inbox and _alive("inbox-page") is None:
        _spawn("inbox-page", [sys.executable, "-m", "forumops_stack.inbox_page", str(INBOX),
                              "--port", inbox_page_url().rpartition(":")[2]], dict(os.environ))
    for svc in SERVICES:
        env = service_env(svc, bootstrap)
        subprocess.run([_bin(f"{svc.name}-migrate")], env=env, check=True)
        if _alive(f"{svc.name}-api") is None:
            _spawn(f"{svc.name}-api", [_bin("gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"),
                                       "--bind", f"127.0.0.1:{svc.port}", f"{svc.name}.app:create_app()"], env)
        if _alive(f"{svc.name}-worker") is None:
            _spawn(f"{svc.name}-worker", [_bin(f"{svc.name}-worker")], env)
    if own_inbox:
        _wait_ready("inbox-page", inbox_page_url())
        log(f"{'inbox':<14}{inbox_page_url()}  (the messages the SMTP server at {relay} keeps in {INBOX})")
    for svc in SERVICES:
        _wait_ready(f"{svc.name}-api", f"{svc.url}/readyz")
        log(f"{svc.name:<14}{svc.url}  (api pid {_alive(svc.name + '-api')}, worker pid {_alive(svc.name + '-worker')})")
    return {svc.name: svc.url for svc in SERVICES}


def _wait_ready(name: str, url: str, timeout_s: float = 60) -> None:
    """Until the process `name` answers 200 at `url`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _alive(name) is None:
            raise RuntimeError(f"{name} exited; see {LOGS / (name + '.log')}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{name} not ready after {timeout_s}s; see {LOGS}")


def _alive(name: str) -> int | None:
    try:
        pid = int((RUN / f"{name}.pid").read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None


def down(log=print) -> None:
    """Stop workers and APIs (SIGTERM, then SIGKILL after 30 s), then the broker."""
    names = [f"{s.name}-{part}" for s in SERVICES for part in ("worker", "api")] + ["inbox", "inbox-page"]
    signalled = {name: pid for name in names if (pid := _alive(name))}
    for pid in signalled.values():
        os.kill(pid, signal.SIGTERM)
    for name, pid in signalled.items():
        if not _wait_for_exit(pid, 30):
            os.killpg(pid, signal.SIGKILL)
            log(f"killed {name} (pid {pid}): it did not stop within 30 s")
        else:
            log(f"stopped {name} (pid {pid})")
    for name in names:
        (RUN / f"{name}.pid").unlink(missing_ok=True)
    kafka = local_kafka()
    if kafka.running_pid():
        pid = kafka.running_pid()
        kafka.stop()
        log(f"stopped kafka (pid {pid})")


def status() -> dict[str, str]:
    result = {"kafka": f"pid {local_kafka().running_pid()}" if local_kafka().running_pid() else "stopped"}
    for svc in SERVICES:
        for part in ("api", "worker"):
            pid = _alive(f"{svc.name}-{part}")
            result[f"{svc.name}-{part}"] = f"pid {pid}" if pid else "stopped"
    if smtp_url()[1]:
        result["inbox"] = f"pid {_alive('inbox')}, {smtp_url()[0]}" if _alive("inbox") else "stopped"
        result["inbox-page"] = f"pid {_alive('inbox-page')}, {inbox_page_url()}" if _alive("inbox-page") else "stopped"
    return result
