"""Check-in settings beyond the common ones, from CHECKIN_* variables."""
from __future__ import annotations

from dataclasses import dataclass

from forumops_shared.config import ServiceSettings


@dataclass(frozen=True)
class CheckinConfig:
    admin_token: str | None  # the organiser token (./forumops up passes the same one to every service)
    json_body_limit: int  # single requests
    upload_body_limit: int  # offline batches (10,000 scans) and attendance reports
    join_rate_limit: str  # per client address, on the participant's online join
    device_rate_limit: str  # per device, on scans and batches
    stats_max_age_s: float  # how old the live counts a process answers with may be


def checkin_config(settings: ServiceSettings) -> CheckinConfig:
    env = settings.extra
    return CheckinConfig(admin_token=env.get("CHECKIN_ADMIN_TOKEN") or None,
                         json_body_limit=int(env.get("CHECKIN_JSON_BODY_LIMIT", 64 * 1024)),
                         upload_body_limit=int(env.get("CHECKIN_UPLOAD_BODY_LIMIT", 8 * 1024 * 1024)),
                         join_rate_limit=env.get("CHECKIN_JOIN_RATE_LIMIT", "30/minute"),
                         device_rate_limit=env.get("CHECKIN_DEVICE_RATE_LIMIT", "600/minute"),
                         stats_max_age_s=float(env.get("CHECKIN_STATS_MAX_AGE", "1.0")))
