"""Event contracts: the CloudEvents envelope and the data schema of every v1 event type."""
from .envelope import Event, PoisonMessage, decode_event, encode_event, new_event, new_events
from .registry import EVENT_TYPES, EventType, event_type

__all__ = [
    "EVENT_TYPES", "Event", "EventType", "PoisonMessage",
    "decode_event", "encode_event", "event_type", "new_event", "new_events",
]
