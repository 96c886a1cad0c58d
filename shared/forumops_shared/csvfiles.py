"""CSV as organisers make it in spreadsheets and open it in them: rows read with their line
numbers, lines written spreadsheet-safe. (Decoding uploads: textfiles.py; HTTP: http.py.)

Reading takes a file as people have it: comma, semicolon (Excel on Vietnamese Windows) or tab
(Excel's "Unicode Text") between cells, chosen by the header that names the required columns (a
character-frequency guess such as csv.Sniffer misreads one-column files and names with commas);
an Excel `sep=;` first line is obeyed; header names are matched trimmed and case-insensitively.
A file with a malformed row is refused whole, each bad row named by its line: a carriage return
inside an unquoted cell, a quote never closed, cells past the header with values in them. Nothing
is split or shifted silently. Line numbers are the file's lines (a spreadsheet's rows, unless a
cell holds a line break); a row's number is the line it starts on.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .refusals import Refusal

DELIMITERS = (",", ";", "\t")
MAX_LISTED = 20  # problems named in one refusal

PROBLEM_TEXTS = {  # code: (vi, en); {line} and the problem's values filled in
    "empty_file": ("Tệp trống: dòng đầu phải là tên các cột.", "The file is empty: its first line must name the columns."),
    "missing_columns": ("Thiếu cột: {columns}. Dòng đầu của tệp phải có tên các cột này.",
                        "Missing column(s): {columns}. The first line must name these columns."),
    "duplicate_columns": ("Cột xuất hiện hai lần ở dòng đầu: {columns}.", "Column(s) named twice in the first line: {columns}."),
    "unknown_columns": ("Cột không dùng được: {columns}.", "Unknown column(s): {columns}."),
    "stray_line_break": ("Dòng {line}: có dấu xuống dòng (CR) giữa một ô không nằm trong ngoặc kép.",
                         "Line {line}: a line break (CR) inside a cell that is not in quotes."),
    "unclosed_quote": ("Dòng {line}: dấu ngoặc kép được mở nhưng không được đóng.", "Line {line}: a quote is opened and never closed."),
    "text_after_quote": ("Dòng {line}: có ký tự ngay sau dấu ngoặc kép đóng.", "Line {line}: text follows a closing quote."),
    "cell_too_long": ("Dòng {line}: một ô quá dài.", "Line {line}: a cell is too long."),
    "extra_cells": ("Dòng {line}: có {cells} ô nhưng chỉ {expected} cột; giá trị có dấu phân cách phải đặt trong ngoặc kép.",
                    "Line {line}: {cells} cells for {expected} columns; a value holding the delimiter must be in quotes."),
    "unreadable_line": ("Dòng {line}: không đọc được.", "Line {line}: cannot be read."),
    "no_rows": ("Tệp không có dòng dữ liệu nào.", "The file has no data rows."),
    "too_many_rows": ("Tệp có quá nhiều dòng (tối đa {limit}).", "Too many rows (at most {limit})."),
}
_CSV_ERRORS = (("new-line character", "stray_line_break"), ("unexpected end of data", "unclosed_quote"),
               ("expected after", "text_after_quote"), ("field larger than", "cell_too_long"))


@dataclass(frozen=True)
class Problem:
    code: str
    line: int | None = None
    values: dict = field(default_factory=dict)

    def text(self, language: int) -> str:
        values = {k: ", ".join(v) if isinstance(v, list) else v for k, v in self.values.items()}
        return PROBLEM_TEXTS[self.code][language].format(line=self.line, **values)

    def as_detail(self) -> dict:
        return {"code": self.code, **({"line": self.line} if self.line else {}), **self.values}


def refuse(problems: list[Problem]) -> Refusal:
    """invalid_csv naming each problem (with its line) in both languages and by code."""
    shown = problems[:MAX_LISTED]
    vi, en = (" ".join(p.text(i) for p in shown) + (" …" if len(problems) > MAX_LISTED else "") for i in (0, 1))
    key = "file" if any(p.line for p in shown) or shown[0].code in ("no_rows", "too_many_rows") else "header"
    return Refusal("invalid_csv", {key: [p.text(1) for p in shown]}, message=(vi, en),
                   detail={"problems": [p.as_detail() for p in shown]})


def column_key(name: str) -> str:
    """A header cell as matched: trimmed, case-folded, inner spaces as `_` ("Full Name" = full_name)."""
    return re.sub(r"\s+", "_", name.replace("\ufeff", "").strip()).casefold()


def csv_rows(text: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    """(line number, row) for each data row of a CSV whose header has the `required` columns;
    row keys are column keys, a missing trailing cell None. The whole file is read first: one
    malformed row refuses it all, before any row is used."""
    lines = split_lines(text)
    delimiter, skipped = _declared(lines)
    lines = lines[skipped:]
    if not any(line.strip() for line in lines):
        raise refuse([Problem("empty_file")])
    delimiter = delimiter or _delimiter_for(lines, required)
    header, rows, problems = None, [], []
    for line, cells in records(lines, delimiter, first_line=1 + skipped):
        if isinstance(cells, Problem) and header is None:
            raise refuse([cells])
        if isinstance(cells, Problem):
            problems.append(cells)
        elif header is None:
            header = _header(cells, required) if any(c.strip() for c in cells) else None
        elif any(c.strip() for c in cells):
            row = _row(line, header, cells)
            if isinstance(row, Problem):
                problems.append(row)
            else:
                rows.append((line, row))
    if problems:
        raise refuse(problems)
    return iter(rows)


def records(lines: list[str], delimiter: str, *, first_line: int = 1) -> Iterator[tuple[int, list[str] | Problem]]:
    """(line a record starts on, its cells) for each record, or a Problem where one is malformed
    (the reader then goes on with the next line)."""
    reader = csv.reader(iter(lines), delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + first_line
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, Problem(next((code for text, code in _CSV_ERRORS if text in str(exc)), "unreadable_line"), start)
            continue
        yield start, cells


def split_lines(text: str) -> list[str]:
    """The file's lines, each with its ending. Only LF ends a line (CRLF too): a lone CR is a
    stray character in a cell, unless the file has no LF at all (old Macintosh CSV)."""
    if "\n" not in text:
        text = text.replace("\r", "\n")
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


def _declared(lines: list[str]) -> tuple[str | None, int]:
    """Excel's `sep=;` first line: the delimiter it names, and one line to skip."""
    first = lines[0].strip() if lines else ""
    return (first[4], 1) if len(first) == 5 and first[:4].lower() == "sep=" else (None, 0)


