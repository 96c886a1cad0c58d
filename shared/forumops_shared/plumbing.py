"""Tables every service carries for the outbox, consumer deduplication and relay leadership."""
from __future__ import annotations

from sqlalchemy import (
    BigInteger, Column, Float, Index, Integer, MetaData, String, Text, Table, text,
)

from .db import UtcDateTime

metadata = MetaData()

outbox = Table(
    "outbox", metadata,
    # Autoincrement order is publish order; rows of one aggregate are written under that
    # aggregate's row lock, so for one key this order is also commit order.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("topic", String(200), nullable=False),
    Column("key", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=True),
)
Index("ix_outbox_pending", outbox.c.id,
      postgresql_where=text("published_at IS NULL"), sqlite_where=text("published_at IS NULL"))
Index("ix_outbox_published_at", outbox.c.published_at)

processed_events = Table(
    "processed_events", metadata,
    Column("consumer", String(200), primary_key=True),
    Column("event_id", String(128), primary_key=True),
    Column("processed_at", UtcDateTime(), nullable=False),
)

leases = Table(
    "leases", metadata,
    Column("name", String(100), primary_key=True),
    Column("owner", String(200), nullable=False),
    Column("expires_at", Float, nullable=False),
)


def create_plumbing_v1(op) -> None:
    """Alembic step creating the plumbing tables as defined above.

    When these definitions change, freeze this function's tables as a copy and add a new step,
    so that old migrations keep describing old schemas.
    """
    metadata.create_all(op.get_bind(), tables=[outbox, processed_events, leases])


def drop_plumbing_v1(op) -> None:
    metadata.drop_all(op.get_bind(), tables=[outbox, processed_events, leases])
