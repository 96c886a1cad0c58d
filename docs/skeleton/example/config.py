"""Example settings beyond the common ones, from EXAMPLE_* variables."""
from __future__ import annotations

from dataclasses import dataclass

from forumops_shared.config import ServiceSettings


@dataclass(frozen=True)
class ExampleConfig:
    admin_token: str | None  # the organiser token
    json_body_limit: int


def example_config(settings: ServiceSettings) -> ExampleConfig:
    env = settings.extra
    return ExampleConfig(admin_token=env.get("EXAMPLE_ADMIN_TOKEN") or None,
                         json_body_limit=int(env.get("EXAMPLE_JSON_BODY_LIMIT", 64 * 1024)))