def _delimiter_for(lines: list[str], required: tuple[str, ...]) -> str:
    """The delimiter whose header names every required column (the most columns if several do,
    or if none does: its missing columns are then refused)."""
    def fit(delimiter: str) -> tuple[bool, int]:
        first = next((cells for _, cells in records(lines, delimiter) if not isinstance(cells, Problem)
                      and any(c.strip() for c in cells)), [])
        keys = {column_key(c) for c in first}
        return all(r in keys for r in required), len(first)
    return max(DELIMITERS, key=fit)


def _header(cells: list[str], required: tuple[str, ...]) -> list[str]:
    header = [column_key(c) for c in cells]
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise refuse([Problem("duplicate_columns", values={"columns": twice})])
    missing = [c for c in required if c not in header]
    if missing:
        raise refuse([Problem("missing_columns", values={"columns": missing})])
    return header


def _row(line: int, header: list[str], cells: list[str]) -> dict | Problem:
    named = len(header)
    if any(c.strip() for c in cells[named:]) or any(not h and c.strip() for h, c in zip(header, cells)):
        return Problem("extra_cells", line, {"cells": len(cells), "expected": sum(1 for h in header if h)})
    return {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(header) if h}


def csv_line(values: Iterable) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([_spreadsheet_safe(v) for v in values])
    return out.getvalue()


def _spreadsheet_safe(value):
    # A cell starting with = + - @ is a formula to a spreadsheet: neutralise it (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value
