"""Registration's projection of other services' events: none. Registration owns its data and
consumes nothing; its worker relays the outbox and purges expired idempotency answers."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forumops_shared.consumer import Handler

HANDLERS: dict[str, Handler] = {}
