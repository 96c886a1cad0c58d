"""Feeding events to a service's handlers the way its worker's consumer does: each id once."""
from __future__ import annotations

import itertools

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

    def apply_in_runs(self, events) -> None:
        """Apply them as the consumer does when they arrive together: consecutive events of a
        handler that takes many at once (handlers.in_batches) in one call, the others alone."""
        wanted = [e for e in events if takes(self.handlers.get(e.type), e) and e.id not in self.applied]
        for handler, run in itertools.groupby(wanted, key=lambda e: self.handlers[e.type]):
            run = list(run)
            many = getattr(handler, "many", None)
            if many is None:
                self.apply(run)
                continue
            with write_transaction(self.engine) as conn:
                many(conn, run)
            self.applied.update(e.id for e in run)
