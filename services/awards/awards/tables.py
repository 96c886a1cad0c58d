"""The awards service's tables (its migrations in migrations/ create them)."""
from __future__ import annotations

from sqlalchemy import (Boolean, Column, ForeignKey, Index, Integer, MetaData, String, Table, Text,
                        UniqueConstraint)

from forumops_shared.db import UtcDateTime

metadata = MetaData()

# A call for applications. Its categories and criteria are JSON lists as the organiser gave them
# ([{code, name {vi,en}, awards}], [{code, name {vi,en}, weight, min, max}]): they change together
# with the programme and are read whole.
programmes = Table(
    "programmes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", String(100), nullable=False, unique=True),
    Column("titles", Text, nullable=False),  # JSON {"vi": ..., "en": ...}
    Column("forum", String(100), nullable=True),  # the forum where the awards are given
    Column("applications_open_at", UtcDateTime(), nullable=False),
    Column("applications_close_at", UtcDateTime(), nullable=False),
    Column("review_close_at", UtcDateTime(), nullable=False),
    Column("results_at", UtcDateTime(), nullable=False),  # the announced results date
    Column("categories", Text, nullable=False),
    Column("criteria", Text, nullable=False),
    Column("applicants", String(10), nullable=False),  # unit, person or both
    Column("reviews_per_application", Integer, nullable=False),
    Column("blind", Boolean, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

applications = Table(
    "applications", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),  # the order received: paging only
    Column("id", String(32), nullable=False, unique=True),  # random, the one in URLs
    Column("programme_id", Integer, ForeignKey("programmes.id"), nullable=False),
    Column("category", String(64), nullable=False),
    Column("applicant_kind", String(10), nullable=False),  # unit or person
    Column("applicant_name", String(300), nullable=False),
    Column("organisation", String(300), nullable=True),
    Column("province", String(100), nullable=True),
    Column("email", String(320), nullable=False),
    Column("title", String(300), nullable=False),
    Column("summary", Text, nullable=False),
    Column("language", String(2), nullable=False),
    Column("consent_at", UtcDateTime(), nullable=False),
    Column("manage_token_hash", String(64), nullable=False, unique=True),
    Column("status", String(12), nullable=False),  # submitted, withdrawn
    # The same applicant (email), category and title twice is one application: this key, unique
    # per programme, is cleared when the application is withdrawn (services/applications.py).
    Column("duplicate_key", String(64), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("withdrawn_at", UtcDateTime(), nullable=True),
    UniqueConstraint("programme_id", "duplicate_key", name="uq_applications_duplicate"),
)
Index("ix_applications_programme", applications.c.programme_id, applications.c.seq)

# A file given with an application; its bytes are in the files folder under `stored_as` (a random
# name of its own), never under the name it was uploaded with.
attachments = Table(
    "attachments", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("application_id", String(32), ForeignKey("applications.id"), nullable=False, index=True),
    Column("file_name", String(255), nullable=False),  # as uploaded, NFC: for Content-Disposition only
    Column("content_type", String(40), nullable=False),  # from the content's first bytes
    Column("size", Integer, nullable=False),
    Column("stored_as", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("scope", String(120), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("response_body", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)
Index("ix_awards_idempotency_created", idempotency_keys.c.created_at)

# -- the jury (migrations/0003_jury.py) ----------------------------------------------------------

# A juror of one programme, invited by an organiser. Their personal token is kept only as its
# SHA-256 (sent once, by email); a new invitation replaces it.
jurors = Table(
    "jurors", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(32), nullable=False, unique=True),  # random, the one in answers
    Column("programme_id", Integer, ForeignKey("programmes.id"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("email", String(320), nullable=False),
    Column("email_key", String(320), nullable=False),  # case-folded: one juror per address and programme
    Column("organisation", String(300), nullable=True),
    Column("province", String(100), nullable=True),
    Column("language", String(2), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("invited_at", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("programme_id", "email_key", name="uq_jurors_email"),
)

juror_categories = Table(
    "juror_categories", metadata,
    Column("juror_id", String(32), ForeignKey("jurors.id"), primary_key=True),
    Column("category", String(64), primary_key=True),
)

# A juror's review of an application: assigned by the service (services/assignments.py), then
# submitted with a score per criterion (JSON {criterion code: number}, read whole).
reviews = Table(
    "reviews", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("application_id", String(32), ForeignKey("applications.id"), nullable=False),
    Column("juror_id", String(32), ForeignKey("jurors.id"), nullable=False, index=True),
    Column("state", String(12), nullable=False),  # assigned, submitted (domain/assignment.py's PROGRESS)
    Column("scores", Text, nullable=True),
    Column("comment", Text, nullable=True),
    Column("assigned_at", UtcDateTime(), nullable=False),
    Column("submitted_at", UtcDateTime(), nullable=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("application_id", "juror_id", name="uq_reviews_pair"),
)

# A juror's declared conflict with an application: they never review it (assignment.py).
conflicts = Table(
    "conflicts", metadata,
    Column("juror_id", String(32), ForeignKey("jurors.id"), primary_key=True),
    Column("application_id", String(32), ForeignKey("applications.id"), primary_key=True),
    Column("reason", Text, nullable=False),  # the juror's words, for the organiser
    Column("declared_at", UtcDateTime(), nullable=False),
)

# The organiser's decisions, each a whole list of winners per category, kept in order: the last
# is the decision; those before it are the record of every change, each with its reason.
decisions = Table(
    "decisions", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", Integer, ForeignKey("programmes.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("winners", Text, nullable=False),  # JSON {category: [application ids]}
    Column("departures", Text, nullable=False),  # JSON: how it differs from the ranking's proposal
    Column("reason", Text, nullable=True),
    Column("decided_at", UtcDateTime(), nullable=False),
    UniqueConstraint("programme_id", "version", name="uq_decisions_version"),
)

# -- the results (migrations/0005_publications.py) -------------------------------------------------

# Each publication of a programme's results: version 1, then one per correction. `winners` is the
# list as published ([{application_id, category, kind, name, organisation, province}], JSON, no
# contact addresses): the honour roll shows it, whatever the decisions say afterwards.
publications = Table(
    "publications", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", Integer, ForeignKey("programmes.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("decision_version", Integer, nullable=False),  # the decision it published
    Column("winners", Text, nullable=False),
    Column("correction_reason", Text, nullable=True),  # a correction's, as the event carries it
    Column("published_at", UtcDateTime(), nullable=False),
    UniqueConstraint("programme_id", "version", name="uq_publications_version"),
)

# The award certificates the certificates service issued for the results, from its
# certificate-issued and certificate-revoked events (projection.py): the honour roll links each
# winner to their certificate's verification page.
award_certificates = Table(
    "award_certificates", metadata,
    Column("serial", String(32), primary_key=True),
    Column("programme", String(100), nullable=False),
    Column("application_id", String(64), nullable=False),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)
Index("ix_award_certificates_programme", award_certificates.c.programme, award_certificates.c.application_id)
