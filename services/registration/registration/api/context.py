"""What the views need, attached to the app by create_app."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from forumops_shared.db import readonly

from ..config import RegistrationConfig
from ..keys import KeyRing


@dataclass
class Context:
    engine: Engine
    config: RegistrationConfig
    keys: KeyRing

    def write(self) -> contextlib.AbstractContextManager[Connection]:
        return self.engine.begin()

    def read(self) -> contextlib.AbstractContextManager[Connection]:
        return readonly(self.engine).connect()


def ctx() -> Context:
    return current_app.extensions["registration"]
