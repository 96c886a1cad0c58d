"""The registration service's own tables (the plumbing tables live in forumops_shared)."""
from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
    text,
)

from forumops_shared.db import UtcDateTime
from forumops_shared.signing_keys import signing_key_table

metadata = MetaData()

forums = Table(
    "forums", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", String(100), nullable=False, unique=True),
    Column("titles", Text, nullable=False),  # JSON {"vi": ..., "en": ...}
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("online_url", String(1000), nullable=True),
    Column("languages", String(20), nullable=False),  # "vi,en"
    Column("onsite_checkin", Boolean, nullable=False),
    Column("online_min_minutes", Integer, nullable=False),
    # The certificate rule's hours part (schemas.CertificateRuleSchema); required sessions as JSON [codes].
    Column("min_hours", Float, nullable=True),
    Column("required_sessions", Text, nullable=True),
    Column("hours_step_minutes", Integer, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

points = Table(
    "points", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("forum_id", Integer, ForeignKey("forums.id"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("province", String(100), nullable=False),
    Column("capacity", Integer, nullable=False),
    # Counters kept with the registrations in one transaction. The conditional
    # `confirmed < capacity` update on this row is what makes the last place go to one person.
    Column("confirmed", Integer, nullable=False, server_default="0"),
    Column("waitlisted", Integer, nullable=False, server_default="0"),
    UniqueConstraint("forum_id", "code", name="uq_points_forum_code"),
)

registrations = Table(
    "registrations", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("forum_id", Integer, ForeignKey("forums.id"), nullable=False),
    Column("point_id", Integer, ForeignKey("points.id"), nullable=True),
    Column("attendance", String(10), nullable=False),
    Column("status", String(12), nullable=False),
    Column("language", String(2), nullable=False),
    Column("full_name", String(200), nullable=True),
    Column("email", String(320), nullable=True),
    Column("email_key", String(320), nullable=True),  # casefolded, for "same email" checks
    Column("phone", String(40), nullable=True),
    Column("organisation", String(300), nullable=True),
    Column("role", String(200), nullable=True),
    Column("consent_at", UtcDateTime(), nullable=True),
    Column("consent_version", String(40), nullable=True),
    Column("consent_source", String(40), nullable=True),
    Column("manage_token_hash", String(64), nullable=False, unique=True),
    Column("ticket_code", String(16), nullable=False),
    Column("ticket_version", Integer, nullable=False, server_default="1"),
    Column("waitlisted_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("cancelled_at", UtcDateTime(), nullable=True),
    Column("erased_at", UtcDateTime(), nullable=True),
    # When the erasure was sent the second time, which lets the log's cleaner remove the first
    # (services.lifecycle.send_erasures_again).
    Column("erasure_resent_at", UtcDateTime(), nullable=True),
    UniqueConstraint("forum_id", "ticket_code", name="uq_registrations_ticket_code"),
)
# One active registration per email and forum; after a cancellation the person may register again.
Index("uq_registrations_active_email", registrations.c.forum_id, registrations.c.email_key, unique=True,
      sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'"))
Index("ix_registrations_waitlist", registrations.c.point_id, registrations.c.status,
      registrations.c.waitlisted_at, registrations.c.seq)
Index("ix_registrations_listing", registrations.c.forum_id, registrations.c.status, registrations.c.seq)

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("scope", String(120), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("registration_id", String(36), nullable=True),
    Column("status_code", Integer, nullable=True),
    Column("response_body", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)
Index("ix_idempotency_created", idempotency_keys.c.created_at)

ticket_keys = signing_key_table("ticket_keys", metadata)  # signs tickets; see forumops_shared.signing_keys

# A forum's programme. Sessions with `signup` deal their places as points do: the conditional
# `confirmed < capacity` update on the session's row gives the last place to one person.
sessions = Table(
    "sessions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("forum_id", Integer, ForeignKey("forums.id"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("titles", Text, nullable=False),  # JSON {"vi": ..., "en": ...}
    Column("kind", String(20), nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("points", Text, nullable=True),  # JSON [codes]; NULL: at every point
    Column("online_url", String(1000), nullable=True),
    Column("capacity", Integer, nullable=True),  # NULL: no limit
    Column("signup", Boolean, nullable=False),
    Column("walk_in", String(10), nullable=False),
    Column("confirmed", Integer, nullable=False, server_default="0"),
    Column("waitlisted", Integer, nullable=False, server_default="0"),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("forum_id", "code", name="uq_sessions_forum_code"),
)

session_signups = Table(
    "session_signups", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False),
    Column("registration_id", String(36), ForeignKey("registrations.id"), nullable=False),
    Column("status", String(12), nullable=False),  # confirmed | waitlisted
    Column("waitlisted_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("session_id", "registration_id", name="uq_session_signups_once"),
)
Index("ix_session_signups_waitlist", session_signups.c.session_id, session_signups.c.status, session_signups.c.seq)
Index("ix_session_signups_registration", session_signups.c.registration_id)

# An organiser's message to a chosen group; each recipient's copy is a row of the mail outbox
# keyed "announcement:<id>:<registration id>", where its progress is read.
announcements = Table(
    "announcements", metadata,
    Column("id", String(32), primary_key=True),
    Column("forum_id", Integer, ForeignKey("forums.id"), nullable=False, index=True),
    Column("subjects", Text, nullable=False),  # JSON {"vi": ..., "en": ...}
    Column("bodies", Text, nullable=False),  # JSON {"vi": ..., "en": ...}
    Column("audience", Text, nullable=False),  # JSON: the filters it was sent with
    Column("recipients", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)
