"""What the awards' views work with, built once per app (see forumops_shared.service_app)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from forumops_shared.ratelimit import DatabaseCounts, RateLimit
from forumops_shared.service_app import ServiceContext, context_of
from forumops_shared.tokens import hash_token

from ..config import AwardsConfig, awards_config
from ..services.attachments import FileStore
from ..tables import applications, jurors


@dataclass
class Context(ServiceContext):
    config: AwardsConfig
    apply_limit: RateLimit  # public submissions per client address
    files: FileStore  # the attachments' bytes

    def recognises(self, token: str) -> bool:
        """The organiser token, an application's manage token, or a juror's token."""
        if super().recognises(token):
            return True
        hashed = hash_token(token)
        with self.read() as conn:
            return conn.execute(select(applications.c.seq).where(
                applications.c.manage_token_hash == hashed)).first() is not None \
                or conn.execute(select(jurors.c.seq).where(jurors.c.token_hash == hashed)).first() is not None


def build_context(common: ServiceContext) -> Context:
    config = awards_config(common.settings)
    return Context(**common.common(), config=config,
                   apply_limit=RateLimit(config.apply_rate_limit, common.clock, DatabaseCounts(common.engine, "apply")),
                   files=FileStore(config.files_dir))


def ctx() -> Context:
    return context_of()
