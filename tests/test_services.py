"""Each service's app and worker as the foundation builds them."""
import importlib
import signal

import pytest
from kafka import TopicPartition
from kafka.structs import OffsetAndMetadata

from forumops_shared import topics
from forumops_shared.kafka_clients import make_admin, security
from forumops_shared.service_app import close_service_app
from forumops_stack.testing import TEST_PARTITIONS, free_port, settings_env

from .support.kafka_io import produce_raw
from .support.metrics import Figures, read_figures
from .support.processes import Child
from .support.services import migrate
from .support.waiting import wait_until

SERVICES = ("registration", "checkin", "certificates", "awards")
ORGANISER_TOKEN = "organiser-token-for-the-service-tests-0123456789"
ORGANISER = {"Authorization": f"Bearer {ORGANISER_TOKEN}"}


def _with_organiser(make_settings):
    """Settings as `make_settings` gives them, with the organiser token every service reads."""
    def make(name, **overrides):
        return make_settings(name, extra={f"{name.upper()}_ADMIN_TOKEN": ORGANISER_TOKEN, **overrides.pop("extra", {})},
                             **overrides)
    return make


def _service(name: str):
    return importlib.import_module(f"{name}.app")


class AppFactory:
    """Creates the service's app and closes every app it created after the test."""

    def __init__(self, module):
        self.module, self.apps = module, []

    def create_app(self, settings):
        self.apps.append(self.module.create_app(settings))
        return self.apps[-1]


def _migrated(name, make_settings):
    app_module = _service(name)
    settings = make_settings(name)
    migrate(settings)
    factory = AppFactory(app_module)
    yield name, settings, factory
    for app in factory.apps:
        close_service_app(app)


@pytest.fixture(params=SERVICES)
def service(request, settings_for):
    """The service's app on a migrated database, with no broker."""
    yield from _migrated(request.param, _with_organiser(settings_for))


@pytest.fixture(params=SERVICES)
def service_on_kafka(request, kafka_settings_for):
    yield from _migrated(request.param, _with_organiser(kafka_settings_for))


def test_health_answers_ok(service):
    _, settings, app_module = service
    response = app_module.create_app(settings).test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_ready_when_the_database_and_kafka_answer(service_on_kafka):
    _, settings, app_module = service_on_kafka
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


def test_a_call_while_the_database_is_away_fails_clearly_and_may_be_sent_again(service):
    name, settings, app_module = service
    dead_db = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing"
    settings = type(settings)(**{**settings.__dict__, "database_url": dead_db})
    path = "/api/v1/programmes/any-programme" if name == "awards" else "/api/v1/forums/any-forum/audit"
    response = app_module.create_app(settings).test_client().get(path, headers=ORGANISER)
    assert (response.status_code, response.json["reason"]) == (503, "database_unavailable"), response.json
    assert response.headers["Retry-After"] == "2"


def test_metrics_count_requests_and_report_the_outbox_backlog(service):
    name, settings, app_module = service
    client = app_module.create_app(settings).test_client()
    client.get("/healthz")
    text = client.get("/metrics", headers=ORGANISER).get_data(as_text=True)
    assert f'forumops_http_requests_total{{endpoint="/healthz",method="GET",service="{name}",status="200"}}' in text
    assert "forumops_outbox_pending_events 0.0" in text


def _figures(client) -> Figures:
    return read_figures(client.get("/metrics", headers=ORGANISER).get_data(as_text=True))


def _lag(figures, topic: str) -> dict[int, float]:
    return {int(dict(labels)["partition"]): value
            for labels, value in figures.get("forumops_consumer_lag_messages", {}).items()
            if dict(labels)["topic"] == topic}


