"""When a notice shows."""
from __future__ import annotations

from datetime import datetime


def shows(visible_from: datetime, now: datetime) -> bool:
    """A notice shows from its time on; one posted without a time shows at once."""
    return visible_from <= now
