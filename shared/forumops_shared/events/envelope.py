"""CloudEvents 1.0 JSON envelope: build, encode, decode and validate."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .registry import event_type


class PoisonMessage(Exception):
    """A message that can never be processed as it is: it belongs in the dead-letter topic."""


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    source: str
    subject: str
    time: datetime
    data: dict[str, Any]

    @property
    def topic(self) -> str:
        return event_type(self.type).topic


class EnvelopeSchema(Schema):
    """The CloudEvents attributes we require; unknown attributes (extensions) are ignored."""

    class Meta:
        unknown = EXCLUDE

    specversion = fields.String(required=True, validate=validate.Equal("1.0"))
    id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    source = fields.String(required=True, validate=validate.Length(min=1))
    type = fields.String(required=True, validate=validate.Length(min=1))
    time = fields.AwareDateTime(required=True)
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    datacontenttype = fields.String(required=True, validate=validate.Equal("application/json"))
    data = fields.Dict(required=True)


_ENVELOPE = EnvelopeSchema()


def new_event(type_: str, subject: str, data: dict[str, Any], *, source: str,
              event_id: str | None = None, at: datetime | None = None) -> Event:
    """Build an event, refusing data that does not match the type's schema. `event_id` and `at`
    rebuild an event already sent (consumers recognise it by its id); a new one gets its own."""
    spec = event_type(type_)
    errors = spec.schema.validate(data)
    if errors:
        raise ValueError(f"{type_} data does not match its schema: {errors}")
    return Event(event_id or str(uuid.uuid4()), type_, source, subject, at or datetime.now(timezone.utc), data)


_SHAPES_CHECKED: set[tuple[str, str]] = set()


def new_events(type_: str, items: list[tuple[str, dict[str, Any]]], *, source: str,
               shape: str | None = None) -> list[Event]:
    """Many events of one type built by one piece of code (a bulk upload, a hot path).

    Validating each would cost more than the rest of the work, so the first is checked against
    the schema as `new_event` does and the rest share its construction; with `shape` (a name
    for the code that builds them) only the first of the process is. Consumers validate every
    event they read, and the tests decode every event a service stages."""
    if items and (shape is None or (type_, shape) not in _SHAPES_CHECKED):
        new_event(type_, *items[0], source=source)
        if shape is not None:
            _SHAPES_CHECKED.add((type_, shape))
    now = datetime.now(timezone.utc)
    return [Event(str(uuid.uuid4()), type_, source, subject, now, data) for subject, data in items]


def encode_event(event: Event) -> bytes:
    envelope = {
        "specversion": "1.0",
        "id": event.id,
        "source": event.source,
        "type": event.type,
        "time": event.time.isoformat().replace("+00:00", "Z"),
        "subject": event.subject,
        "datacontenttype": "application/json",
        "data": event.data,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def decode_event(raw: bytes | None, *, topic: str) -> Event:
    """Decode and validate a message read from `topic` (the unprefixed name).

    Raises PoisonMessage for anything that retrying cannot fix: bytes that are not JSON, an
    invalid envelope, a type not declared for this topic, or data that fails its schema.
    """
    if raw is None:
        raise PoisonMessage("message has no value")
    try:
        envelope = _ENVELOPE.load(json.loads(raw))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PoisonMessage(f"undecodable message: {exc}") from exc
    except ValidationError as exc:
        raise PoisonMessage(f"invalid envelope: {exc.messages}") from exc
    try:
        spec = event_type(envelope["type"])
    except KeyError as exc:
        raise PoisonMessage(f"unknown event type {envelope['type']!r}") from exc
    if spec.topic != topic:
        raise PoisonMessage(f"event type {spec.name} does not belong on topic {topic}")
    try:
        data = spec.schema.load(envelope["data"])
    except ValidationError as exc:
        raise PoisonMessage(f"invalid {spec.name} data: {exc.messages}") from exc
    return Event(envelope["id"], spec.name, envelope["source"], envelope["subject"],
                 envelope["time"], data)
