"""Awards: the jury assignment, applications with a 1 MB attachment against the ceiling of the
same upload, and published results to the last award certificate, in one sitting.

    ./forumops bench awards [--seconds 20] [--connections 16] [--winners 910] [--runs 5]

1. **Assignment**: the pure rule (bench/awards_assignment_bench.py, its programme generator) on
   the issue's programme ×10: 2,000 applications, 60 jurors, 3 reviews each; the first
   computation, a recomputation after conflicts are declared, a constrained case. Median of
   `runs`; measured first, before anything else runs. Target: under 2 s.
2. **Applications**: its own broker, the awards API under the production gunicorn settings with
   its worker, on SQLite; a programme whose window is open; AWARDS_APPLY_RATE_LIMIT raised so
   that nothing is refused for the rate. wrk (bench/apply.lua) posts new applications, each the
   multipart body the apply page sends: the JSON part `application` (its own applicant, email and
   title: never a duplicate) and one 1 MiB PDF. Then the ceiling of the same upload
   (bench/ceiling_app.py `/upload`: bare Flask, the same body parsed, the file written to disk as
   awards keeps one, one row inserted), same gunicorn settings, alone. The ratio: awards / ceiling.
3. **Results → certificates**: the certificates worker as a process on the same broker; a
   programme's results with `winners` winners in three categories published once on
   awards.results.v1 as the awards service's broker user would (the event contract of
   forumops_shared.events; the awards service has no publishing endpoint yet). Per winner: from
   the moment before the event was sent to its certificate's `issued_at` (one clock); and when
   the last became visible in the database (committed: `issued_at` is read before the commit; the
   target is judged on the later of the two). Then the same results published twice more (the same
   event again, and again under a new event id): still exactly `winners` certificates.
   Target: p99 under 5 s.

Every wait is bounded; the run stops by itself.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient
from sqlalchemy import func, select

import awards_assignment_bench as assignment
from awards.tables import applications, attachments
from certificates.tables import certificates
from forumops_shared import access, topics
from forumops_shared.db import as_utc, make_engine, readonly
from forumops_shared.events import encode_event, new_event
from forumops_shared.events.registry import RESULTS_PUBLISHED
from harness import (BROKER, TOKEN, Server, admin_client, arguments, cpu_line, cpu_summary, ensure_wrk, percentile, row, run_wrk,
                     service_env, setting_line, start_broker, start_worker, table_head)

TARGET_ASSIGNMENT_S, TARGET_P99_S = 2.0, 5.0
SLUG = "giai-thuong-do-tai"
FILE_BYTES = 1024 * 1024
WAIT_LIMIT_S = 120  # the most any wait for certificates lasts
CATEGORIES = [
    {"code": "environment", "name": {"vi": "Môi trường giáo dục tốt nhất", "en": "Best Education Environment"}},
    {"code": "innovation", "name": {"vi": "Đổi mới sáng tạo giáo dục tiêu biểu", "en": "Best Education Innovation"}},
    {"code": "influence", "name": {"vi": "Ảnh hưởng giáo dục của năm", "en": "Best Education Influence of the Year"}},
]
TITLE = {"vi": "Giải thưởng Giáo dục tiêu biểu (đo tải)", "en": "Outstanding Education Awards (load test)"}


# -- 2. applications with a 1 MB attachment ------------------------------------------------------

def create_programme(url: str) -> None:
    """A programme open for applications from yesterday until tomorrow, six criteria."""
    now = datetime.now(timezone.utc)
    criteria = [{"code": f"c{n}", "name": {"vi": f"Tiêu chí {n}", "en": f"Criterion {n}"}, "weight": 1 + n % 2,
                 "max": 10} for n in range(1, 7)]
    answer = requests.post(f"{url}/api/v1/programmes", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30, json={
        "slug": SLUG, "title": TITLE, "applications_open_at": (now - timedelta(days=1)).isoformat(),
        "applications_close_at": (now + timedelta(days=1)).isoformat(),
        "review_close_at": (now + timedelta(days=2)).isoformat(),
        "categories": [{**c, "awards": 100} for c in CATEGORIES], "criteria": criteria})
    answer.raise_for_status()


def stored(database_url: str, files: Path) -> dict:
    """Applications and attachments recorded, and the files on disk (what was accepted was kept)."""
    engine = make_engine(database_url)
    try:
        with readonly(engine).connect() as conn:
            counts = {"applications": conn.execute(select(func.count()).select_from(applications)).scalar_one(),
                      "attachments": conn.execute(select(func.count()).select_from(attachments)).scalar_one()}
    finally:
        engine.dispose()
    return {**counts, "files": sum(1 for p in files.rglob("*") if p.is_file() and not p.name.startswith("."))}


def run_uploads(wrk: str, url: str, args) -> dict:
    """A short warm-up (other applicants: BENCH_SKIP), then the measured run."""
    run_wrk(wrk, url, "apply.lua", 3, args.connections, env={**os.environ, "BENCH_SKIP": "50000000"})
    return run_wrk(wrk, url, "apply.lua", args.seconds, args.connections)


def upload_ceiling(wrk: str, work: Path, env: dict, args) -> dict:
    """The bare Flask upload + one insert, under the same gunicorn settings, alone."""
    env = {**env, "CEILING_DATABASE_URL": f"sqlite:///{work}/ceiling.db", "CEILING_FILES_DIR": str(work / "ceiling-files")}
    server = Server("ceiling_app:create_app()", env, work / "ceiling.log", ["--pythonpath", str(Path(__file__).parent)])
    try:
        return run_uploads(wrk, f"{server.url}/upload", args)
    finally:
        server.stop()


# -- 3. results published -> award certificates ----------------------------------------------------

def results_event(slug: str, winners: int):
    """The results of a programme with `winners` winners in three categories (45/35/20 %)."""
    quotas = [round(winners * 0.45), round(winners * 0.35)]
    quotas.append(winners - sum(quotas))
    listed = []
    for category, quota in zip(CATEGORIES, quotas):
        for _ in range(quota):
            n = len(listed)
            listed.append({"application_id": uuid.uuid4().hex[:24], "category": category["code"],
                           "kind": "unit" if n % 4 else "person",
                           "name": f"Trường THCS Nguyễn Trãi số {n}" if n % 4 else f"Phạm Thị Thuỳ Dương {n}",
                           "organisation": f"Phòng GD&ĐT quận {n % 30}", "province": f"Tỉnh {n % 63}",
                           "email": f"doat-giai-{n}@truong.edu.vn", "language": "vi" if n % 5 else "en"})
    return new_event(RESULTS_PUBLISHED, slug, {
        "programme": {"slug": slug, "title": TITLE, "forum": None}, "version": 1,
        "published_at": datetime.now(timezone.utc).isoformat(),
        "categories": [{**c, "awards": q} for c, q in zip(CATEGORIES, quotas)], "winners": listed,
        "correction_reason": None}, source="/forumops/awards")


def awards_producer(bootstrap: str) -> KafkaProducer:
    """A producer as the awards service's relay: its own broker user, allowed to write its topic."""
    client = {}
    if admin_client():  # a broker with users: the awards service's (SCRAM, as the services sign in)
        client = {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": access.MECHANISM,
                  "sasl_plain_username": "awards", "sasl_plain_password": BROKER["passwords"]["awards"]}
    return KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_block_ms=30_000, **client)


