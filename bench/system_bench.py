"""The whole system under a national forum's door rush: scans at a set rate, certificates flowing.

    ./forumops bench system [--rate 500] [--seconds 60] [--connections 128] [--people 36000]
                            [--certificate-workers 1] [--postgresql 0|1] [--cluster 0|1]

Starts its own broker and all three services as production runs them (each API under the
gunicorn settings of deploy/gunicorn.conf.py, each worker; SQLite, or with `--postgresql 1` a
database each on one PostgreSQL server), or with `--cluster 1` the production shape as
`./forumops up --cluster` starts it (three brokers, PostgreSQL, two APIs sharing each port and two
workers per service, under its supervisor). Then it sets up a forum the way
organisers do, through the APIs: 600 connection points (the demo's), `people` participants
imported as CSV lists of 5,000, one scanning device enrolled per point; it waits until check-in
and certificates have heard of everyone (the registration events travel through Kafka).

Then the doors open: wrk sends single scans by ticket code, each a different person at their own
point's device, paced to `rate` per second, for `seconds`. Every accepted scan becomes a
check-in event, every check-in event a certificate. Measured:

- scans accepted per second and the scans' p50/p99 answer times (wrk);
- scan accepted -> certificate issued, for every accepted scan: the scan's `recorded_at` in
  check-in's database against the certificate's `issued_at` in certificates' (one machine, one
  clock), p50/p99/max, and how long after the last scan the last certificate came;
- the resident memory (RSS) of every API worker process, sampled each second, the largest seen.

The pacing: people arrive at the doors on a timetable, `rate` per second; a free connection takes
the next arrival and waits for its time (wrk's `delay()` hook, bench/scan.lua). When every
connection is busy, the people queue: their scans start as soon as a connection is free, and the
most any scan started late is reported (near 0 while the system keeps up). The scans' answer
times are wrk's, from the moment each scan was sent.
"""
from __future__ import annotations

import csv
import io
import os
import random
import shutil
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from sqlalchemy import func, select

from certificates.tables import certificates, registrations as certificate_people
from checkin.tables import scans
from forumops_shared.db import make_engine, readonly
from forumops_shared.events.registry import PARTICIPANT_CHECKED_IN
from forumops_shared.plumbing import outbox
from forumops_stack.demo import people, points
from harness import (SERVICES, TOKEN, Server, arguments, children, cpu_seconds, cpu_summary, database_kind,
                     ensure_wrk, percentile, run_wrk, service_env, start_broker, start_cluster, start_worker,
                     use_postgres)

TARGET_P99_S, TARGET_RSS_MB = 2.0, 120
SLUG = "bench-national"
IMPORT_ROWS = 5_000


@dataclass
class Sampler:
    """The largest resident set of any gunicorn worker of each API, read from /proc every second."""
    masters: dict[str, int]
    largest: dict[str, float] = None
    _stop: threading.Event = None

    def __post_init__(self):
        self.largest = {name: 0.0 for name in self.masters}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, master in self.masters.items():
                for pid in children(master):
                    self.largest[name] = max(self.largest[name], _rss_mb(pid))
            self._stop.wait(1.0)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return self.largest


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


