"""The certificates service's own tables: a projection of forums, people and attendance, and the
certificates themselves."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, false

from forumops_shared.signing_keys import signing_key_table

metadata = MetaData()

# Signs the verification documents; public keys at /.well-known/forumops-certificate-keys.json.
signing_keys = signing_key_table("signing_keys", metadata)

# -- projection of registration.forums.v1 -------------------------------------------------------

forums = Table(
    "forums", metadata,
    Column("slug", String(100), primary_key=True),
    Column("titles", Text, nullable=False),  # JSON {vi, en}
    Column("timezone", String(64), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("onsite_checkin", Boolean, nullable=False),
    Column("online_min_minutes", Integer, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

# -- projection of registration.registrations.v1: who the certificate names ----------------------

registrations = Table(
    "registrations", metadata,
    Column("id", String(36), primary_key=True),
    Column("forum", String(100), nullable=False, index=True),
    Column("status", String(12), nullable=False),
    Column("attendance", String(10), nullable=False),
    Column("point", String(64), nullable=True),
    Column("language", String(2), nullable=False),
    Column("full_name", String(200), nullable=True),  # exactly as registered (NFC); erased on request
    Column("organisation", String(500), nullable=True),
    Column("manage_token_hash", String(64), nullable=True, index=True),  # the holder's downloads
    Column("erased", Boolean, nullable=False, server_default=false()),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# -- projection of checkin.attendance.v1 (may arrive before the registration it refers to) -------

attendance = Table(
    "attendance", metadata,
    Column("registration_id", String(36), primary_key=True),
    Column("forum", String(100), nullable=False, index=True),
    Column("onsite_at", DateTime(timezone=True), nullable=True),  # the first on-site check-in (accepted or forced)
    Column("online_joined_at", DateTime(timezone=True), nullable=True),
    Column("online_minutes", Integer, nullable=False, server_default="0"),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# -- certificates --------------------------------------------------------------------------------

certificates = Table(
    "certificates", metadata,
    Column("serial", String(20), primary_key=True),
    Column("kind", String(12), nullable=False),  # attendance | award
    Column("forum", String(100), nullable=False, index=True),
    # One attendance certificate per registration: the unique key makes a second issue impossible.
    Column("registration_id", String(36), nullable=True, unique=True),
    Column("award_id", String(64), nullable=True, unique=True),
    Column("mode", String(10), nullable=True),  # onsite | online, for attendance
    Column("recipient_name", String(300), nullable=True),  # erased with the person
    Column("organisation", String(500), nullable=True),
    Column("language", String(2), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("revoke_reason", String(1000), nullable=True),
)