def publish(producer: KafkaProducer, event) -> float:
    """Send and wait for the broker's acknowledgement; when the sending began (Unix seconds)."""
    sent = time.time()
    producer.send(topics.AWARDS_RESULTS, key=event.subject.encode(), value=encode_event(event)).get(timeout=30)
    return sent


def held(database_url: str, slug: str) -> tuple[int, int]:
    """(valid, all) certificates of the programme."""
    engine = make_engine(database_url)
    try:
        with readonly(engine).connect() as conn:
            of = certificates.c.programme == slug
            valid = conn.execute(select(func.count()).where(of, certificates.c.revoked_at.is_(None))).scalar_one()
            every = conn.execute(select(func.count()).where(of)).scalar_one()
    finally:
        engine.dispose()
    return valid, every


def wait_for_valid(database_url: str, slug: str, count: int, limit_s: float = WAIT_LIMIT_S) -> float | None:
    """When (Unix seconds) the programme first held `count` valid certificates; None if not in time."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if held(database_url, slug)[0] >= count:
            return time.time()
        time.sleep(0.05)
    return None


def issued_at(database_url: str, slug: str) -> list[float]:
    engine = make_engine(database_url)
    try:
        with readonly(engine).connect() as conn:
            rows = conn.execute(select(certificates.c.issued_at).where(certificates.c.programme == slug)).all()
    finally:
        engine.dispose()
    return [as_utc(r.issued_at).timestamp() for r in rows]


def committed(bootstrap: str, group: str, topic: str) -> int:
    """How many messages of `topic` the group has finished with (its committed offsets)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, **admin_client())
    try:
        offsets = admin.list_group_offsets({group: None}).get(group, {})
    except Exception:  # noqa: BLE001 - the coordinator not ready yet: nothing committed
        return 0
    finally:
        admin.close()
    return sum(max(o.offset, 0) for tp, o in offsets.items() if tp.topic == topic)


