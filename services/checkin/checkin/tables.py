"""The check-in service's own tables. The projection mirrors what registration publishes."""
from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, Index, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text,
    UniqueConstraint, false,
)

from forumops_shared.db import UtcDateTime

metadata = MetaData()

# -- projection of registration.forums.v1 (latest state per forum) -----------------------------

forums = Table(
    "forums", metadata,
    Column("slug", String(100), primary_key=True),
    Column("titles", Text, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("online_url", String(1000), nullable=True),
    Column("onsite_checkin", Boolean, nullable=False),
    Column("online_min_minutes", Integer, nullable=False),
    Column("published_at", UtcDateTime(), nullable=False),
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

# The forum's programme (forum-published's `sessions`), replaced whole on every publication.
sessions = Table(
    "sessions", metadata,
    Column("forum", String(100), nullable=False),
    Column("code", String(64), nullable=False),
    Column("titles", Text, nullable=False),  # JSON {vi, en}
    Column("kind", String(12), nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("points", Text, nullable=True),  # JSON list of point codes; NULL: every point
    Column("online", Boolean, nullable=False),  # has an online meeting
    Column("signup", Boolean, nullable=False),
    Column("walk_in", String(6), nullable=False),  # admit | refuse: a person with no sign-up at the door
    PrimaryKeyConstraint("forum", "code"),
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
    Column("manage_token_hash", String(64), nullable=True, index=True),  # the participant's online join
    Column("ticket_code", String(16), nullable=False),
    Column("ticket_version", Integer, nullable=False),
    Column("erased", Boolean, nullable=False, server_default="0"),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_registrations_forum_ticket_code", "forum", "ticket_code"),  # typed codes at the door
)

# The sessions each registration holds a confirmed sign-up for (the events' `sessions`).
signups = Table(
    "signups", metadata,
    Column("registration_id", String(36), nullable=False),
    Column("session", String(64), nullable=False),
    PrimaryKeyConstraint("registration_id", "session"),
)

# -- this service's own facts ------------------------------------------------------------------

devices = Table(
    "devices", metadata,
    Column("id", String(32), primary_key=True),
    Column("forum", String(100), nullable=False),
    Column("point", String(64), nullable=False),
    Column("label", String(200), nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
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
    Column("scanned_at", UtcDateTime(), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("offline", Boolean, nullable=False, server_default=false()),  # uploaded in a batch
    # An offline door let the person in although the service refuses the ticket: kept, flagged.
    Column("forced", Boolean, nullable=False, server_default=false()),
    Column("session", String(64), nullable=True),  # the session the scan was for; NULL: none
    Column("not_signed_up", Boolean, nullable=False, server_default=false()),  # admitted as a walk-in
    Column("direction", String(3), nullable=False, server_default="in"),  # in | out (a check-out)
    UniqueConstraint("device_id", "scan_id", name="uq_scans_device_scan"),
    Index("ix_scans_registration_id", "registration_id"),  # a person's scans, for their hours
)

# One admission per person: the primary key makes the second of two simultaneous scans lose.
checkins = Table(
    "checkins", metadata,
    Column("registration_id", String(36), primary_key=True),
    Column("forum", String(100), nullable=False),
    Column("mode", String(10), nullable=False, server_default="onsite"),  # onsite | online
    Column("point", String(64), nullable=True),  # the door's point; none for online joins
    Column("device_id", String(32), nullable=True),
    Column("scan", Integer, nullable=True),
    Column("forced", Boolean, nullable=False, server_default=false()),
    Column("checked_in_at", UtcDateTime(), nullable=False),
)

# One admission per person and session, as `checkins` is per person: the arrival stays there.
session_checkins = Table(
    "session_checkins", metadata,
    Column("registration_id", String(36), nullable=False),
    Column("session", String(64), nullable=False),
    Column("forum", String(100), nullable=False),
    Column("point", String(64), nullable=False),
    Column("scan", Integer, nullable=False),
    Column("checked_in_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("registration_id", "session"),
    Index("ix_session_checkins_forum_session", "forum", "session"),
)

# The same person admitted at a second point by an offline door: kept and listed for organisers.
conflicts = Table(
    "conflicts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("forum", String(100), nullable=False, index=True),
    Column("registration_id", String(36), nullable=False),
    Column("scan", Integer, nullable=False, unique=True),  # the later admission
    Column("point", String(64), nullable=False),
    Column("scanned_at", UtcDateTime(), nullable=False),
    Column("first_point", String(64), nullable=True),
    Column("first_at", UtcDateTime(), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

# -- online attendance -------------------------------------------------------------------------

# Each join..leave span from a meeting tool's report; a re-imported report adds nothing.
attendance_spans = Table(
    "attendance_spans", metadata,
    Column("registration_id", String(36), nullable=False),
    Column("joined_at", UtcDateTime(), nullable=False),
    Column("left_at", UtcDateTime(), nullable=False),
    Column("session", String(64), nullable=True),  # the report's session (named or matched); NULL: none
    PrimaryKeyConstraint("registration_id", "joined_at", "left_at"),
)

# Minutes present (overlapping spans merged), as last announced.
online_attendance = Table(
    "online_attendance", metadata,
    Column("registration_id", String(36), primary_key=True),
    Column("forum", String(100), nullable=False, index=True),
    Column("minutes", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Each person's hours as last published in checkin.hours-recorded.v1 (a change is published anew).
hours = Table(
    "hours", metadata,
    Column("registration_id", String(36), primary_key=True),
    Column("forum", String(100), nullable=False, index=True),
    Column("sessions", Text, nullable=False),  # JSON {code: minutes}, the sessions with a minute or more
    Column("minutes", Integer, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

# People whose hours are to be worked out again, and when: the worker's chore (services/hours.py)
# takes each mark once `due_at` has passed, so that a scan at the door does not wait for it. An
# admission is due when the session it was into ends (domain/scans.hours_settle_at), a check-out
# at once; one person may wait for several ends.
hours_due = Table(
    "hours_due", metadata,
    Column("registration_id", String(36), nullable=False),
    Column("due_at", UtcDateTime(), nullable=False, index=True),
    Column("forum", String(100), nullable=False),
    PrimaryKeyConstraint("registration_id", "due_at"),
)

# -- live counts, kept in the transactions that change them (stats never scan registrations) ----

ONLINE = ""  # the `point` of the online row: people attending online
point_counts = Table(
    "point_counts", metadata,
    Column("forum", String(100), nullable=False),
    Column("point", String(64), nullable=False),
    Column("registered", Integer, nullable=False, server_default="0"),  # confirmed
    Column("waitlisted", Integer, nullable=False, server_default="0"),
    Column("arrived", Integer, nullable=False, server_default="0"),  # checked in here (or joined online)
    PrimaryKeyConstraint("forum", "point"),
)
