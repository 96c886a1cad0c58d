"""The Flask app every service builds on, and the one way its views reach what they work with.

`create_service_app` makes the app of a `Service`: JSON answers (no cache keeps them: see
http.keep_answers_private), errors with reason codes, health, readiness and metrics (organisers
only), the pages' layout, and the service's context. The context holds the engine, the
settings, the readiness probe and the clock, plus whatever the service adds (its
configuration, caches, rate limits, key rings) in its own `api/context.py`; views reach it with
that module's `ctx()`. Nothing connects here: the engine and the probe open connections on first
use, so this runs safely in each gunicorn worker after the fork.
"""
from __future__ import annotations

import atexit
import contextlib
import dataclasses
from datetime import date
from typing import Any, Callable, Iterable

from flask import Blueprint, Flask, current_app
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from .clock import SYSTEM_CLOCK, Clock
from .config import ServiceSettings, load_settings
from .db import make_engine, readonly, write_transaction
from .http import install_refusals, keep_answers_private, require_token
from .kafka_clients import KafkaProbe, security
from .logs import configure_logging
from .mail_api import mail_blueprint
from .metrics import StreamCollector, StreamWatch
from .pages import install_pages
from .service import Service
from .tokens import tokens_equal
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


@dataclasses.dataclass
class ServiceContext:
    """What every service's views work with; each service extends it (its `api/context.py`)."""

    settings: ServiceSettings
    engine: Engine
    probe: KafkaProbe
    clock: Clock

    def read(self) -> contextlib.AbstractContextManager[Connection]:
        return readonly(self.engine).connect()

    def write(self) -> contextlib.AbstractContextManager[Connection]:
        return write_transaction(self.engine)

    @property
    def organiser_token(self) -> str | None:
        """The organiser token, from <SERVICE>_ADMIN_TOKEN (every service's config reads the same)."""
        return self.settings.extra.get(f"{self.settings.service.upper()}_ADMIN_TOKEN") or None

    def recognises(self, token: str) -> bool:
        """Is `token` valid here at all (an organiser's, a participant's, a device's)? It decides
        401 or 403 for a caller refused (http.refuse_caller); services add the tokens they know."""
        return tokens_equal(token, self.organiser_token)

    def require_organiser(self) -> None:
        """The organiser token, or 401/403 by the one rule (http.refuse_caller)."""
        require_token(self.organiser_token, self.recognises)

    def common(self) -> dict[str, Any]:
        """These shared parts, to build a service's own context from."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(ServiceContext)}


def create_service_app(service: Service, settings: ServiceSettings | None, *,
                       context: Callable[[ServiceContext], ServiceContext],
                       blueprints: Iterable[Blueprint] = (), clock: Clock = SYSTEM_CLOCK) -> Flask:
    """The app of `service`; settings come from the environment unless given. `context` builds
    the service's context from the shared parts."""
    settings = settings or load_settings(service.name)
    configure_logging(service.name, settings.log_level)
    app = Flask(service.name)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json = JsonAnswers(app)
    probe = KafkaProbe(settings.kafka_bootstrap_servers, clock=clock, client=security(settings))
    built = context(ServiceContext(settings, make_engine(settings.database_url), probe, clock))
    app.extensions["forumops"] = built
    streams = None
    if service.consumes:  # /metrics then reports the worker's lag and dead letters
        streams = StreamCollector(probe, StreamWatch(
            settings.consumer_group, tuple(settings.topic_prefix + t for t in service.consumes), settings.dlq_topic))
    # /metrics tells who is registered and scanning where, and how busy: organisers only (README).
    install_common(app, built.engine, probe, streams, guard_metrics=built.require_organiser,
                   mail=service.mail is not None)  # its mail queued, sent, retried, failed
    keep_answers_private(app)
    install_pages(app)
    install_refusals(app, service.reasons)
    for bp in blueprints:
        app.register_blueprint(bp)
    if service.mail is not None:
        app.register_blueprint(mail_blueprint(context_of))
    atexit.register(probe.close)
    return app


def context_of(app: Flask | None = None) -> ServiceContext:
    """The context of `app` (the current app by default)."""
    return (app or current_app).extensions["forumops"]


def close_service_app(app: Flask) -> None:
    """Release what the app opened (Kafka probe, database pool); for tests and embedders."""
    built = context_of(app)
    built.probe.close()
    built.engine.dispose()
