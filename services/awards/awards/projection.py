"""Events of other services awards keeps a copy of: none yet (see docs/skeleton/example/projection.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forumops_shared.consumer import Handler

HANDLERS: dict[str, Handler] = {}
