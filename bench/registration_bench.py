"""Registration throughput against the one-insert ceiling, in one run.

    ./forumops bench registration [--seconds 20] [--connections 64]

Starts its own broker, the registration API under the production gunicorn settings with its
worker, a forum with 600 connection points; then drives new registrations with wrk; then the
ceiling (bare Flask, one SQLite insert, same gunicorn settings). Prints both and the ratio.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import requests

from harness import (TOKEN, Server, arguments, cpu_line, ensure_wrk, run_ceiling, run_wrk, row, service_env, setting_line,
                     start_broker, start_worker, table_head)

TARGET_RATIO, TARGET_P99_MS = 0.5, 150


def setup_forum(url: str) -> float:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    requests.post(f"{url}/api/v1/forums", headers=headers, json={
        "slug": "bench", "title": {"vi": "Diễn đàn đo tải"}, "timezone": "Asia/Ho_Chi_Minh",
        "starts_at": "2026-12-10T08:00:00+07:00", "ends_at": "2026-12-10T17:00:00+07:00",
        "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 30}}).raise_for_status()
    points = "code,name,province,capacity\n" + "".join(
        f"P{i:03d},Điểm cầu {i},Tỉnh {i % 63},100000\n" for i in range(600))
    started = time.perf_counter()
    answer = requests.post(f"{url}/api/v1/forums/bench/points/import", data=points.encode(),
                           headers={**headers, "Content-Type": "text/csv"})
    elapsed = time.perf_counter() - started
    assert answer.json()["created"] == 600, answer.text
    return elapsed


def measure(args, ceiling: dict | None = None) -> dict:
    """The registrations run, and the ceiling's unless the caller measured it in this sitting."""
    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="forumops-bench-"))
    try:
        with ExitStack() as stack:
            env = service_env("registration", start_broker(stack, work), work, REGISTRATION_ADMIN_TOKEN=TOKEN,
                              REGISTRATION_RATE_LIMIT="1000000/second")
            start_worker(stack, "registration-worker", env)
            api = Server("registration.app:create_app()", env, work / "registration.log")
            import_s = setup_forum(api.url)
            target = f"{api.url}/api/v1/forums/bench/registrations"
            try:
                run_wrk(wrk, target, "register.lua", 3, args.connections)  # warm-up
                registration = run_wrk(wrk, target, "register.lua", args.seconds, args.connections)
            finally:
                api.stop()
        # alone, as the bare stack it is
        ceiling = ceiling or run_ceiling(wrk, work, env, args.seconds, args.connections)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"registration": registration, "ceiling": ceiling, "import_s": import_s,
            "ratio": registration["rps"] / ceiling["rps"],
            "meets": registration["rps"] / ceiling["rps"] >= TARGET_RATIO and registration["p99_ms"] <= TARGET_P99_MS}


def main(argv: list[str] | None = None) -> None:
    args = arguments(__doc__, argv)
    report(args, measure(args))


def report(args, r: dict) -> None:
    print(f"\nregistration benchmark: {setting_line(args)}\n")
    print(table_head())
    print(row("POST registration (new, unique)", r["registration"]))
    print(row("ceiling: bare Flask + 1 insert", r["ceiling"]))
    print(f"\nratio to ceiling {r['ratio']:.2f} (target >= {TARGET_RATIO}), p99 {r['registration']['p99_ms']:.0f} ms "
          f"(target <= {TARGET_P99_MS}): {'meets' if r['meets'] else 'MISSES'} the target")
    print(cpu_line("registrations", r["registration"]))
    print(cpu_line("the ceiling", r["ceiling"]))
    print(f"600-point CSV import: {r['import_s'] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