def wait_committed(bootstrap: str, count: int, limit_s: float = 60) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if committed(bootstrap, "certificates", topics.AWARDS_RESULTS) >= count:
            return True
        time.sleep(0.5)
    return False


def run_results(stack: ExitStack, bootstrap: str, work: Path, winners: int) -> dict:
    env = service_env("certificates", bootstrap, work, CERTIFICATES_ADMIN_TOKEN=TOKEN)
    env.pop("FORUMOPS_SMTP_URL", None)  # the winners' mail is queued, not sent: not what is measured
    database_url = env["CERTIFICATES_DATABASE_URL"]
    start_worker(stack, "certificates-worker", env)
    producer = awards_producer(bootstrap)
    stack.callback(lambda: producer.close(timeout=5))
    # A one-winner programme first: the worker has joined its group and read the topic once.
    warm = f"{SLUG}-khoi-dong"
    publish(producer, results_event(warm, 1))
    if wait_for_valid(database_url, warm, 1) is None:
        raise RuntimeError(f"the certificates worker issued nothing in {WAIT_LIMIT_S} s; see its database")
    event = results_event(SLUG, winners)
    sent = publish(producer, event)
    visible = wait_for_valid(database_url, SLUG, winners)
    latencies = sorted(at - sent for at in issued_at(database_url, SLUG))
    first = held(database_url, SLUG)
    # The same results twice more: the same event, and the same results under a new event id.
    again = new_event(RESULTS_PUBLISHED, SLUG, event.data, source="/forumops/awards")
    publish(producer, event)
    publish(producer, again)
    drained = wait_committed(bootstrap, 4)
    return {"winners": winners, "latencies": latencies, "visible_s": visible - sent if visible else float("nan"),
            "issued": first[0], "after_repeats": held(database_url, SLUG), "repeats_consumed": drained}


# -- the sitting -----------------------------------------------------------------------------------

