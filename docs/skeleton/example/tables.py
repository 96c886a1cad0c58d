"""The example service's tables (its migrations in migrations/ create them)."""
from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text

from forumops_shared.db import UtcDateTime

metadata = MetaData()

notices = Table(
    "notices", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("forum", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("visible_from", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_notices_forum", "forum", "visible_from"),
)
