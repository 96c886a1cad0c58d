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

from forumops_shared.csvfiles import csv_rows
from forumops_shared.refusals import Refusal
from forumops_shared.textfiles import decode_text

from .services.imports import REQUIRED


def chunks(raw: bytes, size: int):
    """(first row, rows in all, a chunk as UTF-8 comma CSV, {its lines: the file's lines}). The
    file is read as the service reads it (encoding, delimiter, header), so a file the service
    would refuse is refused here, before anything is sent."""
    rows = list(csv_rows(decode_text(raw), REQUIRED))
    header = list(rows[0][1]) if rows else []
    for start in range(0, len(rows), size):
        parts, lines, at = [_csv_text(header)], {}, 2
        for line, row in rows[start:start + size]:
            text = _csv_text([row[column] or "" for column in header])
            parts.append(text)
            lines[at] = line
            at += text.count("\n")
        yield start, len(rows), "".join(parts), lines


def _csv_text(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=argparse.FileType("rb"))
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
    try:
        parts = list(chunks(args.file.read(), args.chunk))
    except Refusal as refused:
        print("\n".join(m for ms in (refused.errors or {}).values() for m in ms), file=sys.stderr)
        return 1
    for start, total, part, lines in parts:
        response = requests.post(f"{args.url}/api/v1/forums/{args.forum}/registrations/import",
                                 data=part.encode(), timeout=300,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
        if response.status_code != 200:
            print(f"\nstopped at row {start + 1}: {response.status_code} {response.text}", file=sys.stderr)
            return 1
        for row in response.json()["rows"]:
            row["line"] = lines[row["line"]]  # the server numbers the chunk's lines
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