def measure(args) -> dict:
    wrk = ensure_wrk()
    started = time.monotonic()
    result = {"assignment": assignment.measure(2000, 60, args.runs)}  # on a machine at rest
    work = Path(tempfile.mkdtemp(prefix="forumops-bench-"))
    try:
        with ExitStack() as stack:
            bootstrap = start_broker(stack, work)
            env = service_env("awards", bootstrap, work, AWARDS_ADMIN_TOKEN=TOKEN, AWARDS_FILES_DIR=str(work / "files"),
                              AWARDS_APPLY_RATE_LIMIT="1000000/second")
            env.pop("FORUMOPS_SMTP_URL", None)  # receipts queued, not sent
            with ExitStack() as awards:
                start_worker(awards, "awards-worker", env)
                api = Server("awards.app:create_app()", env, work / "awards.log")
                awards.callback(api.stop)
                create_programme(api.url)
                result["applications"] = run_uploads(wrk, f"{api.url}/api/v1/programmes/{SLUG}/applications", args)
            result["stored"] = stored(env["AWARDS_DATABASE_URL"], work / "files")
            result["ceiling"] = upload_ceiling(wrk, work, env, args)
            shutil.rmtree(work / "files", ignore_errors=True)
            shutil.rmtree(work / "ceiling-files", ignore_errors=True)
            result["results"] = run_results(stack, bootstrap, work, args.winners)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    a, res = result["applications"], result["results"]
    lat = res["latencies"]
    result["ratio"] = a["rps"] / result["ceiling"]["rps"]
    result["p99_s"] = percentile(lat, 0.99)
    result["exact"] = (res["issued"] == res["winners"] and len(lat) == res["winners"]
                       and res["after_repeats"] == (res["winners"], res["winners"]) and res["repeats_consumed"])
    # issued_at is the handler's clock reading, before its transaction commits: judged by the
    # later of the p99 and the moment they were all committed (visible).
    result["results_meet"] = result["exact"] and max(result["p99_s"], res["visible_s"]) < TARGET_P99_S
    result["settings"] = setting_line(args)
    result["elapsed_s"] = time.monotonic() - started
    return result


def report(r: dict) -> None:
    print(f"\nawards benchmark ({r['elapsed_s']:.0f} s in all)\n")
    assignment.report(r["assignment"])
    s = r["stored"]
    print(f"\napplications with a 1 MiB PDF each: {r['settings']}\n")
    print(table_head())
    print(row("POST application (multipart, 1 MiB)", r["applications"]))
    print(row("ceiling: bare upload + 1 insert", r["ceiling"]))
    print(f"\nratio to the upload ceiling {r['ratio']:.2f}; stored by awards (warm-up included): "
          f"{s['applications']:,} applications, {s['attachments']:,} attachments, {s['files']:,} files on disk")
    print(cpu_line("applications", r["applications"]))
    print(cpu_line("the upload ceiling", r["ceiling"]))
    res, lat = r["results"], r["results"]["latencies"]
    print(f"\nresults published -> award certificates issued, {res['winners']} winners, one event:")
    print(f"  per winner, sent -> issued_at: p50 {percentile(lat, 0.5):.2f} s, p99 {r['p99_s']:.2f} s, "
          f"max {lat[-1] if lat else float('nan'):.2f} s; all {res['winners']} visible after {res['visible_s']:.2f} s")
    print(f"  issued {res['issued']}; after publishing the same results twice more (same event, new event id): "
          f"{res['after_repeats'][0]} valid, {res['after_repeats'][1]} in all "
          f"({'consumed' if res['repeats_consumed'] else 'NOT consumed in time'})")
    print(f"  target p99 under {TARGET_P99_S:.0f} s, exactly {res['winners']}: "
          f"{'met' if r['results_meet'] else 'NOT met'}")
    print("\nfor bench/RESULTS.md:\n")
    print(section(r))


