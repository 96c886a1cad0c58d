"""Each service keeps the same layers, and dependencies point inward: the domain imports no
Flask, Kafka or SQL; use cases and projections no Flask and no Kafka (they stage events in the
outbox; the worker's relay publishes them)."""
import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

SERVICES = ("registration", "checkin", "certificates", "awards")
WEB = {"flask", "werkzeug"}
KAFKA = {"kafka"}
DATABASE = {"sqlalchemy", "alembic", "psycopg"}
LAYOUT = ("app", "service", "config", "reasons", "schemas", "tables", "projection", "domain", "services", "api",
          "api.context")


def modules_of(package: str) -> list[str]:
    found = importlib.import_module(package)
    return [package] + [m.name for m in pkgutil.walk_packages(found.__path__, package + ".")]


def imported_by(modules: list[str]) -> set[str]:
    """Top-level packages a fresh interpreter has loaded after importing `modules`."""
    code = ("import importlib, json, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))")
    return set(json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                         text=True).stdout))


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_layout(service):
    for part in LAYOUT:
        importlib.import_module(f"{service}.{part}")


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_imports_no_flask_kafka_sql_or_schemas(service):
    assert imported_by(modules_of(f"{service}.domain")) & (WEB | KAFKA | DATABASE | {"marshmallow"}) == set()


@pytest.mark.parametrize("service", SERVICES)
def test_use_cases_and_projections_import_no_flask_and_no_kafka(service):
    assert imported_by(modules_of(f"{service}.services") + [f"{service}.projection"]) & (WEB | KAFKA) == set()


def test_refusals_are_raised_without_the_http_edge():
    assert imported_by(["forumops_shared.refusals", "forumops_shared.outbox", "forumops_shared.csvfiles",
                        "forumops_shared.payloads"]) & (WEB | KAFKA) == set()
