"""Confirmation emails: how fast the registration worker sends them, against a bare sender, and
how soon each arrives while people register.

    ./forumops bench mail [--emails 10000] [--arrivals 200] [--mail-rate 400] [--connections 64]

Starts its own broker, a local SMTP server (aiosmtpd in its own process, keeping every message
as a file and stamping its arrival: bench/inbox_server.py), the registration API under the
production gunicorn settings and its worker as `./forumops up` runs them, and a forum with 600
points. Three parts, one sitting:

1. **Arrivals**: `emails` people register through the API on a timetable of `arrivals` per
   second (wrk, bench/register.lua), the worker sending (FORUMOPS_MAIL_RATE=`mail-rate`). Each
   registration's confirmation is matched by its Message-ID with the registration; the time from
   the registration's `created_at` (taken before it is stored and answered, so the figure is a
   little pessimistic) to the SMTP server's stamp, p50/p99/max (one machine, one clock).
2. **Backlog**: `emails` more people register while the worker sends nothing (no relay
   configured); then the worker starts with the relay and sends them all: confirmations
   delivered per second, first to last arrival (and from the worker's start).
3. **Bare sender**: one smtplib session pushes `emails` minimal messages (four headers, a line)
   through the same server: messages per second. The ratio is (2) against (3).

Every part is bounded in time; the run stops by itself.
"""
from __future__ import annotations

import email
import os
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import datetime
from email import policy
from pathlib import Path

import requests
from sqlalchemy import select

from forumops_shared.db import make_engine, readonly
from forumops_shared.mail import message_id_for
from forumops_stack.brokers import free_port
from harness import (BENCH, BIN, TOKEN, Server, arguments, cpu_seconds, cpu_summary, ensure_wrk, percentile, run_wrk,
                     service_env, stat_cpu_seconds, start_broker, wait_for_relay)
from registration.tables import registrations
from registration_bench import setup_forum

TARGET_RATE, TARGET_P99_S = 200, 5.0
MAIL_FROM = "Diễn đàn đo tải <no-reply@bench.forumops>"
DOMAIN = "bench.forumops"
DRAIN_LIMIT_S = 300  # the most any part waits for the inbox


class Process:
    """A process of the sitting, its output in `log`, stopped (SIGTERM) by `stop`."""

    def __init__(self, command: list[str], env: dict, log: Path):
        self.proc = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.started = time.time()

    def cpu_s(self) -> float:
        return stat_cpu_seconds(Path(f"/proc/{self.proc.pid}/stat"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)


class InboxServer(Process):
    def __init__(self, work: Path):
        self.port, self.directory = free_port(), work / "inbox"
        super().__init__([sys.executable, str(BENCH / "inbox_server.py"), str(self.port), str(self.directory)],
                         dict(os.environ), work / "inbox.log")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", self.port, timeout=5).quit()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the inbox did not start; see {work / 'inbox.log'}")

    def arrivals(self) -> list[tuple[float, str]]:
        """(arrival, Message-ID) of every message kept so far."""
        path = self.directory / "arrivals.tsv"
        if not path.exists():
            return []
        lines = path.read_text().splitlines()
        return [(float(at), message_id) for at, message_id, _ in (line.split("\t") for line in lines if line.count("\t") == 2)]

    def wait_for(self, count: int, limit_s: float = DRAIN_LIMIT_S) -> list[tuple[float, str]]:
        deadline = time.monotonic() + limit_s
        while True:
            arrived = self.arrivals()
            if len(arrived) >= count or time.monotonic() > deadline:
                return arrived
            time.sleep(0.5)


def people(database_url: str) -> list[tuple[str, float]]:
    """(Message-ID of the confirmation, registration created, Unix seconds) of everyone registered."""
    engine = make_engine(database_url)
    try:
        with readonly(engine).connect() as conn:
            rows = conn.execute(select(registrations.c.id, registrations.c.created_at)).all()
    finally:
        engine.dispose()
    return [(message_id_for(f"confirmation:{r.id}:1", DOMAIN), _seconds(r.created_at)) for r in rows]


