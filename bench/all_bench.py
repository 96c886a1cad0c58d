"""Every benchmark in one sitting, one table: bench/RESULTS.md.

    ./forumops bench all [--seconds 20] [--connections 64] [--registrations 100000] [--events 10000]
                         [--pdf-seconds 10] [--rate 500] [--system-seconds 60] [--people 36000]
                         [--certificate-workers 1] [--emails 10000] [--arrivals 200] [--mail-rate 400]
                         [--upload-connections 16] [--winners 910] [--assignment-runs 5]
                         [--session-registrations 200000] [--online 10000] [--scans 200000] [--out bench/RESULTS.md]

The ceiling (a bare Flask endpoint doing one SQLite insert under the production gunicorn
settings) is measured once, first, on a machine at rest; registration and check-in are compared
with that same figure. Then registration, check-in, certificates (with its own baselines: a bare
consumer and a minimal PDF page), the whole system (`bench system`: scans at `rate` per second
for `system-seconds`, certificates flowing) and confirmation emails (`bench mail`: `emails` of
them against a bare sender, and registrations arriving at `arrivals` per second), awards (`bench awards`:
the jury assignment, applications with a 1 MiB attachment against the ceiling of the same upload,
results with `winners` winners to the last award certificate; its own section) and sessions (`bench sessions`:
scans into sessions against today's, a session moved → everyone's hours). Each prints its
own report as it ends; the table with every figure, its baseline, the ratio and the target goes to `--out`.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import awards_bench
import certificates_bench
import checkin_bench
import mail_bench
import registration_bench
import sessions_bench
import system_bench
from forumops_stack.kafka import kafka_version
from harness import BENCH, ROOT, ensure_wrk, gunicorn_settings, percentile, run_ceiling

# The system kept up with the people arriving when it answered this share of them in the time.
KEPT_UP = 0.98


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in {"seconds": 20, "connections": 64, "registrations": 100_000, "events": 10_000,
                          "pdf-seconds": 10, "rate": 500, "system-seconds": 60, "system-connections": 128,
                          "people": 36_000, "certificate-workers": 1, "emails": 10_000, "arrivals": 200,
                          "mail-rate": 400, "upload-connections": 16, "winners": 910, "assignment-runs": 5,
                          "session-registrations": 200_000, "online": 10_000, "scans": 200_000}.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    return parser.parse_args(argv)


def measure_ceiling(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="forumops-bench-"))
    try:
        return run_ceiling(ensure_wrk(), work, dict(os.environ), args.seconds, args.connections)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    args = options(argv)
    started, results = time.monotonic(), {}
    steps = [
        ("ceiling", lambda: measure_ceiling(args), None),
        ("registration", lambda: registration_bench.measure(args, results["ceiling"]),
         lambda r: registration_bench.report(args, r)),
        ("checkin", lambda: checkin_bench.measure(args, results["ceiling"]), lambda r: checkin_bench.report(args, r)),
        ("certificates", lambda: certificates_bench.measure(args), certificates_bench.report),
        ("system", lambda: system_bench.measure(argparse.Namespace(
            rate=args.rate, seconds=args.system_seconds, connections=args.system_connections, people=args.people,
            certificate_workers=args.certificate_workers)), system_bench.report),
        ("mail", lambda: mail_bench.measure(argparse.Namespace(
            emails=args.emails, arrivals=args.arrivals, mail_rate=args.mail_rate, connections=args.connections)),
         mail_bench.report),
        ("awards", lambda: awards_bench.measure(argparse.Namespace(
            seconds=args.seconds, connections=args.upload_connections, winners=args.winners,
            runs=args.assignment_runs)), awards_bench.report),
        ("sessions", lambda: sessions_bench.measure(argparse.Namespace(
            seconds=args.seconds, connections=args.connections, registrations=args.session_registrations, rounds=1,
            people=args.people, online=args.online, scans=args.scans)), sessions_bench.report),
    ]
    for name, run, report in steps:
        print(f"\n=== {name} ({time.monotonic() - started:.0f} s into the sitting)", flush=True)
        results[name] = run()
        if report:
            report(results[name])
    text = document(args, results, time.monotonic() - started)
    args.out.write_text(text)
    print(f"\n{text}\nwritten to {args.out} ({(time.monotonic() - started) / 60:.1f} min in all)")


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal:"))
    return (f"{os.cpu_count()} cores ({model}), {memory_kb / 2**20:.0f} GiB, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, Apache Kafka {kafka_version()} (KRaft, one node)")


def revision() -> str:
    """The commit measured; "with uncommitted changes" when code differs from it (prose does not count)."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!*.md"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return f"{head or 'unknown'}{' with uncommitted changes' if dirty else ''}"


