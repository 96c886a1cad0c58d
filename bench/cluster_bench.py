"""The production shape (issue 25) beside one machine's single node, and the one-insert ceilings,
in one sitting.

    ./forumops bench cluster [--seconds 20] [--connections 64] [--registrations 100000]
                             [--rate 500] [--system-seconds 60] [--people 36000]

1. **Ceilings**: a bare Flask endpoint doing one insert (bench/ceiling_app.py), on SQLite and on
   PostgreSQL, each under the services' gunicorn settings (deploy/gunicorn.conf.py) and under
   plain sync workers (`-w 2 -k sync --threads 1`). Every ratio below is against the faster of
   the two on the same database.
2. **Registration and check-in on PostgreSQL**: `bench registration`'s and `bench checkin`'s
   single-request runs with their databases on the sitting's PostgreSQL server (fsync off, as
   SQLite's WAL in NORMAL mode does not sync each commit); targets: registration >= 0.5 and
   check-in >= 0.6 of the PostgreSQL ceiling, p99 <= 150 and 100 ms.
3. **The whole system** (`bench system`: people arriving at `rate` scans a second for
   `system-seconds`, each scan becoming a certificate): one broker on SQLite, one broker on
   PostgreSQL, and the cluster (`./forumops up --cluster`: three brokers, PostgreSQL, two APIs
   sharing each port and two workers per service); answered rate, p99, scan -> certificate p99
   and CPU per scan of each. Target: scan -> certificate p99 <= 2 s on the single-broker shape;
   the cluster's figures are recorded beside it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import checkin_bench
import registration_bench
import system_bench
from harness import API_THREADS, ensure_wrk, gunicorn_settings, run_ceiling, use_postgres

TARGET_SYSTEM_P99_S = system_bench.TARGET_P99_S


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in {"seconds": 20, "connections": 64, "registrations": 100_000, "rate": 500,
                          "system-seconds": 60, "people": 36_000}.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    return parser.parse_args(argv)


def ceilings(args, work: Path) -> dict[str, dict]:
    """The one-insert ceiling under both gunicorn settings, on the sitting's database."""
    wrk, env = ensure_wrk(), {**os.environ, "FORUMOPS_LOG_LEVEL": "WARNING"}
    return {mode: run_ceiling(wrk, work, env, args.seconds, args.connections, sync=mode == "sync")
            for mode in ("production", "sync")}


def system(args, **shape: int) -> dict:
    options = argparse.Namespace(rate=args.rate, seconds=args.system_seconds, connections=128, people=args.people,
                                 certificate_workers=1, postgresql=0, cluster=0)
    for name, value in shape.items():
        setattr(options, name, value)
    return system_bench.measure(options)