class Organiser:
    def __init__(self, urls: dict[str, str]):
        self.urls = urls
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {TOKEN}"

    def call(self, method: str, service: str, path: str, **kwargs) -> dict:
        answer = self.session.request(method, self.urls[service] + path, timeout=300, **kwargs)
        if answer.status_code not in (200, 201):
            raise RuntimeError(f"{method} {service}{path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()


def set_up(urls: dict[str, str], count: int, took: dict[str, float]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The forum, its points and people through the APIs: [(point, ticket code)] and each point's
    device token; `took` gets the seconds of each step."""
    rng, organiser = random.Random(2026), Organiser(urls)
    clock = time.perf_counter()
    now = datetime.now(timezone.utc)
    organiser.call("POST", "registration", "/api/v1/forums", json={
        "slug": SLUG, "title": {"vi": "Hội nghị toàn quốc (đo tải)"}, "timezone": "Asia/Ho_Chi_Minh",
        "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(hours=8)).isoformat(),
        "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 60}})
    where = [replace(p, capacity=count) for p in points(rng)]  # room for everyone: no waiting list here
    import_points(organiser, SLUG, where)
    crowd, codes = import_onsite_people(organiser, SLUG, rng, where, count)
    tickets = [(p.point, code) for p, code in zip(crowd, codes)]
    took["forum, 600 points, people imported"] = time.perf_counter() - clock
    _wait(lambda: registered_at_checkin(organiser) >= count, "check-in to hear of every registration")
    took["then heard of by check-in"] = time.perf_counter() - clock - sum(took.values())
    devices = {p.code: organiser.call("POST", "checkin", f"/api/v1/forums/{SLUG}/points/{p.code}/devices",
                                      json={"label": "Bàn đón tiếp"})["token"] for p in where}
    took["600 devices enrolled"] = time.perf_counter() - clock - sum(took.values())
    return tickets, devices


def import_points(organiser: Organiser, slug: str, where: list) -> None:
    """The forum's points as one CSV import."""
    organiser.call("POST", "registration", f"/api/v1/forums/{slug}/points/import",
                   data=_csv(["code", "name", "province", "capacity"],
                             [[p.code, p.name, p.province, p.capacity] for p in where]),
                   headers={"Content-Type": "text/csv"})


def import_onsite_people(organiser: Organiser, slug: str, rng: random.Random, where: list,
                         count: int) -> tuple[list, list[str]]:
    """`count` people, all on site at one of `where`'s points, imported as CSV lists of IMPORT_ROWS:
    the people and their ticket codes, in the same order."""
    crowd = [replace(p, attendance="onsite", point=p.point or rng.choice(where).code) for p in people(rng, where, count)]
    columns = ["full_name", "email", "phone", "organisation", "role", "attendance", "point", "language"]
    tickets = []
    for i in range(0, count, IMPORT_ROWS):
        chunk = crowd[i:i + IMPORT_ROWS]
        report = organiser.call("POST", "registration", f"/api/v1/forums/{slug}/registrations/import",
                                data=_csv(columns, [[getattr(p, c) for c in columns] for p in chunk]),
                                headers={"Content-Type": "text/csv"})
        created = [row for row in report["rows"] if row["outcome"] == "created"]
        if len(created) != len(chunk):
            raise RuntimeError(f"import: {len(created)} of {len(chunk)} created: {report['rows'][:3]}")
        tickets += [row["ticket_code"] for row in created]
    return crowd, tickets


def registered_at_checkin(organiser: Organiser, slug: str = SLUG) -> int:
    """How many of the forum's registrations check-in has heard of."""
    answer = organiser.session.get(f"{organiser.urls['checkin']}/api/v1/forums/{slug}/stats", timeout=30)
    return answer.json()["total"]["registered"] if answer.status_code == 200 else 0


def _wait(done, what: str, limit_s: float = 600) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(0.5)
    raise RuntimeError(f"waited {limit_s:.0f} s for {what}")


def _count(database_url: str, table, *where) -> int:
    engine = make_engine(database_url)
    try:
        with readonly(engine).connect() as conn:
            return conn.execute(select(func.count()).select_from(table).where(*where)).scalar()
    finally:
        engine.dispose()


def scan_file(path: Path, tickets: list[tuple[str, str]], devices: dict[str, str]) -> Path:
    """wrk's lines "path<TAB>device token<TAB>ticket code", people in a random order across the doors."""
    with path.open("w") as out:
        for point, code in tickets:
            out.write(f"/api/v1/forums/{SLUG}/points/{point}/checkins\t{devices[point]}\t{code}\n")
    return path


@dataclass
class Moments:
    """When each accepted scan's person went through each step, by registration id."""
    recorded: dict[str, datetime]  # the scan, in check-in's database
    published: dict[str, datetime]  # its check-in event acknowledged by the broker (outbox published_at)
    issued: dict[str, datetime]  # the certificate, in certificates' database


def moments(checkin_url: str, certificates_url: str) -> Moments:
    engine = make_engine(checkin_url)
    with readonly(engine).connect() as conn:
        recorded = dict(conn.execute(select(scans.c.registration_id, scans.c.recorded_at)
                                     .where(scans.c.outcome == "accepted")).all())
        published = dict(conn.execute(select(outbox.c.key, outbox.c.published_at)
                                      .where(outbox.c.event_type == PARTICIPANT_CHECKED_IN)).all())
    engine.dispose()
    engine = make_engine(certificates_url)
    with readonly(engine).connect() as conn:
        issued = dict(conn.execute(select(certificates.c.registration_id, certificates.c.issued_at)
                                   .where(certificates.c.kind == "attendance")).all())
    engine.dispose()
    return Moments(recorded, published, issued)


def latencies(m: Moments) -> tuple[list[tuple[float, float]], int, float]:
    """(seconds into the run of each accepted scan, seconds to its certificate) in scan order; how
    many accepted scans have no certificate; seconds from the last accepted scan to the last certificate."""
    accepted, issued = m.recorded, m.issued
    if not accepted:
        return [], 0, float("nan")
    first = min(accepted.values())
    found = sorted(((at - first).total_seconds(), (issued[rid] - at).total_seconds())
                   for rid, at in accepted.items() if rid in issued)
    tail = (max(issued.values()) - max(accepted.values())).total_seconds() if found else float("nan")
    return found, sum(rid not in issued for rid in accepted), tail


def legs(m: Moments) -> dict[str, tuple[float, float]]:
    """Where scan -> certificate spends its time, p50 and p99 of each leg: "relay" (the scan
    recorded -> its check-in event acknowledged by the broker) and "certificates" (acknowledged ->
    certificate issued)."""
    both = [rid for rid in m.recorded if m.published.get(rid) and rid in m.issued]
    relay = sorted((m.published[rid] - m.recorded[rid]).total_seconds() for rid in both)
    rest = sorted((m.issued[rid] - m.published[rid]).total_seconds() for rid in both)
    return {"relay": (percentile(relay, 0.5), percentile(relay, 0.99)),
            "certificates": (percentile(rest, 0.5), percentile(rest, 0.99))}


def by_window(found: list[tuple[float, float]], window_s: float = 10) -> list[tuple[float, int, float, float]]:
    """Per `window_s` of scanning: (start, scans, p50, p99 of scan -> certificate)."""
    windows: dict[int, list[float]] = {}
    for at, latency in found:
        windows.setdefault(int(at // window_s), []).append(latency)
    rows = []
    for n, latencies_s in sorted(windows.items()):
        latencies_s.sort()
        rows.append((n * window_s, len(latencies_s), percentile(latencies_s, 0.5), percentile(latencies_s, 0.99)))
    return rows


def single_node(stack: ExitStack, work: Path, args) -> tuple[dict, dict, dict]:
    """One broker, each service's API and worker(s) on the sitting's database: (urls, each
    service's environment, API master pids)."""
    bootstrap = start_broker(stack, work)
    env, servers = {}, {}
    for name in SERVICES:
        (work / "prometheus" / name).mkdir(parents=True)
        env[name] = service_env(name, bootstrap, work, FORUMOPS_VAR_DIR=str(work),
                                PROMETHEUS_MULTIPROC_DIR=str(work / "prometheus" / name),
                                REGISTRATION_ADMIN_TOKEN=TOKEN, CHECKIN_ADMIN_TOKEN=TOKEN,
                                CERTIFICATES_ADMIN_TOKEN=TOKEN, REGISTRATION_IMPORT_BODY_LIMIT=str(2**26))
        for _ in range(args.certificate_workers if name == "certificates" else 1):
            start_worker(stack, f"{name}-worker", env[name])
        servers[name] = Server(f"{name}.app:create_app()", env[name], work / f"{name}.log")
        stack.callback(servers[name].stop)
    return ({name: server.url for name, server in servers.items()}, env,
            {name: server.proc.pid for name, server in servers.items()})


def measure(args) -> dict:
    """Run the door rush; the figures as a dict (see `report`)."""
    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="forumops-bench-"))
    needed = args.rate * args.seconds + args.connections
    if args.people < needed:
        raise SystemExit(f"--people {args.people} is too few for {args.rate}/s over {args.seconds} s: {needed}")
    try:
        with ExitStack() as stack:
            if args.cluster:
                shape = "cluster: 3 brokers, PostgreSQL, 2 APIs + 2 workers per service"
                started = start_cluster(stack, work, REGISTRATION_IMPORT_BODY_LIMIT=str(2**26))
                urls, masters = started["urls"], started["api_masters"]
                database = {f"{name.upper()}_DATABASE_URL": url for name, url in started["databases"].items()}
                env = {name: database for name in SERVICES}
            else:
                if args.postgresql:
                    use_postgres(stack)
                shape = f"one broker, {database_kind()}, 1 API + {args.certificate_workers} certificates worker(s)"
                urls, env, masters = single_node(stack, work, args)
            took = {}
            tickets, devices = set_up(urls, args.people, took)
            clock = time.perf_counter()
            _wait(lambda: _count(env["certificates"]["CERTIFICATES_DATABASE_URL"], certificate_people) >= args.people,
                  "certificates to hear of every registration")
            took["then heard of by certificates"] = time.perf_counter() - clock
            print("set up: " + ", ".join(f"{step} {s:.0f} s" for step, s in took.items()), flush=True)
            random.Random(7).shuffle(tickets)
            sampler = Sampler(masters)
            wrk_env = {**os.environ, "BENCH_SCANS": str(scan_file(work / "scans.tsv", tickets, devices))}
            wrk_env["BENCH_RATE"] = str(args.rate)
            before = cpu_seconds()
            rush = run_wrk(wrk, urls["checkin"], "scan.lua", args.seconds, args.connections, wrk_env)
            time.sleep(1)  # the scans wrk left in flight are answered (and committed) all the same
            cpu = {part: seconds - before.get(part, 0.0) for part, seconds in cpu_seconds().items()}
            accepted = _count(env["checkin"]["CHECKIN_DATABASE_URL"], scans, scans.c.outcome == "accepted")
            _wait(lambda: _count(env["certificates"]["CERTIFICATES_DATABASE_URL"], certificates) >= accepted,
                  "a certificate for every accepted scan", limit_s=900)
            rss = sampler.stop()
            seen = moments(env["checkin"]["CHECKIN_DATABASE_URL"], env["certificates"]["CERTIFICATES_DATABASE_URL"])
            found, missing, drained_s = latencies(seen)
            split = legs(seen)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ordered = sorted(latency for _, latency in found)
    return {"shape": shape, "rate": args.rate, "seconds": args.seconds, "people": args.people,
            "connections": args.connections, "setup_s": took,
            "certificate_workers": args.certificate_workers, "rush": rush,
            "accepted": accepted, "certificates": len(found), "missing": missing, "drained_s": drained_s,
            "p50_s": percentile(ordered, 0.5), "p99_s": percentile(ordered, 0.99), "max_s": max(ordered, default=0.0),
            "windows": by_window(found), "legs": split, "rss_mb": rss, "cpu_s": cpu}


def report(r: dict) -> None:
    rush = r["rush"]
    print(f"\nsystem benchmark: {r['rate']} scans/s offered for {r['seconds']} s through {r['connections']} "
          f"connections, {r['people']} people at 600 points; {r['shape']}\n")
    print(f"scans: {rush['requests']} answered, {rush['rps']:.0f}/s, p50 {rush['p50_ms']:.0f} ms, "
          f"p99 {rush['p99_ms']:.0f} ms, {rush['failed']} not 2xx, "
          f"started at most {rush['lag_ms'] / 1000:.1f} s late; {r['accepted']} accepted")
    verdict = "meets" if r["p99_s"] <= TARGET_P99_S and not r["missing"] else "MISSES"
    print(f"scan accepted -> certificate issued: {r['certificates']} certificates, p50 {r['p50_s']:.2f} s, "
          f"p99 {r['p99_s']:.2f} s, max {r['max_s']:.2f} s, {r['missing']} missing (target p99 <= "
          f"{TARGET_P99_S} s): {verdict} the target; the last {r['drained_s']:.1f} s after the doors closed")
    print("of which: " + "; ".join(f"{leg} p50 {p50:.2f} s, p99 {p99:.2f} s" for leg, (p50, p99) in r["legs"].items())
          + " (relay: scan recorded -> its event acknowledged by the broker; certificates: -> certificate issued)")
    print("by 10 s of scanning (from the first scan): " + "; ".join(
        f"{start:.0f} s: {n} scans, p50 {p50:.2f} s, p99 {p99:.2f} s" for start, n, p50, p99 in r["windows"]))
    print(f"CPU seconds while the doors were open ({os.cpu_count()} cores x {r['seconds'] + 1} s): "
          + cpu_summary(r["cpu_s"]))
    largest = max(r["rss_mb"].values())
    verdict = "meets" if largest <= TARGET_RSS_MB else "MISSES"
    print("API worker RSS, largest seen: " + ", ".join(f"{k} {v:.0f} MB" for k, v in r["rss_mb"].items())
          + f" (target <= {TARGET_RSS_MB} MB): {verdict} the target")


def main(argv: list[str] | None = None) -> None:
    args = arguments(__doc__, argv, seconds=60, connections=128, rate=500, people=36_000, postgresql=0, cluster=0,
                     **{"certificate-workers": 1})
    report(measure(args))


if __name__ == "__main__":
    main()
