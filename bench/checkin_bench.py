"""Check-in throughput against the one-insert ceiling, an offline batch and live counts, in one run.

    ./forumops bench checkin [--seconds 20] [--connections 64] [--registrations 100000]

Starts its own broker, the check-in API under the production gunicorn settings with its worker,
and loads a forum as check-in's projection holds it: 600 connection points and 100,000
registrations (written straight into the projection; the scans are what is measured). Then:

1. single scans, each a distinct valid signed ticket scanned by its point's device, with wrk;
2. one offline batch of 10,000 scans for one point, timed end to end, then its re-upload;
3. `/stats` (600 points) read continuously by a few dashboards;
4. the ceiling (bare Flask, one SQLite insert, same gunicorn settings).
"""
from __future__ import annotations

import json
import shutil
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from sqlalchemy import insert

from checkin import projection
from checkin.services import counts
from checkin.services import devices
from checkin.tables import registrations
from forumops_shared.db import make_engine, write_transaction
from forumops_shared.events import decode_event, encode_event, new_event
from forumops_shared.events.registry import FORUM_PUBLISHED
from forumops_shared.tickets import SigningKey, TicketClaims, b64, new_ticket_code
from harness import (TOKEN, Server, arguments, cpu_line, ensure_wrk, run_ceiling, run_wrk, row, service_env, setting_line,
                     start_broker, start_worker, table_head, wait_for_relay)

TARGET_RATIO, TARGET_P99_MS, TARGET_BATCH_S, TARGET_STATS_P99_MS = 0.6, 100, 2.0, 50
SLUG, POINTS, BATCH_POINT, BATCH_SIZE = "bench", 600, "P599", 10_000
SCAN_POINTS = 200  # the points whose devices the single-scan run uses
STATS_CONNECTIONS = 4


def load_forum(database_url: str, registrations_total: int, work: Path, sessions: list[dict] = (),
               session_of=None) -> tuple[Path, list[str], str]:
    """Forum, points and people as the projection holds them: the wrk scan file, the batch tickets and device.
    `sessions`: a programme, as forum-published carries it (none: today's shape); `session_of(point)`:
    the session each scan at that point names (a fourth column of the scan file)."""
    key = SigningKey.generate()
    engine = make_engine(database_url)
    now = datetime.now(timezone.utc)
    forum = {"slug": SLUG, "title": {"vi": "Diễn đàn đo tải"}, "timezone": "Asia/Ho_Chi_Minh",
             "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(hours=8)).isoformat(),
             "online_url": "https://meet.example.vn/bench", "languages": ["vi"],
             "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 30},
             "points": [{"code": f"P{i:03d}", "name": f"Điểm cầu {i}", "province": f"Tỉnh {i % 63}",
                         "capacity": 100_000} for i in range(POINTS)],
             "ticket_keys": [{"kid": key.kid, "alg": "Ed25519", "public_key": b64(key.public_key)}],
             "published_at": now.isoformat(), **({"sessions": list(sessions)} if sessions else {})}
    people = []
    for n in range(registrations_total):
        point = BATCH_POINT if n < BATCH_SIZE else f"P{n % (POINTS - 1):03d}"
        people.append({"id": str(uuid.uuid4()), "forum": SLUG, "status": "confirmed", "attendance": "onsite",
                       "point": point, "language": "vi", "full_name": f"Nguyễn Văn Bền {n}",
                       "email_key": f"nguoi{n}@truong.edu.vn", "manage_token_hash": None,
                       "ticket_code": new_ticket_code(), "ticket_version": 1, "erased": False, "updated_at": now})
    with write_transaction(engine) as conn:
        published = new_event(FORUM_PUBLISHED, SLUG, forum, source="/bench")  # as the worker would read it:
        projection.forum_published(conn, decode_event(encode_event(published), topic=published.topic))
        for i in range(0, len(people), 5000):
            conn.execute(insert(registrations), people[i:i + 5000])
        counts.add(conn, [(SLUG, point, column, n) for point, figures in counts.recount(conn, SLUG).items()
                          for column, n in figures.items()])
        tokens = {f"P{i:03d}": devices.enrol(conn, SLUG, f"P{i:03d}", "bench")[1] for i in range(SCAN_POINTS)}
        tokens[BATCH_POINT] = devices.enrol(conn, SLUG, BATCH_POINT, "bench offline")[1]
    engine.dispose()

    def ticket(p: dict) -> str:
        return key.sign(TicketClaims(SLUG, p["id"], "onsite", p["point"], p["ticket_code"], 1))

    scan_file = work / "scans.tsv"
    with scan_file.open("w") as out:
        for p in people[BATCH_SIZE:]:
            if p["point"] in tokens:
                session = f"\t{session_of(p['point'])}" if session_of else ""
                out.write(f"/api/v1/forums/{SLUG}/points/{p['point']}/checkins\t{tokens[p['point']]}\t{ticket(p)}"
                          f"{session}\n")
    batch = [ticket(p) for p in people[:BATCH_SIZE]]
    return scan_file, batch, tokens[BATCH_POINT]


