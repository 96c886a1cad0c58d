"""The services as the tests set them up: their databases migrated as `<service>-migrate` does."""
from __future__ import annotations

from forumops_shared.config import ServiceSettings
from forumops_shared.migrations import upgrade
from forumops_shared.service import load_service


def migrate(settings: ServiceSettings) -> None:
    """The database of the service `settings` are for, at its latest revision."""
    upgrade(load_service(settings.service), settings.database_url)
