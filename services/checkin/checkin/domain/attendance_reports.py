"""Reading the attendance reports Zoom and Microsoft Teams export, as they export them.

Both give one row per join (a rejoin is another row) with the join and leave time and the
participant's email:

- Zoom (Reports > Usage > Participants): comma-separated UTF-8; with "Export with meeting
  data" a meeting block (Meeting ID, Topic, ...) and a blank line come first; the participant
  table has `Name (Original Name), User Email, Join Time, Leave Time, Duration (Minutes), Guest`
  (newer exports: `Email`, `Join time`, ...).
- Teams (meeting > Attendance > Download): UTF-16 with a BOM, tab-separated, in sections
  "1. Summary", "2. Participants" (first join, last leave) and "3. In-Meeting Activities"
  (`Name, Join Time, Leave Time, Duration, Email, Role`): the last one has every join.

Times carry no zone: they are read in the forum's timezone (the organiser exports in it).
Dates are month-first as both tools write them in English; `day_first` reads 23/11/2026.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from forumops_shared.csvfiles import DELIMITERS, Problem, records, refuse, split_lines
from forumops_shared.normalise import email_key
from forumops_shared.moments import moment_problem
from forumops_shared.refusals import Refusal
from forumops_shared.textfiles import decode_text

_TIME_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
                 "%m/%d/%y %I:%M:%S %p", "%m/%d/%y %I:%M %p", "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M")


@dataclass(frozen=True)
class Join:
    row: int  # the line in the file, for the report
    email: str | None  # as written; None when the tool gave none (a guest)
    joined_at: datetime | None  # None when unreadable
    left_at: datetime | None


@dataclass(frozen=True)
class Report:
    format: str  # zoom | teams
    joins: list[Join]


def read_report(raw: bytes, tz: str, *, day_first: bool = False) -> Report:
    """Every join row of a Zoom or Teams report; refuses a file with no join table, or one whose
    table has a malformed row (named by its line). Comma, semicolon (re-saved by Excel on a
    Vietnamese Windows) or tab; UTF-8, UTF-16 or Windows-1258 (textfiles.decode_text)."""
    text = decode_text(raw)
    lines = split_lines(text)
    index, delimiter, header = _join_table(lines)
    email_at = next((i for i, h in enumerate(header) if h in ("email", "user email", "participant email")), None)
    if email_at is None:
        raise Refusal("invalid_csv", {"file": [_NO_EMAIL[1]]}, message=_NO_EMAIL,
                      detail={"problems": [{"code": "no_email_column", "line": index + 1}]})
    join_at, leave_at = header.index("join time"), header.index("leave time")
    teams = delimiter == "\t" or "in-meeting activities" in text.lower()
    zone, joins, problems = ZoneInfo(tz), [], []
    for line, cells in records(lines[index + 1:], delimiter, first_line=index + 2):
        if isinstance(cells, Problem):
            problems.append(cells)
            continue
        if not any(c.strip() for c in cells) or _is_section(cells):
            break  # the table ends at a blank line or the next section
        cells += [""] * (len(header) - len(cells))
        joins.append(Join(line, cells[email_at].strip() or None,
                          _time(cells[join_at], zone, day_first), _time(cells[leave_at], zone, day_first)))
    if problems:
        raise refuse(problems)
    return Report("teams" if teams else "zoom", joins)


def _join_table(lines: list[str]) -> tuple[int, str, list[str]]:
    """The line index, delimiter and labels of the first line naming Join Time and Leave Time."""
    for index, line in enumerate(lines):
        for delimiter in DELIMITERS:
            _, cells = next(records([line], delimiter), (0, []))
            header = [] if isinstance(cells, Problem) else [_label(cell) for cell in cells]
            if "join time" in header and "leave time" in header:
                return index, delimiter, header
    raise Refusal("invalid_csv", {"file": [_NO_TABLE[1]]}, message=_NO_TABLE,
                  detail={"problems": [{"code": "no_join_table"}]})


_NO_TABLE = ("Không thấy bảng có cột Join Time và Leave Time (báo cáo tham dự Zoom hoặc Teams).",
             "No table with Join Time and Leave Time columns (a Zoom or Teams attendance report).")
_NO_EMAIL = ("Bảng tham dự không có cột email.", "The join table has no email column.")


def _label(cell: str) -> str:
    return re.sub(r"\s+", " ", cell.strip().lower())


def _is_section(cells: list[str]) -> bool:
    return bool(re.match(r"^\d+\.\s+\S", cells[0].strip())) and not any(c.strip() for c in cells[1:])


def _time(text: str, zone: ZoneInfo, day_first: bool) -> datetime | None:
    """The moment `text` names, or None when it names none a forum can have (moment_problem)."""
    moment = _parsed_time(text, zone, day_first)
    return None if moment is None or moment_problem(moment) else moment


def _parsed_time(text: str, zone: ZoneInfo, day_first: bool) -> datetime | None:
    text = re.sub(r"\s+", " ", text.replace(",", " ")).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    except ValueError:
        pass
    for pattern in _TIME_FORMATS:
        if day_first:
            pattern = pattern.replace("%m/%d", "%d/%m")
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=zone)
        except ValueError:
            continue
    return None


def merged_seconds(spans: list[tuple[datetime, datetime]]) -> int:
    """Seconds covered by `spans`, overlapping ones counted once."""
    total, end = 0.0, None
    for start, stop in sorted(spans):
        if end is None or start > end:
            total += (stop - start).total_seconds()
            end = stop
        elif stop > end:
            total += (stop - end).total_seconds()
            end = stop
    return int(total)


def email_of(join: Join) -> str | None:
    return email_key(join.email) if join.email else None
