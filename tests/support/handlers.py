"""Feeding events to a service's handlers the way its worker's consumer does: each id once."""
from __future__ import annotations

from forumops_shared.handlers import takes
from forumops_shared.db import write_transaction


class HandlerFeed:
    def __init__(self, engine, handlers):
        self.engine, self.handlers, self.applied = engine, handlers, set()

    def apply(self, events, *, again: bool = False) -> None:
        """Apply the events the service handles, in this order, each in its own transaction;
        `again` runs them even if applied before (a consumer that lost its record of them)."""
        for event in events:
            if takes(self.handlers.get(event.type), event) and (again or event.id not in self.applied):
                with write_transaction(self.engine) as conn:
                    self.handlers[event.type](conn, event)
                self.applied.add(event.id)
