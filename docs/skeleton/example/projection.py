"""Events of other services the example keeps a copy of: none yet.

To consume, map an event type (forumops_shared.events.registry) to a handler
`handler(conn, event)`: it runs in the consumer's transaction, once per event id, and must store
what it learns whatever order events arrive in. The worker then reads the topics those types
travel on, and /metrics reports its lag.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forumops_shared.consumer import Handler

HANDLERS: dict[str, Handler] = {}
