"""`registration-import`: send a participants CSV to a registration service in chunks, with progress.

    registration-import --url http://127.0.0.1:8001 --forum dien-dan-2026 teachers.csv

The organiser token comes from REGISTRATION_ADMIN_TOKEN (never from the command line, where
other users of the machine could read it). Re-running after an interruption is safe: rows
already registered come back as "existing".
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from collections import Counter

import requests


def chunks(text: str, size: int):
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    for start in range(0, len(body), size):
        out = io.StringIO()
        csv.writer(out).writerows([header, *body[start:start + size]])
        yield start, len(body), out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=argparse.FileType("r", encoding="utf-8-sig"))
    parser.add_argument("--url", default="http://127.0.0.1:8001")
    parser.add_argument("--forum", required=True)
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--report", type=argparse.FileType("w", encoding="utf-8"),
                        help="write every row's outcome to this CSV")
    args = parser.parse_args(argv)
    token = os.environ.get("REGISTRATION_ADMIN_TOKEN")
    if not token:
        parser.error("set REGISTRATION_ADMIN_TOKEN to the organiser token")
    totals, report = Counter(), []
    for start, total, part in chunks(args.file.read(), args.chunk):
        response = requests.post(f"{args.url}/api/v1/forums/{args.forum}/registrations/import",
                                 data=part.encode(), timeout=300,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
        if response.status_code != 200:
            print(f"\nstopped at row {start + 1}: {response.status_code} {response.text}", file=sys.stderr)
            return 1
        for row in response.json()["rows"]:
            row["line"] += start  # lines are counted per chunk by the server
            totals[row["outcome"]] += 1
            report.append(row)
        done = min(start + args.chunk, total)
        print(f"\r{done}/{total} rows: {totals['created']} created, {totals['existing']} existing, "
              f"{totals['refused']} refused", end="", flush=True)
    print()
    if args.report:
        writer = csv.DictWriter(args.report, ["line", "email", "outcome", "id", "status", "ticket_code", "reason", "errors"])
        writer.writeheader()
        writer.writerows({**r, "errors": r.get("errors") or ""} for r in report)
    for row in (r for r in report if r["outcome"] == "refused"):
        print(f"line {row['line']}: {row['reason']} {row.get('errors') or ''}", file=sys.stderr)
    return 0 if totals["refused"] == 0 else 2
