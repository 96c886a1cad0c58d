"""The Flask app factory every service builds on."""
from __future__ import annotations

import atexit
from datetime import date
from typing import Any, Iterable, Sequence

from flask import Blueprint, Flask
from flask.json.provider import DefaultJSONProvider

from .config import ServiceSettings
from .db import make_engine
from .kafka_clients import KafkaProbe
from .logs import configure_logging
from .metrics import StreamCollector, StreamWatch
from .web import install_common

MAX_BODY_BYTES = 2 * 1024 * 1024


class JsonAnswers(DefaultJSONProvider):
    """JSON as the API promises it: times in ISO 8601 with their offset (Flask's default writes
    HTTP dates, "Fri, 20 Nov 2026 01:00:00 GMT"), Vietnamese text as is."""

    ensure_ascii = False

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, date):  # datetimes too
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_service_app(settings: ServiceSettings, blueprints: Iterable[Blueprint] = (),
                       consumes: Sequence[str] = ()) -> Flask:
    """A Flask app with the service's engine, readiness probe and common endpoints. `consumes`
    names the topics the service's worker reads: /metrics then reports their lag and dead letters.

    Nothing connects here: the engine and the Kafka probe open connections on first use, so this
    runs safely in each gunicorn worker after the fork.
    """
    configure_logging(settings.service, settings.log_level)
    app = Flask(settings.service)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json = JsonAnswers(app)
    engine = make_engine(settings.database_url)
    probe = KafkaProbe(settings.kafka_bootstrap_servers)
    app.extensions["forumops"] = {"settings": settings, "engine": engine, "kafka_probe": probe}
    streams = None
    if consumes:
        streams = StreamCollector(probe, StreamWatch(
            settings.consumer_group, tuple(settings.topic_prefix + t for t in consumes), settings.dlq_topic))
    install_common(app, engine, probe, streams)
    for bp in blueprints:
        app.register_blueprint(bp)
    atexit.register(probe.close)
    return app


def close_service_app(app: Flask) -> None:
    """Release what the app opened (Kafka probe, database pool); for tests and embedders."""
    parts = app.extensions["forumops"]
    parts["kafka_probe"].close()
    parts["engine"].dispose()
