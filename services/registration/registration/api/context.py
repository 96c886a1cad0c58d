"""What registration's views work with, built once per app (see forumops_shared.service_app)."""
from __future__ import annotations

from dataclasses import dataclass

from forumops_shared.db import GroupCommit
from forumops_shared.ratelimit import RateLimit
from forumops_shared.service_app import ServiceContext, context_of
from forumops_shared.key_files import KeyFile
from forumops_shared.signing_keys import KeyRing

from ..config import RegistrationConfig, registration_config
from ..services.forums import ForumCache
from ..services.registrations import store_all
from ..tables import ticket_keys


@dataclass
class Context(ServiceContext):
    config: RegistrationConfig
    keys: KeyRing  # the ticket signing keys
    rate_limit: RateLimit  # public registrations per client address
    forums: ForumCache
    commits: GroupCommit  # the public submit's short writes, committed together


def build_context(common: ServiceContext) -> Context:
    config = registration_config(common.settings)
    return Context(**common.common(), config=config,
                   keys=KeyRing(common.engine, ticket_keys, KeyFile(config.signing_keys_file), config.ticket_private_key),
                   rate_limit=RateLimit(config.rate_limit, common.clock),
                   forums=ForumCache(common.engine, common.clock), commits=GroupCommit(common.engine, store_all))


def ctx() -> Context:
    return context_of()
