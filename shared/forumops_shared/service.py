"""What a ForumOps service is, declared once in its `<package>/service.py`.

The shared package builds everything else from that declaration: the worker (outbox relay,
consumer of the topics its handlers need, chores), the migrations (the plumbing tables, then
the service's own revisions) and the common parts of its HTTP app. See docs/services.md.
"""
from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from sqlalchemy import Engine, MetaData

from .events import event_type
from .handlers import Handler
from .refusals import Reason


@dataclass(frozen=True)
class Chore:
    """A small job the worker runs every `every_s` seconds, such as purging expired rows."""

    every_s: float
    job: Callable[[Engine], object]


@dataclass(frozen=True)
class Service:
    name: str  # its settings come from <NAME>_* variables; its group, DLQ and database are named after it
    metadata: MetaData  # its own tables (the plumbing tables come from forumops_shared)
    migrations: Path  # the folder of its Alembic revisions
    reasons: Mapping[str, Reason]  # what its API refuses with, and in which words
    handlers: Mapping[str, Handler] = field(default_factory=dict)  # its projection: event type -> handler
    chores: tuple[Chore, ...] = ()
    # What it writes for each kind of message its use cases queue (forumops_shared.mail); a
    # service that sends no mail has none, and its worker sends nothing.
    mail: Callable | None = None

    @property
    def consumes(self) -> list[str]:
        """The topics its worker reads: those its handlers' event types travel on."""
        return sorted({event_type(name).topic for name in self.handlers})


def load_service(name: str) -> Service:
    """The declaration in `<name>/service.py`."""
    return importlib.import_module(f"{name}.service").SERVICE


def service_named_on_command_line(program: str, argv: list[str] | None = None) -> Service:
    """The service `python -m <program> <service>` names."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit(f"usage: python -m {program} <service>")
    return load_service(args[0])
