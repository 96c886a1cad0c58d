"""The check-in service's own tables. The projection mirrors what registration publishes."""
from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, DateTime, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text,
)

metadata = MetaData()

# -- projection of registration.forums.v1 (latest state per forum) -----------------------------

forums = Table(
    "forums", metadata,
    Column("slug", String(100), primary_key=True),
    Column("titles", Text, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("online_url", String(1000), nullable=True),
    Column("onsite_checkin", Boolean, nullable=False),
    Column("online_min_minutes", Integer, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

points = Table(
    "points", metadata,
    Column("forum", String(100), nullable=False),
    Column("code", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("province", String(100), nullable=False),
    Column("capacity", Integer, nullable=False),
    PrimaryKeyConstraint("forum", "code"),
)

ticket_keys = Table(
    "ticket_keys", metadata,
    Column("forum", String(100), nullable=False),
    Column("kid", String(32), nullable=False),
    Column("public_key", String(64), nullable=False),
    PrimaryKeyConstraint("forum", "kid"),
)

# -- projection of registration.registrations.v1 (latest state per registration) ---------------

registrations = Table(
    "registrations", metadata,
    Column("id", String(36), primary_key=True),
    Column("forum", String(100), nullable=False, index=True),
    Column("status", String(12), nullable=False),
    Column("attendance", String(10), nullable=False),
    Column("point", String(64), nullable=True),
    Column("language", String(2), nullable=False),
    Column("full_name", String(200), nullable=True),  # shown to staff at the door; erased on request
    Column("email_key", String(320), nullable=True, index=True),  # matches attendance reports
    Column("ticket_code", String(16), nullable=False),
    Column("ticket_version", Integer, nullable=False),
    Column("erased", Boolean, nullable=False, server_default="0"),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
