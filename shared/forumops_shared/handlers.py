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


def in_batches(many: Callable[[Connection, list[Event]], None]) -> Callable[[Handler], Handler]:
    """Marks a handler that also takes many events at once: `many(conn, events)` must do what
    calling the handler on each, in order, does. The consumer hands it the new events among
    consecutive ones of its type (ids already applied left out), in one savepoint; should it
    fail, each is applied alone. A statement per event, with its savepoint and processed-event
    row, cost certificates' worker more than the rest of a check-in's handling on PostgreSQL."""
    def mark(handler: Handler) -> Handler:
        handler.many = many
        return handler
    return mark


def takes(handler: Handler | None, event: Event) -> bool:
    """Whether `handler` exists and takes `event` (see wants)."""
    return handler is not None and getattr(handler, "applies", lambda _event: True)(event)
