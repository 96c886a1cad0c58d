"""The moments a forum can have: one rule for every date and time the services take."""
from __future__ import annotations

from datetime import datetime, timezone

# A forum happens in these years: a date far outside can be no forum's and cannot be moved to every
# timezone (year 1 in UTC+1, year 9999 in UTC-1 overflow), which pages and tables must do.
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


OUT_OF_RANGE = "Must be between 2000 and 2100."


def moment_problem(moment: datetime) -> str | None:
    """Why `moment` (with its offset) is no moment a forum can have, or None. Within these years it
    moves to any timezone; year 1 at UTC+1 cannot even be moved to UTC."""
    try:
        utc = moment.astimezone(timezone.utc)
    except OverflowError:
        return OUT_OF_RANGE
    return None if EARLIEST <= utc <= LATEST else OUT_OF_RANGE
