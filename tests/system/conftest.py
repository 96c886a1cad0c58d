"""The whole system over HTTP: three gunicorn APIs and three workers on the real broker and
database (SQLite or PostgreSQL), shared by this package's tests."""
from __future__ import annotations

import pytest

from ..support.system import System, running_system


@pytest.fixture(scope="package")
def system(kafka_broker, tmp_path_factory) -> System:
    with running_system(kafka_broker, tmp_path_factory.mktemp("system")) as running:
        yield running
