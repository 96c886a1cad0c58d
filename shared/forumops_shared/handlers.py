"""A service's handlers of other services' events: what a consumer calls, once per event id,
inside its transaction (consumer.ConsumerRunner)."""
from __future__ import annotations

from typing import Callable

from sqlalchemy.engine import Connection

from .events import Event

Handler = Callable[[Connection, Event], None]


def wants(applies: Callable[[Event], bool]) -> Callable[[Handler], Handler]:
    """Marks a handler that takes only some events of its type: the consumer ignores the others
    as it ignores a type it has no handler for, before any database work (no savepoint, no
    processed-event row). Awards reads the certificates topic for award certificates only, and
    opening a savepoint for every attendance certificate cost it a millisecond each."""
    def mark(handler: Handler) -> Handler:
        handler.applies = applies
        return handler
    return mark


def takes(handler: Handler | None, event: Event) -> bool:
    """Whether `handler` exists and takes `event` (see wants)."""
    return handler is not None and getattr(handler, "applies", lambda _event: True)(event)
