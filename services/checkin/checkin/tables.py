"""The check-in service's own tables. The projection mirrors what registration publishes."""
from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, DateTime, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text,
    UniqueConstraint,
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

# -- this service's own facts ------------------------------------------------------------------

devices = Table(
    "devices", metadata,
    Column("id", String(32), primary_key=True),
    Column("forum", String(100), nullable=False),
    Column("point", String(64), nullable=False),
    Column("label", String(200), nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

scans = Table(
    "scans", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("device_id", String(32), nullable=False),
    Column("scan_id", String(100), nullable=False),  # the scanner's own id: a retry counts once
    Column("forum", String(100), nullable=False),
    Column("point", String(64), nullable=False),
    Column("registration_id", String(36), nullable=True),
    Column("outcome", String(10), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("known_to_checkin", Boolean, nullable=False),
    Column("scanned_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("device_id", "scan_id", name="uq_scans_device_scan"),
)

# One admission per person: the primary key makes the second of two simultaneous scans lose.
checkins = Table(
    "checkins", metadata,
    Column("registration_id", String(36), primary_key=True),
    Column("forum", String(100), nullable=False),
    Column("point", String(64), nullable=False),
    Column("device_id", String(32), nullable=False),
    Column("scan", Integer, nullable=False),
    Column("checked_in_at", DateTime(timezone=True), nullable=False),
)
