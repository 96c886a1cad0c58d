"""What the certificates service's views work with, built once per app (see forumops_shared.service_app)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from forumops_shared.ratelimit import DatabaseCounts, RateLimit
from forumops_shared.service_app import ServiceContext, context_of
from forumops_shared.key_files import KeyFile
from forumops_shared.signing_keys import KeyRing
from forumops_shared.tokens import hash_token

from ..config import CertificatesConfig, certificates_config
from ..tables import registrations, signing_keys


@dataclass
class Context(ServiceContext):
    config: CertificatesConfig
    keys: KeyRing  # the keys verification documents are signed with
    verify_limit: RateLimit  # public verifications and holders' downloads per client address, across processes

    def recognises(self, token: str) -> bool:
        """The organiser token, or the manage token of a registration known here."""
        if super().recognises(token):
            return True
        with self.read() as conn:
            return conn.execute(select(registrations.c.id).where(
                registrations.c.manage_token_hash == hash_token(token))).first() is not None


def build_context(common: ServiceContext) -> Context:
    config = certificates_config(common.settings)
    keys = KeyRing(common.engine, signing_keys, KeyFile(config.signing_keys_file), config.signing_key)
    return Context(**common.common(), config=config, keys=keys,
                   verify_limit=RateLimit(config.verify_rate_limit, common.clock, DatabaseCounts(common.engine, "verify")))


def ctx() -> Context:
    return context_of()
