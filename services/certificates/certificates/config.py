"""Certificates settings beyond the common ones, from CERTIFICATES_* variables."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from forumops_shared.config import ServiceSettings
from forumops_shared.key_files import key_file_path


@dataclass(frozen=True)
class CertificatesConfig:
    admin_token: str | None  # the organiser token (./forumops up passes the same one to every service)
    signing_key: str | None  # base64url Ed25519 seed; when absent, generated into the key file
    signing_keys_file: Path  # the seeds of the signing keys, owner-only (forumops_shared.key_files)
    verify_rate_limit: str  # per client address, on the public verification
    json_body_limit: int
    public_url: str  # where people reach this service: the QR code on a PDF points under it
    awards_body_limit: int  # an awards list (JSON or CSV)


def certificates_config(settings: ServiceSettings) -> CertificatesConfig:
    env = settings.extra
    return CertificatesConfig(admin_token=env.get("CERTIFICATES_ADMIN_TOKEN") or None,
                              signing_key=env.get("CERTIFICATES_SIGNING_KEY") or None,
                              signing_keys_file=key_file_path(settings),
                              verify_rate_limit=env.get("CERTIFICATES_VERIFY_RATE_LIMIT", "120/minute"),
                              json_body_limit=int(env.get("CERTIFICATES_JSON_BODY_LIMIT", 64 * 1024)),
                              public_url=(env.get("CERTIFICATES_PUBLIC_URL") or settings.urls["certificates"]).rstrip("/"),
                              awards_body_limit=int(env.get("CERTIFICATES_AWARDS_BODY_LIMIT", 2 * 1024 * 1024)))
