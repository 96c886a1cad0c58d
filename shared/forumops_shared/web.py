"""What every ForumOps Flask app has: JSON errors with reason codes, health, readiness, metrics."""
from __future__ import annotations

import logging
import time
from typing import Callable

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from sqlalchemy import Engine, text
from werkzeug.exceptions import HTTPException

from . import metrics
from .db import readonly
from .errors import database_away
from .kafka_clients import KafkaProbe

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error answered as `{"status", "reason", "message", "errors"}` with an HTTP status."""

    def __init__(self, http_status: int, reason: str, message: str, errors: dict | None = None):
        super().__init__(message)
        self.http_status, self.reason, self.message, self.errors = http_status, reason, message, errors

    def to_response(self) -> tuple[Response, int]:
        body = {"status": "error", "reason": self.reason, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return jsonify(body), self.http_status


def _reason_for(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def install_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return exc.to_response()

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return ApiError(exc.code or 500, _reason_for(exc), exc.description or exc.name).to_response()

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if database_away(exc):  # nothing was done: the client may send the same request again
            log.warning("the database did not answer on %s %s: %s", request.method, request.path, exc)
            response, status = ApiError(503, "database_unavailable",
                                        "The service's database is not answering; try again shortly.").to_response()
            response.headers["Retry-After"] = "2"
            return response, status
        log.exception("unhandled error on %s %s", request.method, request.path)
        return ApiError(500, "internal_error", "Something went wrong on our side.").to_response()


def health_blueprint(engine: Engine, probe: KafkaProbe, streams: metrics.StreamCollector | None = None,
                     guard_metrics: Callable[[], None] | None = None, *, mail: bool = False) -> Blueprint:
    """/healthz and /readyz for anyone (they say nothing about the data); /metrics for whom
    `guard_metrics` lets in (the organiser token, in every service), with the service's mail
    if it sends any."""
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @bp.get("/readyz")
    def readyz():
        checks = {"database": _database_check(engine), "kafka": probe.check()}
        ready = all(ok for ok, _ in checks.values())
        body = {"status": "ready" if ready else "not_ready",
                "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()}}
        return jsonify(body), 200 if ready else 503

    @bp.get("/metrics")
    def metrics_endpoint():
        if guard_metrics is not None:
            guard_metrics()
        payload, content_type = metrics.exposition(engine, streams, mail=mail)
        return Response(payload, content_type=content_type)

    return bp


def _database_check(engine: Engine) -> tuple[bool, str]:
    try:
        with readonly(engine).connect() as conn:
            conn.execute(text("SELECT 1"))
        return True, engine.dialect.name
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return False, f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


def install_request_metrics(app: Flask) -> None:
    http = metrics.http_metrics()

    @app.before_request
    def _start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
        http.requests.labels(current_app.name, request.method, endpoint, response.status_code).inc()
        http.latency.labels(current_app.name, request.method, endpoint).observe(elapsed)
        return response


def refuse_nul_in_the_address(app: Flask) -> None:
    """A NUL character in the path or query (`%00`) is refused before any view runs: PostgreSQL
    cannot compare text with it, and no real identifier holds one."""
    @app.before_request
    def _refuse_nul():
        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
            raise ApiError(400, "invalid_characters", "The address holds a NUL character.")


def install_common(app: Flask, engine: Engine, probe: KafkaProbe,
                   streams: metrics.StreamCollector | None = None,
                   guard_metrics: Callable[[], None] | None = None, *, mail: bool = False) -> None:
    """Errors, request metrics and the health endpoints, as every service has them."""
    install_error_handlers(app)
    refuse_nul_in_the_address(app)
    install_request_metrics(app)
    app.register_blueprint(health_blueprint(engine, probe, streams, guard_metrics, mail=mail))
