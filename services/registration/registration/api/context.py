"""What registration's views work with, built once per app (see forumops_shared.service_app)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from forumops_shared.db import GroupCommit
from forumops_shared.ratelimit import DatabaseCounts, RateLimit
from forumops_shared.service_app import ServiceContext, context_of
from forumops_shared.key_files import KeyFile
from forumops_shared.signing_keys import KeyRing
from forumops_shared.tokens import hash_token

from ..config import RegistrationConfig, registration_config
from ..services.forums import ForumCache
from ..services.registrations import store_all
from ..tables import registrations, ticket_keys


@dataclass
class Context(ServiceContext):
    config: RegistrationConfig
    keys: KeyRing  # the ticket signing keys
    rate_limit: RateLimit  # public registrations per client address
    recover_limits: tuple[RateLimit, RateLimit]  # lost-link requests per email address, per client address
    forums: ForumCache
    commits: GroupCommit  # the public submit's short writes, committed together

    def recognises(self, token: str) -> bool:
        """The organiser token, or a registration's manage token."""
        if super().recognises(token):
            return True
        with self.read() as conn:
            return conn.execute(select(registrations.c.seq).where(
                registrations.c.manage_token_hash == hash_token(token))).first() is not None


def build_context(common: ServiceContext) -> Context:
    config = registration_config(common.settings)
    return Context(**common.common(), config=config,
                   keys=KeyRing(common.engine, ticket_keys, KeyFile(config.signing_keys_file), config.ticket_private_key),
                   rate_limit=RateLimit(config.rate_limit, common.clock, DatabaseCounts(common.engine, "register")),
                   recover_limits=(RateLimit(config.recover_rate_limit, common.clock,
                                             DatabaseCounts(common.engine, "recover-address")),
                                   RateLimit(config.recover_client_rate_limit, common.clock,
                                             DatabaseCounts(common.engine, "recover-client"))),
                   forums=ForumCache(common.engine, common.clock), commits=GroupCommit(common.engine, store_all))


def ctx() -> Context:
    return context_of()
