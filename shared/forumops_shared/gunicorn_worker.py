"""gunicorn's threaded worker, answering in the APIs' JSON error format where gunicorn itself would
answer (deploy/gunicorn.conf.py names it as `worker_class`).

Two things gunicorn decides before or after the app: a request line or headers it will not read
(414, 431, 400) get its HTML page, and the app's `Connection: close` is dropped (a hop-by-hop
header), so a refused body (413) was announced as kept alive and the connection dropped once
gunicorn gave up draining the body. Here those answers are `{"status", "reason", "message"}` and
the app's `Connection: close` closes the connection after the answer.
"""
from __future__ import annotations

import json
from http import HTTPStatus

from gunicorn import util
from gunicorn.http import errors
from gunicorn.workers.gthread import ThreadWorker

from .refusals import COMMON_REASONS

_STATUS_REASONS = {414: "uri_too_long", 431: "header_fields_too_large", 400: "bad_request"}


class JsonErrorsWorker(ThreadWorker):
    """gthread, with its own error answers in JSON and the app's `Connection: close` honoured."""

    def load_wsgi(self):
        super().load_wsgi()
        self.wsgi = closing_when_asked(self.wsgi)

    def handle_error(self, req, client, addr, exc):
        status = _status_of(exc)
        if status is None:  # 500, 501, 403 (proxy and TLS): gunicorn's answer and log line as they are
            return super().handle_error(req, client, addr, exc)
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            util.write_nonblock(client, error_response(status))
        except Exception:  # noqa: BLE001 - the client may be gone; as gunicorn does
            self.log.debug("Failed to send error message.")


def _status_of(exc: BaseException) -> int | None:
    if isinstance(exc, errors.LimitRequestLine):
        return 414
    if isinstance(exc, errors.LimitRequestHeaders):
        return 431
    if isinstance(exc, (errors.InvalidRequestLine, errors.InvalidRequestMethod, errors.InvalidHTTPVersion,
                        errors.InvalidHeader, errors.InvalidHeaderName, errors.ObsoleteFolding,
                        errors.InvalidChunkSize, errors.ChunkMissingTerminator, errors.InvalidChunkExtension,
                        errors.InvalidProxyLine, errors.InvalidSchemeHeaders)):
        return 400
    return None


def error_response(status: int) -> bytes:
    """A whole HTTP answer for `status`, in Vietnamese as the APIs answer without Accept-Language
    (the headers that would carry it were not read)."""
    reason = _STATUS_REASONS[status]
    text = COMMON_REASONS[reason]
    body = json.dumps({"status": "error", "reason": reason, "message": text.vi}, ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\r\n")
    return head.encode("latin-1") + body


def closing_when_asked(app):
    """The WSGI `app`, with its `Connection: close` making gunicorn close after the answer."""

    def wrapped(environ, start_response):
        def start(status, headers, exc_info=None):
            if any(k.lower() == "connection" and v.strip().lower() == "close" for k, v in headers):
                response = getattr(start_response, "__self__", None)  # gunicorn's Response
                if hasattr(response, "force_close"):
                    response.force_close()
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return wrapped
