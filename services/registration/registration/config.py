"""Registration settings beyond the common ones, from REGISTRATION_* variables."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from forumops_shared.config import ServiceSettings
from forumops_shared.key_files import key_file_path

DEFAULT_CONSENT_VERSION = "2026-01"


@dataclass(frozen=True)
class RegistrationConfig:
    admin_token: str | None
    ticket_private_key: str | None  # base64url Ed25519 seed; when absent, generated into the key file
    signing_keys_file: Path  # the seeds of the ticket keys, owner-only (forumops_shared.key_files)
    consent_version: str
    rate_limit: str  # flask-limiter notation, per client address, on the public registration
    recover_rate_limit: str  # lost-link requests, per email address
    recover_client_rate_limit: str  # lost-link requests, per client address
    json_body_limit: int
    import_body_limit: int


def registration_config(settings: ServiceSettings) -> RegistrationConfig:
    env = settings.extra
    return RegistrationConfig(
        admin_token=env.get("REGISTRATION_ADMIN_TOKEN") or None,
        ticket_private_key=env.get("REGISTRATION_TICKET_PRIVATE_KEY") or None,
        signing_keys_file=key_file_path(settings),
        consent_version=env.get("REGISTRATION_CONSENT_VERSION", DEFAULT_CONSENT_VERSION),
        rate_limit=env.get("REGISTRATION_RATE_LIMIT", "30/minute"),
        recover_rate_limit=env.get("REGISTRATION_RECOVER_RATE_LIMIT", "3/hour"),
        recover_client_rate_limit=env.get("REGISTRATION_RECOVER_CLIENT_RATE_LIMIT", "30/hour"),
        json_body_limit=int(env.get("REGISTRATION_JSON_BODY_LIMIT", 64 * 1024)),
        import_body_limit=int(env.get("REGISTRATION_IMPORT_BODY_LIMIT", 10 * 1024 * 1024)),
    )