@pytest.mark.parametrize("name", ("checkin", "certificates"))
def test_metrics_report_the_consumer_lag_per_partition_and_the_dead_letters(name, kafka_settings_for):
    app_module = _service(name)
    settings = _with_organiser(kafka_settings_for)(name)
    migrate(settings)
    app = app_module.create_app(settings)
    client, registrations = app.test_client(), settings.topic_prefix + topics.REGISTRATIONS
    produce_raw(settings.kafka_bootstrap_servers, registrations, [(f"r{i}".encode(), b"{}") for i in range(40)])
    produce_raw(settings.kafka_bootstrap_servers, settings.dlq_topic, [(b"k", b"poison")] * 3)
    try:
        figures = wait_until(lambda: (f := _figures(client)) and sum(_lag(f, registrations).values()) == 40 and f,
                             timeout_s=15, message="the lag of 40 unread messages")
        lag = _lag(figures, registrations)
        assert sorted(lag) == list(range(TEST_PARTITIONS))  # every partition reported, even an empty one
        assert figures["forumops_dead_letter_messages"] == {(("topic", settings.dlq_topic),): 3.0}
        assert figures["forumops_kafka_figures_up"] == {(): 1.0}

        # The group finishes one partition: only that partition's lag goes to zero.
        busiest = max(lag, key=lag.get)
        admin = make_admin(settings.kafka_bootstrap_servers, **security(settings))
        try:
            admin.alter_group_offsets(settings.consumer_group, {
                TopicPartition(registrations, busiest): OffsetAndMetadata(int(lag[busiest]), "", -1)})
        finally:
            admin.close()
        after = wait_until(lambda: (a := _lag(_figures(client), registrations)) and a[busiest] == 0 and a,
                           timeout_s=15, message="the finished partition's lag to fall to zero")
        assert after == {**lag, busiest: 0}
    finally:
        close_service_app(app)


def test_a_scrape_with_the_broker_away_still_answers_and_says_the_figures_are_not_current(settings_for):
    app_module = _service("checkin")
    settings = _with_organiser(settings_for)("checkin")
    migrate(settings)
    away = type(settings)(**{**settings.__dict__, "kafka_bootstrap_servers": f"127.0.0.1:{free_port()}"})
    app = app_module.create_app(away)
    try:
        response = app.test_client().get("/metrics", headers=ORGANISER)
        assert response.status_code == 200
        figures = _figures(app.test_client())
        assert figures["forumops_kafka_figures_up"] == {(): 0.0}
        assert "forumops_consumer_lag_messages" not in figures
        assert figures["forumops_outbox_pending_events"] == {(): 0.0}
    finally:
        close_service_app(app)


def test_a_nul_character_in_the_address_is_refused_before_any_view(service):
    """Found by fuzzing on PostgreSQL, which cannot compare text holding NUL: once a 500."""
    _, settings, app_module = service
    client = app_module.create_app(settings).test_client()
    for address in ("/api/v1/forums/a%00b", "/api/v1/forums/x/points?after=%00", "/healthz?x%00=1"):
        response = client.get(address)
        assert (response.status_code, response.json["reason"]) == (400, "invalid_characters"), address


def test_an_unknown_route_answers_a_json_error_with_a_reason(service):
    _, settings, app_module = service
    response = app_module.create_app(settings).test_client().post("/no/such/thing")
    assert response.status_code == 404
    assert response.json["status"] == "error" and response.json["reason"] == "not_found"


@pytest.mark.parametrize("name", SERVICES)
def test_creating_the_app_connects_to_nothing(name, tmp_path):
    app_module = _service(name)
    from forumops_shared.config import ServiceSettings

    db_file = tmp_path / "untouched.db"
    settings = ServiceSettings(service=name, database_url=f"sqlite:///{db_file}",
                               kafka_bootstrap_servers=f"127.0.0.1:{free_port()}")
    close_service_app(app_module.create_app(settings))
    assert not db_file.exists()


@pytest.mark.parametrize("name", SERVICES)
def test_the_worker_stops_cleanly_on_sigterm(name, kafka_settings_for, tmp_path):
    settings = kafka_settings_for(name)
    migrate(settings)
    worker = Child.worker(name, settings_env(settings), tmp_path / "worker.log")
    try:
        wait_until(lambda: "worker started" in worker.log(), timeout_s=30, message="the worker to start")
        worker.signal(signal.SIGTERM)
        assert worker.wait(20) == 0
    finally:
        worker.stop()
    assert "worker stopped" in worker.log()
