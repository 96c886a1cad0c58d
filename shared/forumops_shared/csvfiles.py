"""CSV as organisers make it in spreadsheets and open it in them: rows read with their line
numbers, lines written spreadsheet-safe. (Uploads and downloads over HTTP: http.py.)"""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

from .refusals import Refusal


def csv_rows(text: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    """(line number, row) for each data row of a CSV whose header has the `required` columns.
    A file the csv module cannot read (a stray carriage return, a NUL byte) is refused whole."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise Refusal("invalid_csv", {"header": [f"Not readable as CSV: {exc}"]}) from exc
    missing = [c for c in required if c not in header]
    if missing:
        raise Refusal("invalid_csv", {"header": [f"Missing column(s): {', '.join(missing)}"]})
    reader.fieldnames = header
    return _readable(reader)


def _readable(reader: csv.DictReader) -> Iterator[tuple[int, dict]]:
    line = 1  # the header
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise Refusal("invalid_csv", {"file": [f"Line {line + 1}: not readable as CSV: {exc}"]}) from exc
        line += 1
        yield line, row


def csv_line(values: Iterable) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([_spreadsheet_safe(v) for v in values])
    return out.getvalue()


def _spreadsheet_safe(value):
    # A cell starting with = + - @ is a formula to a spreadsheet: neutralise it (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value
