"""CSV in and out of the APIs: uploads organisers make in spreadsheets, exports they open in them."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator
from urllib.parse import quote

from flask import Response, stream_with_context
from werkzeug.utils import secure_filename

from .http import uploaded_file
from .refusals import Refusal


def uploaded_text(*, limit: int) -> str:
    """An uploaded CSV (raw text/csv body or the `file` form field) as text; a BOM is dropped."""
    try:
        return uploaded_file(limit=limit).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refusal("invalid_csv", {"file": ["Must be UTF-8 text."]}) from exc


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


def csv_download(filename: str, header: Iterable[str], rows: Iterable[Iterable]) -> Response:
    """A streamed CSV download, UTF-8 with a BOM so that spreadsheets show Vietnamese."""
    def lines():
        yield "\ufeff" + csv_line(header)
        for row in rows:
            yield csv_line(row)

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": attachment(filename)})


def attachment(filename: str) -> str:
    """Content-Disposition for a download named after user input (a slug from the URL): an ASCII
    name for old clients and the exact one encoded (RFC 6266), so the header is always valid."""
    fallback = secure_filename(filename) or "download.csv"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def csv_line(values: Iterable) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([_spreadsheet_safe(v) for v in values])
    return out.getvalue()


def _spreadsheet_safe(value):
    # A cell starting with = + - @ is a formula to a spreadsheet: neutralise it (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value