def register_more(target: str, count: int) -> None:
    """`count` more people through the API (16 at a time), as bench/register.lua would."""
    def one(n: int) -> None:
        body = {"full_name": f"Nguyễn Thị Ánh Tuyết {n}", "email": f"nguoi{n}@truong.edu.vn", "organisation": "Sở GD&ĐT",
                "attendance": "onsite", "point": f"P{n % 600:03d}", "language": "vi", "consent": True}
        requests.post(target, json=body, headers={"Idempotency-Key": f"bench-{n}"}, timeout=30).raise_for_status()

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(one, range(900_000_000, 900_000_000 + max(count, 0))))


def _seconds(moment: datetime) -> float:
    return moment.timestamp()


def bare_sender(port: int, count: int) -> dict:
    """`count` minimal messages through one session, as fast as the server takes them."""
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    for n in range(count):
        smtp.sendmail("no-reply@bench.forumops", [f"bare{n}@truong.edu.vn"],
                      (f"From: no-reply@bench.forumops\r\nTo: bare{n}@truong.edu.vn\r\nSubject: bare {n}\r\n"
                       f"Message-ID: <bare.{n}@{DOMAIN}>\r\n\r\nbare\r\n").encode())
    elapsed = time.perf_counter() - started
    smtp.quit()
    return {"count": count, "seconds": elapsed, "rate": count / elapsed}


def a_kept_confirmation(directory: Path) -> dict:
    """What one of the kept confirmations carries, read back: the benchmark sent the real thing."""
    for path in sorted((directory / "new").iterdir()):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if str(message["Message-ID"]).startswith("<confirmation."):
            types = [part.get_content_type() for part in message.walk()]
            return {"bytes": path.stat().st_size, "subject": str(message["Subject"]),
                    "qr": "image/png" in types, "calendar": "text/calendar" in types, "html": "text/html" in types}
    return {}