def post_batch(url: str, token: str, tickets: list[str]) -> tuple[float, dict]:
    when = (datetime.now(timezone.utc) - timedelta(minutes=30)).isoformat()
    body = json.dumps({"scans": [{"ticket": t, "scan_id": f"offline-{i}", "scanned_at": when}
                                 for i, t in enumerate(tickets)]})
    started = time.perf_counter()
    answer = requests.post(f"{url}/api/v1/forums/{SLUG}/points/{BATCH_POINT}/checkins/batch", data=body,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                           timeout=120)
    elapsed = time.perf_counter() - started
    answer.raise_for_status()
    return elapsed, answer.json()


def measure(args, ceiling: dict | None = None) -> dict:
    """Scans, the batch, /stats, and the ceiling's run unless the caller measured it in this sitting."""
    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="forumops-bench-"))
    try:
        with ExitStack() as stack:
            env = service_env("checkin", start_broker(stack, work), work, CHECKIN_ADMIN_TOKEN=TOKEN,
                              CHECKIN_DEVICE_RATE_LIMIT="1000000/second", BENCH_TOKEN=TOKEN)
            started = time.perf_counter()
            scan_file, batch, batch_token = load_forum(env["CHECKIN_DATABASE_URL"], args.registrations, work)
            print(f"loaded 600 points, {args.registrations} registrations and their tickets in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            env["BENCH_SCANS"] = str(scan_file)
            start_worker(stack, "checkin-worker", env)
            api = Server("checkin.app:create_app()", env, work / "checkin.log")
            try:
                scans_url = api.url  # wrk takes each request's path from the scan file
                warm_up = run_wrk(wrk, scans_url, "scan.lua", 3, args.connections, env)
                # The measured run starts after every ticket (and scan id) the warm-up may have sent:
                # each scan a new one, not the replay of an earlier scan.
                single = run_wrk(wrk, scans_url, "scan.lua", args.seconds, args.connections,
                                 {**env, "BENCH_SKIP": str(warm_up["requests"] + args.connections)})
                wait_for_relay(env["CHECKIN_DATABASE_URL"])  # the batch is timed on a system at rest
                batch_s, batch_answer = post_batch(api.url, batch_token, batch)
                again_s, again_answer = post_batch(api.url, batch_token, batch)
                drained_s = wait_for_relay(env["CHECKIN_DATABASE_URL"])  # dashboards are measured on their own
                stats_url = f"{api.url}/api/v1/forums/{SLUG}/stats"
                run_wrk(wrk, stats_url, "stats.lua", 2, STATS_CONNECTIONS, env)
                stats = run_wrk(wrk, stats_url, "stats.lua", args.seconds, STATS_CONNECTIONS, env)
                total = requests.get(stats_url, headers={"Authorization": f"Bearer {TOKEN}"}).json()["total"]
            finally:
                api.stop()
        # alone, as the bare stack it is
        ceiling = ceiling or run_ceiling(wrk, work, env, args.seconds, args.connections)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratio = single["rps"] / ceiling["rps"]
    return {"registrations": args.registrations, "single": single, "ceiling": ceiling, "stats": stats, "total": total,
            "ratio": ratio, "single_meets": ratio >= TARGET_RATIO and single["p99_ms"] <= TARGET_P99_MS,
            "batch_s": batch_s, "batch": batch_answer, "again_s": again_s, "again": again_answer,
            "batch_meets": batch_s <= TARGET_BATCH_S and batch_answer["accepted"] == BATCH_SIZE,
            "stats_meets": stats["p99_ms"] <= TARGET_STATS_P99_MS, "drained_s": drained_s}


def main(argv: list[str] | None = None) -> None:
    args = arguments(__doc__, argv, registrations=100_000)
    report(args, measure(args))


def report(args, r: dict) -> None:
    verdict = {True: "meets", False: "MISSES"}
    print(f"\ncheck-in benchmark: {setting_line(args)}; {r['registrations']} registrations, 600 points\n")
    print(table_head())
    print(row("POST scan (distinct valid tickets)", r["single"]))
    print(row("ceiling: bare Flask + 1 insert", r["ceiling"]))
    print(row(f"GET /stats, {STATS_CONNECTIONS} connections", r["stats"]))
    print(f"\nscans: ratio to ceiling {r['ratio']:.2f} (target >= {TARGET_RATIO}), p99 {r['single']['p99_ms']:.0f} ms "
          f"(target <= {TARGET_P99_MS}): {verdict[r['single_meets']]} the target")
    answer, repeat = r["batch"], r["again"]
    print(f"offline batch of {answer['received']} scans: {r['batch_s']:.2f} s ({answer['accepted']} accepted; "
          f"target <= {TARGET_BATCH_S} s): {verdict[r['batch_meets']]} the target; re-upload {r['again_s']:.2f} s "
          f"({repeat['repeated']} repeated, {repeat['recorded']} recorded)")
    print(f"/stats p99 {r['stats']['p99_ms']:.1f} ms (target <= {TARGET_STATS_P99_MS}): {verdict[r['stats_meets']]} "
          f"the target; national total then: {r['total']}")
    print(cpu_line("scans", r["single"]))
    print(cpu_line("the ceiling", r["ceiling"]))
    print(f"the worker's relay published the run's check-in events {r['drained_s']:.1f} s after the last batch")


if __name__ == "__main__":
    main()
