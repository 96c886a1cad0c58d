"""What the certificates service's views work with, built once per app (see forumops_shared.service_app)."""
from __future__ import annotations

from dataclasses import dataclass

from forumops_shared.ratelimit import RateLimit
from forumops_shared.service_app import ServiceContext, context_of
from forumops_shared.key_files import KeyFile
from forumops_shared.signing_keys import KeyRing

from ..config import CertificatesConfig, certificates_config
from ..tables import signing_keys


@dataclass
class Context(ServiceContext):
    config: CertificatesConfig
    keys: KeyRing  # the keys verification documents are signed with
    verify_limit: RateLimit  # public verifications and holders' downloads per client address


def build_context(common: ServiceContext) -> Context:
    config = certificates_config(common.settings)
    keys = KeyRing(common.engine, signing_keys, KeyFile(config.signing_keys_file), config.signing_key)
    return Context(**common.common(), config=config, keys=keys,
                   verify_limit=RateLimit(config.verify_rate_limit, common.clock))


def ctx() -> Context:
    return context_of()
