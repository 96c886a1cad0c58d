"""`checkin-migrate`: bring the checkin database to the latest schema."""
from __future__ import annotations

from pathlib import Path

from forumops_shared import migrations
from forumops_shared.config import ServiceSettings, load_settings

from .app import SERVICE

MIGRATIONS = Path(__file__).parent / "migrations"


def upgrade(settings: ServiceSettings) -> None:
    migrations.upgrade(MIGRATIONS, settings.database_url)


def main() -> None:
    upgrade(load_settings(SERVICE))
