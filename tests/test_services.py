"""Each service's app and worker as the foundation builds them."""
import importlib
import signal

import pytest

from forumops_shared.service_app import close_service_app
from forumops_stack.testing import free_port, settings_env

from .support.processes import Child
from .support.waiting import wait_until

SERVICES = ("registration", "checkin", "certificates")


def _service(name: str):
    return importlib.import_module(f"{name}.app"), importlib.import_module(f"{name}.migrate")


class AppFactory:
    """Creates the service's app and closes every app it created after the test."""

    def __init__(self, module):
        self.module, self.apps = module, []

    def create_app(self, settings):
        self.apps.append(self.module.create_app(settings))
        return self.apps[-1]


@pytest.fixture(params=SERVICES)
def service(request, settings_for):
    app_module, migrate = _service(request.param)
    settings = settings_for(request.param)
    migrate.upgrade(settings)
    factory = AppFactory(app_module)
    yield request.param, settings, factory
    for app in factory.apps:
        close_service_app(app)


def test_health_answers_ok(service):
    _, settings, app_module = service
    response = app_module.create_app(settings).test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_ready_when_the_database_and_kafka_answer(service):
    _, settings, app_module = service
    response = app_module.create_app(settings).test_client().get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"]["database"]["ok"] and response.json["checks"]["kafka"]["ok"]


def test_not_ready_when_kafka_is_unreachable(service):
    _, settings, app_module = service
    settings = type(settings)(**{**settings.__dict__, "kafka_bootstrap_servers": f"127.0.0.1:{free_port()}"})
    response = app_module.create_app(settings).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["kafka"]["ok"] is False
    assert response.json["checks"]["database"]["ok"] is True


def test_not_ready_when_the_database_is_unreachable(service):
    _, settings, app_module = service
    dead_db = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing"
    settings = type(settings)(**{**settings.__dict__, "database_url": dead_db})
    response = app_module.create_app(settings).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"]["ok"] is False


def test_metrics_count_requests_and_report_the_outbox_backlog(service):
    name, settings, app_module = service
    client = app_module.create_app(settings).test_client()
    client.get("/healthz")
    text = client.get("/metrics").get_data(as_text=True)
    assert f'forumops_http_requests_total{{endpoint="/healthz",method="GET",service="{name}",status="200"}}' in text
    assert "forumops_outbox_pending_events 0.0" in text


def test_an_unknown_route_answers_a_json_error_with_a_reason(service):
    _, settings, app_module = service
    response = app_module.create_app(settings).test_client().post("/no/such/thing")
    assert response.status_code == 404
    assert response.json["status"] == "error" and response.json["reason"] == "not_found"


@pytest.mark.parametrize("name", SERVICES)
def test_creating_the_app_connects_to_nothing(name, tmp_path):
    app_module, _ = _service(name)
    from forumops_shared.config import ServiceSettings

    db_file = tmp_path / "untouched.db"
    settings = ServiceSettings(service=name, database_url=f"sqlite:///{db_file}",
                               kafka_bootstrap_servers=f"127.0.0.1:{free_port()}")
    close_service_app(app_module.create_app(settings))
    assert not db_file.exists()


@pytest.mark.parametrize("name", SERVICES)
def test_the_worker_stops_cleanly_on_sigterm(name, settings_for, tmp_path):
    _, migrate = _service(name)
    settings = settings_for(name)
    migrate.upgrade(settings)
    worker = Child.python_module(f"{name}.worker", settings_env(settings), tmp_path / "worker.log")
    try:
        wait_until(lambda: "worker started" in worker.log(), timeout_s=30, message="the worker to start")
        worker.signal(signal.SIGTERM)
        assert worker.wait(20) == 0
    finally:
        worker.stop()
    assert "worker stopped" in worker.log()