def _http(r: dict) -> str:
    return f"{r['rps']:.0f} req/s, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms"


def _yes(flag: bool) -> str:
    return "met" if flag else "**not met**"


def document(args, results: dict, elapsed_s: float) -> str:
    ceiling, reg, chk, cert, system, mail = (results[k] for k in ("ceiling", "registration", "checkin",
                                                                   "certificates", "system", "mail"))
    ceiling_text = f"ceiling {_http(ceiling)}"
    batch = chk["batch"]
    rush = system["rush"]
    largest_rss = max(system["rss_mb"].values())
    rows = [
        ("Registration: new registrations, 64 connections", _http(reg["registration"]), ceiling_text,
         f"{reg['ratio']:.2f}", "ratio ≥ 0.5, p99 ≤ 150 ms", _yes(reg["meets"])),
        ("Registration: 600-point CSV import", f"{reg['import_s']:.2f} s", "", "", "well under 1 s",
         _yes(reg["import_s"] < 1)),
        (f"Check-in: single scans, 64 connections ({chk['registrations']:,} registrations)", _http(chk["single"]),
         ceiling_text, f"{chk['ratio']:.2f}", "ratio ≥ 0.6, p99 ≤ 100 ms", _yes(chk["single_meets"])),
        ("Check-in: one offline batch of 10,000 scans", f"{chk['batch_s']:.2f} s ({batch['accepted']:,} accepted); "
         f"re-upload {chk['again_s']:.2f} s", "", "", "≤ 2 s", _yes(chk["batch_meets"])),
        ("Check-in: /stats, 600 points, 4 dashboards", _http(chk["stats"]), "", "", "p99 ≤ 50 ms",
         _yes(chk["stats_meets"])),
        (f"Certificates: {cert['events']:,} check-in events at once → certificates",
         f"{cert['events'] / cert['total_s']:.0f} events/s, last after {cert['total_s']:.1f} s, "
         f"p50 {percentile(cert['latencies'], 0.5):.1f} s, p99 {percentile(cert['latencies'], 0.99):.1f} s",
         f"bare consumer, 1 insert per event: {cert['events'] / cert['base_s']:.0f} events/s", f"{cert['ratio']:.2f}",
         "", ""),
        ("Certificates: PDFs on one core", f"{cert['pdfs']:.0f}/s", f"minimal one-line page {cert['minimal']:.0f}/s",
         f"{cert['pdfs'] / cert['minimal']:.2f}", "≥ 100/s", _yes(cert["pdfs_meet"])),
        (f"System: people arriving at {system['rate']}/s for {system['seconds']} s, {system['connections']} connections",
         f"{rush['rps']:.0f} scans/s answered, p50 {rush['p50_ms']:.0f} ms, p99 {rush['p99_ms']:.0f} ms, "
         f"{rush['failed']} not 2xx, started at most {rush['lag_ms'] / 1000:.1f} s late "
         f"({system['accepted']:,} accepted)",
         f"offered {system['rate']}/s ({ceiling['rps']:.0f}/s: the ceiling)", f"{rush['rps'] / system['rate']:.2f}",
         f"{system['rate']}/s (≥ {KEPT_UP * system['rate']:.0f}/s answered)", _yes(rush["rps"] >= KEPT_UP * system["rate"])),
        ("System: scan accepted → certificate issued",
         f"p50 {system['p50_s']:.2f} s, p99 {system['p99_s']:.2f} s, max {system['max_s']:.2f} s; "
         f"{system['certificates']:,} certificates, {system['missing']} missing", "", "", "p99 ≤ 2 s",
         _yes(system["p99_s"] <= system_bench.TARGET_P99_S and not system["missing"])),
        ("System: API worker memory, largest RSS seen",
         ", ".join(f"{name} {mb:.0f} MB" for name, mb in system["rss_mb"].items()), "", "", "≤ 120 MB",
         _yes(largest_rss <= system_bench.TARGET_RSS_MB)),
        *mail_bench.rows(mail),
        *sessions_bench.rows(results["sessions"]),
    ]
    table = ["| benchmark | measured | baseline in the same sitting | ratio | target | |",
             "|---|---|---|---|---|---|"]
    table += ["| " + " | ".join(cells) + " |" for cells in rows]
    setup = ", ".join(f"{step} {s:.0f} s" for step, s in system["setup_s"].items())
    return "\n".join([
        "# Performance, one sitting",
        "",
        f"Written by `./forumops bench all` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, revision "
        f"{revision()}, in {elapsed_s / 60:.0f} min. Machine: {machine()}. Every server under "
        f"`deploy/gunicorn.conf.py` ({gunicorn_settings().replace(' x ', ' × ')}), SQLite, loopback only; "
        f"the load generator (wrk) runs on the same cores. HTTP runs last {args.seconds} s after a short warm-up.",
        "",
        *table,
        "",
        "How each figure was taken:",
        "",
        "- **Ceiling**: a bare Flask endpoint doing one SQLite insert per request (same engine settings, same "
        "gunicorn settings), measured once, first, on a machine at rest; every HTTP ratio is against it.",
        "- **Registration**: its own broker, the registration API and worker; a forum with 600 points; wrk posts "
        "new registrations, each unique with an `Idempotency-Key`.",
        f"- **Check-in**: {chk['registrations']:,} registrations and 600 points loaded into check-in's projection; "
        "each scan a distinct valid signed ticket from its point's device; the batch timed from request to answer "
        "on a system at rest.",
        f"- **Certificates**: {cert['events']:,} people in the certificates projection, one check-in event each "
        f"produced by one producer as fast as it goes ({cert['produced_s']:.1f} s), one worker; latency from an "
        "event's sending to its certificate. PDFs: rendered for a fixed CPU time in one process.",
        f"- **System**: broker, three APIs, {2 + system['certificate_workers']} workers "
        f"({system['certificate_workers']} of them certificates'); "
        f"set up through the APIs ({setup}): 600 points, {system['people']:,} people imported as CSV, one device "
        f"per point. People arrive on a timetable of {system['rate']} per second, each scanned by ticket "
        f"code at their point; a free connection of wrk's {system['connections']} takes the next arrival and "
        "waits for its time; when all are busy, people queue and their scans start late (the most late is "
        "shown; near 0 while the system keeps up). Latency: each accepted scan's `recorded_at` "
        "(check-in) to its certificate's `issued_at` (certificates), one clock; the last certificate came "
        f"{system['drained_s']:.1f} s after the last accepted scan; the p99 per 10 s of scanning: "
        + ", ".join(f"{p99:.2f}" for _, _, _, p99 in system["windows"]) + " s. Memory: each API's gunicorn workers' RSS "
        "read from /proc every second, the largest. CPU seconds used while the doors were open "
        f"({os.cpu_count()} cores × {system['seconds'] + 1} s): " + system_bench.cpu_summary(system["cpu_s"]) + ".",
        mail_bench.how(mail),
        sessions_bench.how(results["sessions"]),
        "",
        awards_bench.section(results["awards"]),
    ])


if __name__ == "__main__":
    sys.exit(main())
