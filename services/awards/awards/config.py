"""Awards settings beyond the common ones, from AWARDS_* variables."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from forumops_shared.config import ServiceSettings

MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class AwardsConfig:
    admin_token: str | None  # the organiser token (./forumops up passes the same one to every service)
    files_dir: Path  # where attachments are kept (owner-only), outside the database
    attachment_limit: int  # bytes per attachment
    json_body_limit: int
    apply_rate_limit: str  # public submissions per client address

    @property
    def upload_body_limit(self) -> int:
        """A whole multipart submission: its attachments at their limit, and room for the rest."""
        return MAX_ATTACHMENTS * self.attachment_limit + self.json_body_limit + 64 * 1024


def awards_config(settings: ServiceSettings) -> AwardsConfig:
    env = settings.extra
    return AwardsConfig(admin_token=env.get("AWARDS_ADMIN_TOKEN") or None,
                        files_dir=Path(env.get("AWARDS_FILES_DIR") or settings.var_dir / "files" / "awards"),
                        attachment_limit=int(env.get("AWARDS_ATTACHMENT_LIMIT", 10 * 1024 * 1024)),
                        json_body_limit=int(env.get("AWARDS_JSON_BODY_LIMIT", 64 * 1024)),
                        apply_rate_limit=env.get("AWARDS_APPLY_RATE_LIMIT", "30/minute"))
