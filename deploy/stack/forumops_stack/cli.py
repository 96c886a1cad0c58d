"""`./forumops up | down | status | test | kafka ...` — the project's commands."""
from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time

from . import stack
from .brokers import NO_BROKER
from .kafka import BrokerError, ensure_jars, jar_dir, kafka_version
from .paths import ROOT


def cmd_up(args) -> int:
    try:
        urls = stack.up(cluster=args.cluster)
    except (stack.StackError, BrokerError) as exc:
        print(f"forumops up: {exc}", file=sys.stderr)
        return 1
    if not args.no_demo:
        from .demo import ensure_demo

        inbox = stack.INBOX if stack.smtp_url()[1] else None  # where the jurors' invitations arrive
        links = ensure_demo(urls, stack.organiser_token(), stack.VAR, public=stack.public_urls(), inbox=inbox)
        width = max(map(len, links))
        print("\nthe demo forum and its awards programme:")
        for label, link in links.items():
            print(f"  {label:<{width}}  {link}")
    print(f"\norganiser token (Authorization: Bearer ...), kept in {stack.VAR / 'organiser-token'}:")
    print(f"  {stack.organiser_token()}")
    print(f"logs in {stack.LOGS}; stop everything with: ./forumops down")
    return 0


def cmd_down(_args) -> int:
    stack.down()
    return 0


def cmd_status(_args) -> int:
    for name, state in stack.status().items():
        print(f"{name:<24}{state}")
    return 0


def cmd_test(args) -> int:
    """Run pytest on SQLite (default) or on a PostgreSQL server this command starts itself.
    `--fast` runs the tier that needs no broker and no browser: no JVM is started."""
    started = time.monotonic()
    env = {**os.environ, "FORUMOPS_TEST_DATABASE": args.db}
    tier = []
    if args.fast:
        env.update(FORUMOPS_TEST_TIER="fast", KAFKA_BOOTSTRAP_SERVERS=NO_BROKER)
        tier = ["-m", "not kafka and not browser"]
    else:
        ensure_jars()
    postgres = None
    if args.db == "postgresql" and "FORUMOPS_TEST_POSTGRES_URL" not in env:
        from .postgres import LocalPostgres

        postgres = LocalPostgres()
        env["FORUMOPS_TEST_POSTGRES_URL"] = postgres.start()
    try:
        code = subprocess.call([sys.executable, "-m", "pytest", *tier, *args.pytest_args], cwd=ROOT, env=env)
    finally:
        if postgres:
            postgres.stop()
    print(f"forumops test{' --fast' if args.fast else ''} --db {args.db}: exit {code} in "
          f"{time.monotonic() - started:.0f}s")
    return 1 if code == 5 else code  # pytest's 5 means no test ran: that is a failure here


def cmd_bench(args) -> int:
    """Run a benchmark from bench/ (arguments after its name go to it)."""
    return subprocess.call([sys.executable, str(ROOT / "bench" / f"{args.name}_bench.py"), *args.pytest_args], cwd=ROOT)


def cmd_kafka(args) -> int:
    kafka = stack.local_kafka()
    if args.action == "fetch":
        print(f"Kafka {kafka_version()} jars in {ensure_jars()}")
    elif args.action == "start":
        seconds = kafka.start()
        print(f"kafka ready at {kafka.bootstrap} in {seconds:.1f}s (pid {kafka.running_pid()})")
    elif args.action == "stop":
        kafka.stop()
    elif args.action == "path":
        print(jar_dir())
    return 0


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # While a broker starts, refused connections are expected; our own messages say what failed.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    # Reading the services' declarations imports Alembic, which says at INFO what plugins it set up.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(prog="forumops", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start the broker and every service's API and worker (kept running), and load the demo forum")
    up.add_argument("--no-demo", action="store_true", help="do not load the demo forum")
    up.add_argument("--cluster", action="store_true",
                    help="the production shape: three brokers, PostgreSQL, two APIs and two workers per service")
    up.set_defaults(fn=cmd_up)
    sub.add_parser("down", help="stop everything `up` started").set_defaults(fn=cmd_down)
    sub.add_parser("status", help="what is running").set_defaults(fn=cmd_status)
    test = sub.add_parser("test", help="run the test suite on a real broker and database")
    test.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    test.add_argument("--fast", action="store_true",
                      help="only the tests that need no broker and no browser (rules, use cases, APIs; under a minute)")
    test.set_defaults(fn=cmd_test)  # any further arguments go to pytest
    bench = sub.add_parser("bench", help="run a benchmark from bench/")
    bench.add_argument("name", choices=("registration", "checkin", "certificates", "system", "broker", "mail", "awards", "sessions", "cluster", "all"))
    bench.set_defaults(fn=cmd_bench)  # further arguments go to the benchmark
    kafka = sub.add_parser("kafka", help="the local broker alone")
    kafka.add_argument("action", choices=("fetch", "start", "stop", "path"))
    kafka.set_defaults(fn=cmd_kafka)
    args, extra = parser.parse_known_args(argv)
    if extra and args.fn not in (cmd_test, cmd_bench):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = extra
    sys.exit(args.fn(args))