def section(r: dict) -> str:
    """bench/RESULTS.md's Awards section."""
    a, c, res, s = r["assignment"], r["ceiling"], r["results"], r["stored"]
    lat = res["latencies"]
    http = lambda x: f"{x['rps']:.0f} req/s, p50 {x['p50_ms']:.0f} ms, p99 {x['p99_ms']:.0f} ms, {x['failed']} not 2xx"  # noqa: E731
    met = lambda flag: "met" if flag else "**not met**"  # noqa: E731
    lines = [
        "## Awards", "",
        "| benchmark | measured | baseline in the same sitting | ratio | target | |",
        "|---|---|---|---|---|---|",
        f"| Awards: jury assignment, {a['applications']:,} applications, {a['jurors']} jurors, 3 reviews each | "
        f"first {a['first_s']:.2f} s, recomputed {a['again_s']:.2f} s, constrained {a['hard_s']:.2f} s | | | "
        f"< {TARGET_ASSIGNMENT_S:.0f} s | {met(a['meets'])} |",
        f"| Awards: applications with a 1 MiB PDF each | {http(r['applications'])} | "
        f"bare upload + 1 insert: {http(c)} | {r['ratio']:.2f} | | |",
        f"| Awards: results published → award certificates, {res['winners']} winners | "
        f"p50 {percentile(lat, 0.5):.2f} s, p99 {r['p99_s']:.2f} s, max {lat[-1] if lat else float('nan'):.2f} s; "
        f"all committed {res['visible_s']:.2f} s after the sending; {res['issued']} issued, "
        f"{res['after_repeats'][1]} after two more publications | | | "
        f"p99 < {TARGET_P99_S:.0f} s, exactly {res['winners']} | {met(r['results_meet'])} |",
        "",
        f"- **Assignment**: the pure rule (`awards.domain.assignment.assign`) on the programme of "
        "bench/awards_assignment_bench.py (three categories 45/35/20 %, 600 applicant organisations, jurors from 30, "
        f"a sixth of them in two categories, 200 declared conflicts), median of {a['runs']} runs: "
        f"{a['reviews']:,} reviews, {a['short']} short, jurors' loads {a['loads'][0]}–{a['loads'][1]}; recomputed after "
        f"30 more conflicts with a third of the reviews started and a third submitted ({a['released']} released, "
        f"{a['added']} placed anew); constrained: 8 organisations, 3,000 conflicts. The rule's inputs are the "
        "applications' category, organisation and province: their attachments play no part in it.",
        f"- **Applications**: {r['settings']}; its own broker, the awards API and worker, a programme open for "
        "applications, AWARDS_APPLY_RATE_LIMIT=1000000/second; wrk (bench/apply.lua) posts the apply page's "
        "multipart body: the JSON part `application` (a new applicant, email and title each time) and one 1 MiB PDF, "
        f"no Idempotency-Key. Kept: {s['applications']:,} applications, {s['attachments']:,} attachments, "
        f"{s['files']:,} files (warm-up included). The ceiling (bench/ceiling_app.py `/upload`) parses the same body, "
        "writes the file as the awards service does (random name, temporary file, fsync, rename) and inserts one "
        "row. CPU seconds: " + _cpu(r["applications"]) + "; the ceiling's: " + _cpu(c) + ".",
        f"- **Results → certificates**: the certificates worker as a process; one `awards.results-published.v1` "
        f"event with {res['winners']} winners in three categories (45/35/20 %), each with an address, sent to "
        "awards.results.v1 as the awards broker user (the awards service had no publishing endpoint yet); "
        "latency per winner from just before the sending to the certificate's `issued_at` (one clock; one "
        f"transaction issues them all, `issued_at` read as it starts); every one visible in the database (committed) "
        f"{res['visible_s']:.2f} s after the sending, polled every 50 ms: the target is judged on the later. Then the same event again and the same results under a new event id: "
        f"{res['after_repeats'][0]} valid, {res['after_repeats'][1]} certificates in all.",
        "",
    ]
    return "\n".join(lines)


def _cpu(r: dict) -> str:
    per = sum(r["cpu_s"].values()) / max(r["requests"], 1) * 1000
    return f"{cpu_summary(r['cpu_s'])} ({per:.1f} ms per request)"


def main(argv: list[str] | None = None) -> None:
    report(measure(arguments(__doc__, argv, connections=16, winners=910, runs=5)))


if __name__ == "__main__":
    main()
