"""The local broker's CPU under the relays' load: the JVM's default JIT against C1 alone, in one run.

    ./forumops bench broker [--seconds 15] [--windows 3] [--rate 600]

The services share their cores with the local single-node broker, so every CPU-second the
broker spends is one the APIs lose. This starts a fresh broker with each JIT setting in turn
(`forumops_stack.kafka.TIERED`, the JVM's default, then `C1_ONLY`, what `LocalKafka` uses) and
sends it what a busy outbox relay sends: `rate` check-in-sized events per second, keyed by
person over the attendance topic's 12 partitions, in one flushed batch every 50 ms from the
project's idempotent producer. It prints the broker's CPU seconds in each window of `seconds`
after start, split by the JVM's threads (compiler threads apart), and the ratio of the two.
"""
from __future__ import annotations

import collections
import os
import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from forumops_shared.config import ServiceSettings
from forumops_shared.kafka_clients import make_producer
from forumops_shared.topic_admin import ensure_topics
from forumops_shared.topics import ATTENDANCE
from forumops_stack.brokers import free_port
from forumops_stack.kafka import C1_ONLY, TIERED, LocalKafka
from harness import arguments, stat_cpu_seconds

PASS_S = 0.05  # a relay's pass when it keeps up
EVENT = b'{"specversion": "1.0", "type": "checkin.participant-checked-in.v1", "data": {' + b'"x": 1, ' * 60 + b'"y": 2}}'


def thread_cpu(pid: int) -> collections.Counter:
    """CPU seconds so far of a JVM ("all", ended threads included) and of its live threads, by
    thread name without its number."""
    used = collections.Counter({"all": stat_cpu_seconds(Path(f"/proc/{pid}/stat"))})
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            spent = stat_cpu_seconds(task / "stat")
        except OSError:  # the thread ended meanwhile
            continue
        part = "JIT compiler" if "CompilerThre" in name else name.rstrip("0123456789-") or name
        used[part] += spent
    return used


def measure(jit: tuple[str, ...], args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="forumops-bench-"))
    try:
        with ExitStack() as stack:
            kafka = LocalKafka(work / "kafka", port=free_port(), controller_port=free_port(), jit=jit)
            started_s = kafka.start()
            stack.callback(kafka.stop)
            ensure_topics(kafka.bootstrap, client=kafka.admin_client)
            pid = kafka.running_pid()
            admin = kafka.admin_client
            settings = ServiceSettings("bench", database_url="", kafka_bootstrap_servers=kafka.bootstrap,
                                       kafka_username=admin["sasl_plain_username"],
                                       kafka_password=admin["sasl_plain_password"], kafka_mechanism=admin["sasl_mechanism"])
            producer = make_producer(settings, "bench")
            stack.callback(producer.close)
            per_pass = max(1, round(args.rate * PASS_S))
            windows, sent = [], 0
            for _ in range(args.windows):
                before, ends = thread_cpu(pid), time.monotonic() + args.seconds
                in_window = 0
                while time.monotonic() < ends:
                    for _ in range(per_pass):
                        producer.send(ATTENDANCE, key=f"person-{sent}".encode(), value=EVENT)
                        sent += 1
                        in_window += 1
                    producer.flush()
                    time.sleep(PASS_S)
                after = thread_cpu(pid)
                windows.append({"events": in_window, "cpu": {k: after[k] - before.get(k, 0.0) for k in after}})
            return {"start_s": started_s, "windows": windows}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def total(window: dict) -> float:
    return window["cpu"]["all"]


def report(name: str, r: dict, args) -> None:
    print(f"\n{name}: started in {r['start_s']:.1f} s")
    for i, window in enumerate(r["windows"]):
        busiest = ", ".join(f"{k} {v:.2f}" for k, v in sorted(window["cpu"].items(), key=lambda kv: -kv[1])
                            if v >= 0.05 and k != "all")
        print(f"  {i * args.seconds:>3}-{(i + 1) * args.seconds:<3} s: {window['events']} events, "
              f"{total(window):.2f} CPU s ({1000 * total(window) / window['events']:.3f} ms per event): {busiest}")


def main(argv: list[str] | None = None) -> None:
    args = arguments(__doc__, argv, seconds=15, windows=3, rate=600)
    tiered, c1 = measure(TIERED, args), measure(C1_ONLY, args)
    print(f"\nbroker benchmark: {args.rate} events/s in a batch every {PASS_S * 1000:.0f} ms, "
          f"{args.windows} windows of {args.seconds} s, {os.cpu_count()} cores")
    report("JVM default (C1 then C2)", tiered, args)
    report("C1 only (LocalKafka's setting)", c1, args)
    spent = [sum(total(w) for w in r["windows"]) for r in (tiered, c1)]
    print(f"\nbroker CPU over {args.windows * args.seconds} s of load: default {spent[0]:.2f} s, C1 only {spent[1]:.2f} s; "
          f"ratio C1 only / default {spent[1] / spent[0]:.2f}")


if __name__ == "__main__":
    main()
