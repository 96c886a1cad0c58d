"""What the example's views work with, built once per app (see forumops_shared.service_app)."""
from __future__ import annotations

from dataclasses import dataclass

from forumops_shared.service_app import ServiceContext, context_of

from ..config import ExampleConfig, example_config


@dataclass
class Context(ServiceContext):
    config: ExampleConfig


def build_context(common: ServiceContext) -> Context:
    return Context(**common.common(), config=example_config(common.settings))


def ctx() -> Context:
    return context_of()
