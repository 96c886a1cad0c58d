"""The whole system over HTTP: three gunicorn APIs and three workers on the real broker and
database (SQLite or PostgreSQL), shared by this package's tests."""
from __future__ import annotations

import pytest

from ..support.system import System, running_system


@pytest.fixture(scope="package")
def system(kafka_broker, tmp_path_factory) -> System:
    with running_system(kafka_broker, tmp_path_factory.mktemp("system")) as running:
        yield running


COUNTS = pytest.StashKey[list]()


@pytest.fixture
def tally(request):
    """Records a fault test's counts (sent, arrived, lost, doubled); printed at the end of the run."""
    def record(**counts) -> None:
        request.config.stash.setdefault(COUNTS, []).append((request.node.name, counts))
    return record


def pytest_terminal_summary(terminalreporter, config):
    rows = config.stash.get(COUNTS, [])
    if rows:
        terminalreporter.section("fault tests: what was sent and what arrived")
        for name, counts in rows:
            terminalreporter.write_line(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