def measure(args) -> dict:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="forumops-bench-"))
    found: dict = {}
    try:
        print(f"ceilings on SQLite ({time.monotonic() - started:.0f} s)", flush=True)
        found["ceiling SQLite"] = ceilings(args, work)
        with ExitStack() as stack:
            use_postgres(stack)
            print(f"ceilings on PostgreSQL ({time.monotonic() - started:.0f} s)", flush=True)
            found["ceiling PostgreSQL"] = ceilings(args, work)
            best = max(found["ceiling PostgreSQL"].values(), key=lambda r: r["rps"])
            print(f"registration on PostgreSQL ({time.monotonic() - started:.0f} s)", flush=True)
            found["registration"] = registration_bench.measure(args, ceiling=best)
            print(f"check-in on PostgreSQL ({time.monotonic() - started:.0f} s)", flush=True)
            found["checkin"] = checkin_bench.measure(args, ceiling=best)
        print(f"the system, one broker, PostgreSQL ({time.monotonic() - started:.0f} s)", flush=True)
        found["system PostgreSQL"] = system(args, postgresql=1)  # a PostgreSQL server of its own
        print(f"the system, one broker, SQLite ({time.monotonic() - started:.0f} s)", flush=True)
        found["system SQLite"] = system(args)
        print(f"the system, the cluster ({time.monotonic() - started:.0f} s)", flush=True)
        found["system cluster"] = system(args, cluster=1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    found["elapsed_s"] = time.monotonic() - started
    return found


def _cpu_ms(r: dict) -> float:
    return sum(r["cpu_s"].values()) / max(r["requests"], 1) * 1000


def _http(r: dict) -> str:
    return f"{r['rps']:.0f} req/s, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, {_cpu_ms(r):.2f} ms CPU a request"


def rows(r: dict) -> list[tuple[str, ...]]:
    """The table: (benchmark, measured, baseline in the same sitting, ratio, target, verdict)."""
    yes = {True: "met", False: "**not met**"}
    table = []
    for db in ("SQLite", "PostgreSQL"):
        both = r[f"ceiling {db}"]
        best = max(both, key=lambda mode: both[mode]["rps"])
        threads = f"2 workers x {API_THREADS} threads" if db == "PostgreSQL" else gunicorn_settings()  # as the services there
        for mode, label in (("production", f"the services' gunicorn settings ({threads})"), ("sync", "-w 2 -k sync")):
            table.append((f"Ceiling: bare Flask + 1 insert, {db}, {label}", _http(both[mode]),
                          f"the faster of the two on {db}: {best}", f"{both[mode]['rps'] / both[best]['rps']:.2f}",
                          "", ""))
    pg = max(r["ceiling PostgreSQL"].values(), key=lambda x: x["rps"])
    registration, checkin = r["registration"], r["checkin"]
    table.append(("Registration on PostgreSQL: POST registration, 64 connections", _http(registration["registration"]),
                  f"the faster PostgreSQL ceiling: {pg['rps']:.0f} req/s", f"{registration['ratio']:.2f}",
                  f"≥ {registration_bench.TARGET_RATIO}, p99 ≤ {registration_bench.TARGET_P99_MS} ms",
                  yes[registration["meets"]]))
    table.append(("Check-in on PostgreSQL: single scans, 64 connections", _http(checkin["single"]),
                  f"the faster PostgreSQL ceiling: {pg['rps']:.0f} req/s", f"{checkin['ratio']:.2f}",
                  f"≥ {checkin_bench.TARGET_RATIO}, p99 ≤ {checkin_bench.TARGET_P99_MS} ms", yes[checkin["single_meets"]]))
    for key in ("system SQLite", "system PostgreSQL", "system cluster"):
        s = r[key]
        rush = s["rush"]
        per_scan = sum(s["cpu_s"].values()) / max(s["accepted"], 1) * 1000
        single = key != "system cluster"
        met = s["p99_s"] <= TARGET_SYSTEM_P99_S and not s["missing"]
        table.append((f"System at {s['rate']}/s for {s['seconds']} s: {s['shape']}",
                      f"{rush['rps']:.0f} scans/s answered, p99 {rush['p99_ms']:.0f} ms; scan → certificate p99 "
                      f"{s['p99_s']:.2f} s ({s['certificates']:,} certificates, {s['missing']} missing); "
                      f"{per_scan:.1f} ms CPU a scan", "", "",
                      f"p99 ≤ {TARGET_SYSTEM_P99_S:.0f} s" if single else "recorded", yes[met] if single else ""))
    return table


def report(r: dict) -> None:
    print("\n| benchmark | measured | baseline in the same sitting | ratio | target | |\n|---|---|---|---|---|---|")
    for line in rows(r):
        print("| " + " | ".join(line) + " |")
    for key in ("system SQLite", "system PostgreSQL", "system cluster"):
        s = r[key]
        print(f"\n{key}: CPU seconds while the doors were open: "
              + ", ".join(f"{part} {sec:.0f}" for part, sec in sorted(s["cpu_s"].items(), key=lambda kv: -kv[1])
                          if sec >= 0.5)
              + "; legs: " + "; ".join(f"{leg} p50 {p50:.2f} s, p99 {p99:.2f} s"
                                       for leg, (p50, p99) in s["legs"].items()))
    print(f"\n{r['elapsed_s'] / 60:.1f} min in all")


def main(argv: list[str] | None = None) -> None:
    report(measure(_arguments(argv)))


if __name__ == "__main__":
    main()
