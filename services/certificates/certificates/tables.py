"""The certificates service's own tables: a projection of forums, people and attendance, and the
certificates themselves."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text, false

from forumops_shared.db import UtcDateTime
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
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("onsite_checkin", Boolean, nullable=False),
    Column("online_min_minutes", Integer, nullable=False),
    # The hours rule (domain/rules.py): min_hours as a decimal's text, required session codes as JSON.
    Column("min_hours", String(20), nullable=True),
    Column("required_sessions", Text, nullable=True),
    Column("hours_step_minutes", Integer, nullable=True),
    # The programme as JSON [{code, title {vi, en}, kind, starts_at, ends_at}]: titles and lengths.
    Column("sessions", Text, nullable=True),
    Column("published_at", UtcDateTime(), nullable=False),
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
    Column("email", String(320), nullable=True),  # where the certificate is sent; erased on request
    Column("organisation", String(500), nullable=True),
    Column("manage_token_hash", String(64), nullable=True, index=True),  # the holder's downloads
    Column("erased", Boolean, nullable=False, server_default=false()),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# -- projection of checkin.attendance.v1 (may arrive before the registration it refers to) -------

attendance = Table(
    "attendance", metadata,
    Column("registration_id", String(36), primary_key=True),
    Column("forum", String(100), nullable=False, index=True),
    Column("onsite_at", UtcDateTime(), nullable=True),  # the first on-site check-in (accepted or forced)
    Column("online_joined_at", UtcDateTime(), nullable=True),
    Column("online_minutes", Integer, nullable=False, server_default="0"),
    # checkin.hours-recorded.v1, the latest by its recorded_at: JSON [{code, minutes}] and their total.
    Column("sessions", Text, nullable=True),
    Column("minutes", Integer, nullable=False, server_default="0"),
    Column("hours_recorded_at", UtcDateTime(), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# -- projection of awards.results.v1: the programmes whose winners hold award certificates -------

programmes = Table(
    "programmes", metadata,
    Column("slug", String(100), primary_key=True),
    Column("titles", Text, nullable=False),  # JSON {vi, en}: what its certificates print
    Column("forum", String(100), nullable=True),  # where its awards are given, if anywhere
    # The latest results applied: an older version arriving late changes nothing.
    Column("version", Integer, nullable=False),
    Column("published_at", UtcDateTime(), nullable=False),
)

# -- certificates --------------------------------------------------------------------------------

certificates = Table(
    "certificates", metadata,
    Column("serial", String(20), primary_key=True),
    Column("kind", String(12), nullable=False),  # attendance | award
    Column("forum", String(100), nullable=False, index=True),
    # One valid attendance certificate per registration (the index below); more only by re-issue.
    Column("registration_id", String(36), nullable=True, index=True),
    # An award's id is derived from forum, category and recipient: a re-uploaded list finds it again.
    Column("award_id", String(64), nullable=True, unique=True),
    Column("category", Text, nullable=True),  # an award's category, JSON {vi, en}
    Column("recipient_kind", String(8), nullable=True),  # an award's recipient: unit | person
    Column("award_ref", String(100), nullable=True),  # the organiser's own id for the recipient (application id)
    Column("programme", String(100), nullable=True),  # the awards programme whose results issued it
    Column("mode", String(10), nullable=True),  # onsite | online, for attendance
    Column("recipient_name", String(300), nullable=True),  # erased with the person
    Column("organisation", String(500), nullable=True),
    Column("language", String(2), nullable=False),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
    Column("revoke_reason", String(1000), nullable=True),
    # What an attendance certificate under the hours rule states: JSON [{code, title {vi, en},
    # minutes}] of the sessions attended, and the total as printed (a decimal's text).
    Column("sessions", Text, nullable=True),
    Column("hours", String(20), nullable=True),
    # The certificate this one was issued in place of (revoked when the hours it stated changed).
    Column("replaces", String(20), nullable=True, index=True),
)

# A registration holds one valid attendance certificate at most: a re-issue revokes the old one
# before it inserts the new, and two workers re-issuing at once cannot both succeed.
_VALID_OF_REGISTRATION = certificates.c.registration_id.isnot(None) & certificates.c.revoked_at.is_(None)
Index("certificates_one_valid_per_registration", certificates.c.registration_id, unique=True,
      sqlite_where=_VALID_OF_REGISTRATION, postgresql_where=_VALID_OF_REGISTRATION)

# A programme's winner holds one valid certificate at most, however often its results arrive:
# a correction revokes the old one before it issues another.
_VALID_OF_PROGRAMME = certificates.c.programme.isnot(None) & certificates.c.revoked_at.is_(None)
Index("certificates_one_valid_per_winner", certificates.c.programme, certificates.c.award_ref, unique=True,
      sqlite_where=_VALID_OF_PROGRAMME, postgresql_where=_VALID_OF_PROGRAMME)

# Rendered PDFs, kept until the certificate changes: `digest` covers everything printed, so a
# stale file is never served; revocation and erasure delete the row in their own transaction.
certificate_pdfs = Table(
    "certificate_pdfs", metadata,
    Column("serial", String(20), ForeignKey("certificates.serial", ondelete="CASCADE"), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("rendered_at", UtcDateTime(), nullable=False),
)
