"""Registration throughput against the one-insert ceiling, in one run.

    ./forumops bench registration [--seconds 20] [--connections 64]

Starts its own broker, the registration API under the production gunicorn settings with its
worker, a forum with 600 connection points; then drives new registrations with wrk; then the
ceiling (bare Flask, one SQLite insert, same gunicorn settings). Prints both and the ratio.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import requests

from forumops_shared.topic_admin import ensure_topics
from forumops_stack.brokers import free_port
from forumops_stack.kafka import LocalKafka

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
TOKEN = "bench-organiser-token-0123456789abcdef"
TARGET_RATIO, TARGET_P99_MS = 0.5, 150


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
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/healthz", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError(f"{app} did not start; see {log}")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def run_wrk(wrk: str, url: str, script: str, seconds: int, connections: int) -> dict:
    out = subprocess.run([wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                          "-s", str(BENCH / script), url], capture_output=True, text=True, check=True).stdout
    numbers = dict(re.findall(r"(\w+)=(\d+)", out.split("BENCH", 1)[1]))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": int(numbers["p50_us"]) / 1000, "p99_ms": int(numbers["p99_us"]) / 1000,
            "requests": int(numbers["requests"]), "failed": int(non2xx.group(1)) if non2xx else 0}


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args(argv)
    wrk = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="forumops-bench-"))
    with ExitStack() as stack:
        kafka = LocalKafka(work / "kafka", port=free_port(), controller_port=free_port())
        kafka.start()
        stack.callback(kafka.stop)
        ensure_topics(kafka.bootstrap)
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap, "FORUMOPS_LOG_LEVEL": "WARNING",
               "REGISTRATION_DATABASE_URL": f"sqlite:///{work}/registration.db",
               "REGISTRATION_ADMIN_TOKEN": TOKEN, "REGISTRATION_RATE_LIMIT": "1000000/second",
               "CEILING_DATABASE_URL": f"sqlite:///{work}/ceiling.db"}
        subprocess.run([str(BIN / "registration-migrate")], env=env, check=True, capture_output=True)
        api = Server("registration.app:create_app()", env, work / "registration.log")
        stack.callback(api.stop)
        worker = subprocess.Popen([str(BIN / "registration-worker")], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        stack.callback(worker.terminate)
        import_s = setup_forum(api.url)
        target = f"{api.url}/api/v1/forums/bench/registrations"
        run_wrk(wrk, target, "register.lua", 3, args.connections)  # warm-up
        registration = run_wrk(wrk, target, "register.lua", args.seconds, args.connections)
        api.stop()
        stack.pop_all()
        ceiling_server = Server("ceiling_app:create_app()", env, work / "ceiling.log", ["--pythonpath", str(BENCH)])
        try:
            run_wrk(wrk, f"{ceiling_server.url}/insert", "insert.lua", 3, args.connections)
            ceiling = run_wrk(wrk, f"{ceiling_server.url}/insert", "insert.lua", args.seconds, args.connections)
        finally:
            ceiling_server.stop()
            worker.terminate()
            kafka.stop()
    report(args, registration, ceiling, import_s)
    shutil.rmtree(work, ignore_errors=True)


def report(args, registration: dict, ceiling: dict, import_s: float) -> None:
    ratio = registration["rps"] / ceiling["rps"]
    print(f"\nregistration benchmark: {args.connections} connections, {args.seconds} s each, "
          f"gunicorn {os.environ.get('FORUMOPS_WEB_WORKERS', '2')} workers x "
          f"{os.environ.get('FORUMOPS_WEB_THREADS', '8')} threads, SQLite, {os.cpu_count()} cores\n")
    print(f"| {'run':<34} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'non-2xx':>7} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for name, r in (("POST registration (new, unique)", registration), ("ceiling: bare Flask + 1 insert", ceiling)):
        print(f"| {name:<34} | {r['rps']:>8.0f} | {r['p50_ms']:>7.1f} | {r['p99_ms']:>7.1f} | {r['failed']:>7} |")
    verdict = "meets" if ratio >= TARGET_RATIO and registration["p99_ms"] <= TARGET_P99_MS else "MISSES"
    print(f"\nratio to ceiling {ratio:.2f} (target >= {TARGET_RATIO}), p99 {registration['p99_ms']:.0f} ms "
          f"(target <= {TARGET_P99_MS}): {verdict} the target")
    print(f"600-point CSV import: {import_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