def measure(args) -> dict:
    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="forumops-bench-"))
    started = time.monotonic()
    try:
        with ExitStack() as stack:
            bootstrap = start_broker(stack, work)
            inbox = InboxServer(work)
            stack.callback(inbox.stop)
            env = service_env("registration", bootstrap, work, REGISTRATION_ADMIN_TOKEN=TOKEN,
                              REGISTRATION_RATE_LIMIT="1000000/second", FORUMOPS_MAIL_FROM=MAIL_FROM)
            env.pop("FORUMOPS_SMTP_URL", None)
            sending = {**env, "FORUMOPS_SMTP_URL": f"smtp://127.0.0.1:{inbox.port}",
                       "FORUMOPS_MAIL_RATE": str(args.mail_rate)}
            database_url = env["REGISTRATION_DATABASE_URL"]
            api = Server("registration.app:create_app()", env, work / "registration.log")
            stack.callback(api.stop)
            setup_forum(api.url)
            target = f"{api.url}/api/v1/forums/bench/registrations"
            result = {"setup_s": time.monotonic() - started}

            # 1. Arrivals at `arrivals` per second, the worker sending as it goes.
            worker = Process([str(BIN / "registration-worker")], sending, work / "worker-1.log")
            stack.callback(worker.stop)
            time.sleep(2)  # the worker's imports and its first pass, before the doors open
            inbox_cpu = inbox.cpu_s()
            seconds = max(1, round(args.emails / args.arrivals))
            rush = run_wrk(wrk, target, "register.lua", seconds, args.connections,
                           env={**os.environ, "BENCH_RATE": str(args.arrivals)})
            registered = people(database_url)
            arrived = inbox.wait_for(len(registered))
            at = dict((message_id, moment) for moment, message_id in arrived)
            latencies = sorted(at[m] - created for m, created in registered if m in at)
            last_created = max(created for _, created in registered)
            result["arrivals"] = {
                "wrk": rush, "registered": len(registered), "delivered": len(latencies),
                "missing": len(registered) - len(latencies), "latencies": latencies,
                "drained_s": max(at.values()) - last_created if at else float("nan"),
                "inbox_cpu_s": inbox.cpu_s() - inbox_cpu, "seconds": seconds}
            worker.stop()

            # 2. A backlog of `emails` confirmations, sent when the worker finds a relay.
            quiet = Process([str(BIN / "registration-worker")], env, work / "worker-2.log")
            stack.callback(quiet.stop)
            before = len(registered)
            fill_rate = 800
            run_wrk(wrk, target, "register.lua", max(1, args.emails // fill_rate - 1), args.connections,
                    env={**os.environ, "BENCH_RATE": str(fill_rate), "BENCH_SKIP": str(10 * args.emails)})
            register_more(target, before + args.emails - len(people(database_url)))  # exactly `emails`
            wait_for_relay(database_url)
            quiet.stop()
            backlog = [m for m, _ in people(database_url)]
            backlog = set(backlog) - {m for m, _ in registered}
            inbox_cpu, cpu_before = inbox.cpu_s(), cpu_seconds()
            sender = Process([str(BIN / "registration-worker")], sending, work / "worker-3.log")
            stack.callback(sender.stop)
            arrived = inbox.wait_for(before + len(backlog))
            cpu_after = cpu_seconds()
            stamps = sorted(moment for moment, message_id in arrived if message_id in backlog)
            sender.stop()
            result["backlog"] = {
                "count": len(backlog), "delivered": len(stamps),
                "first_to_last_s": stamps[-1] - stamps[0] if len(stamps) > 1 else float("nan"),
                "from_start_s": stamps[-1] - sender.started if stamps else float("nan"),
                "cpu_s": {part: s - cpu_before.get(part, 0) for part, s in cpu_after.items()},
                "inbox_cpu_s": inbox.cpu_s() - inbox_cpu}
            b = result["backlog"]
            b["rate"] = (b["delivered"] - 1) / b["first_to_last_s"] if b["delivered"] > 1 else 0.0

            # 3. The bare sender, through the same server.
            inbox_cpu = inbox.cpu_s()
            result["bare"] = bare_sender(inbox.port, args.emails)
            result["bare"]["inbox_cpu_s"] = inbox.cpu_s() - inbox_cpu
            result["sample"] = a_kept_confirmation(inbox.directory)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    a, b = result["arrivals"], result["backlog"]
    result["p99_s"] = percentile(a["latencies"], 0.99)
    result["ratio"] = b["rate"] / result["bare"]["rate"]
    result["meets"] = (b["rate"] >= TARGET_RATE and result["p99_s"] <= TARGET_P99_S and not a["missing"]
                       and b["delivered"] == b["count"])
    result["args"] = {"emails": args.emails, "arrivals": args.arrivals, "mail_rate": args.mail_rate,
                      "connections": args.connections}
    result["elapsed_s"] = time.monotonic() - started
    return result


def report(r: dict) -> None:
    a, b, bare, settings = r["arrivals"], r["backlog"], r["bare"], r["args"]
    lat = a["latencies"]
    print(f"\nmail benchmark: {settings['emails']:,} confirmations, FORUMOPS_MAIL_RATE={settings['mail_rate']}, "
          f"{os.cpu_count()} cores, SQLite, {r['elapsed_s']:.0f} s in all\n")
    print(f"arrivals: {a['registered']:,} registrations at {settings['arrivals']}/s for {a['seconds']} s "
          f"(wrk {a['wrk']['rps']:.0f}/s answered, p99 {a['wrk']['p99_ms']:.0f} ms, {a['wrk']['failed']} not 2xx, "
          f"started at most {a['wrk'].get('lag_ms', 0) / 1000:.1f} s late)")
    print(f"  registered -> in the inbox: p50 {percentile(lat, 0.5):.2f} s, p99 {percentile(lat, 0.99):.2f} s, "
          f"max {lat[-1] if lat else float('nan'):.2f} s; {a['delivered']:,} delivered, {a['missing']} missing; "
          f"the last {a['drained_s']:.1f} s after the last registration")
    print(f"  CPU seconds while they arrived: {cpu_summary(a['wrk']['cpu_s'])}, inbox {a['inbox_cpu_s']:.0f}")
    print(f"backlog: {b['delivered']:,} of {b['count']:,} confirmations in {b['first_to_last_s']:.1f} s first to "
          f"last: {b['rate']:.0f}/s ({b['from_start_s']:.1f} s from the worker's start)")
    print(f"  CPU seconds: {cpu_summary(b['cpu_s'])}, inbox {b['inbox_cpu_s']:.0f}; "
          f"{b['cpu_s'].get('registration worker', 0) / max(b['delivered'], 1) * 1000:.2f} ms of the worker's per message")
    print(f"bare sender: {bare['count']:,} minimal messages in {bare['seconds']:.1f} s: {bare['rate']:.0f}/s "
          f"(inbox {bare['inbox_cpu_s']:.0f} CPU s)")
    sample = r["sample"]
    print(f"a kept confirmation: {sample.get('bytes', 0):,} bytes, QR {sample.get('qr')}, calendar "
          f"{sample.get('calendar')}, HTML {sample.get('html')}")
    print(f"\nratio to the bare sender {r['ratio']:.2f}; {b['rate']:.0f} confirmations/s (target >= {TARGET_RATE}), "
          f"p99 {r['p99_s']:.2f} s (target <= {TARGET_P99_S:.0f}): {'meets' if r['meets'] else 'MISSES'} the target")


def main(argv: list[str] | None = None) -> None:
    report(measure(arguments(__doc__, argv, emails=10_000, arrivals=200, **{"mail-rate": 400})))


if __name__ == "__main__":
    main()


def rows(r: dict) -> list[tuple[str, ...]]:
    """bench/RESULTS.md's rows (all_bench.py): the backlog against the bare sender, the arrivals."""
    a, b, bare = r["arrivals"], r["backlog"], r["bare"]
    lat = a["latencies"]
    return [
        (f"Mail: {b['count']:,} confirmations (QR, calendar) queued, then sent",
         f"{b['rate']:.0f}/s ({b['delivered']:,} in {b['first_to_last_s']:.1f} s)",
         f"bare sender, minimal messages: {bare['rate']:.0f}/s", f"{r['ratio']:.2f}", f"≥ {TARGET_RATE}/s",
         _met(b["rate"] >= TARGET_RATE and b["delivered"] == b["count"])),
        (f"Mail: registrations at {r['args']['arrivals']}/s → confirmation in the inbox",
         f"p50 {percentile(lat, 0.5):.2f} s, p99 {percentile(lat, 0.99):.2f} s, max {lat[-1] if lat else float('nan'):.2f} s; "
         f"{a['delivered']:,} delivered, {a['missing']} missing", "", "", f"p99 ≤ {TARGET_P99_S:.0f} s",
         _met(r["p99_s"] <= TARGET_P99_S and not a["missing"])),
    ]


def how(r: dict) -> str:
    a, b = r["arrivals"], r["backlog"]
    return (f"- **Mail**: its own broker, the registration API and worker, a local SMTP server (aiosmtpd in its own "
            f"process, keeping each message as a file, stamping its arrival); FORUMOPS_MAIL_RATE={r['args']['mail_rate']}. "
            f"Arrivals: {a['registered']:,} people registering at {r['args']['arrivals']}/s, the worker sending as they "
            "come; each confirmation matched by its Message-ID with its registration, from the registration's "
            "`created_at` (before it is stored and answered) to its arrival. Backlog: as many more queued with no "
            "relay, then the worker started with one; the rate from the first arrival to the last "
            f"({b['from_start_s']:.1f} s from the worker's start). Bare sender: one smtplib session, minimal "
            "messages, the same server. CPU seconds of the backlog: " + cpu_summary(b["cpu_s"])
            + f", inbox {b['inbox_cpu_s']:.0f}.")


def _met(flag: bool) -> str:
    return "met" if flag else "**not met**"
