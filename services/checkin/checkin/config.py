"""Check-in settings beyond the common ones, from CHECKIN_* variables."""
from __future__ import annotations

from dataclasses import dataclass

from forumops_shared.config import ServiceSettings


@dataclass(frozen=True)
class CheckinConfig:
    admin_token: str | None  # the organiser token (./forumops up passes the same one to every service)
    json_body_limit: int


def checkin_config(settings: ServiceSettings) -> CheckinConfig:
    env = settings.extra
    return CheckinConfig(admin_token=env.get("CHECKIN_ADMIN_TOKEN") or None,
                         json_body_limit=int(env.get("CHECKIN_JSON_BODY_LIMIT", 64 * 1024)))
