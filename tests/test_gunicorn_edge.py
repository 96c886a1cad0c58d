"""What gunicorn answers before or beside the app, tested on a real gunicorn with the production
configuration (deploy/gunicorn.conf.py): a request line or headers too long, and a body too
large, get the APIs' JSON error format and a connection closed after the answer, not gunicorn's
HTML page or a connection announced as kept alive and then dropped."""
from __future__ import annotations

import json
import os
import socket

import pytest

from forumops_shared.config import ServiceSettings
from forumops_stack.brokers import NO_BROKER
from forumops_stack.testing import Databases, database_kind, free_port, settings_env

from .support.processes import Child, wait_until_serving
from .support.services import migrate

ADMIN_TOKEN = "organiser-token-for-the-gunicorn-edge-0123456789"


@pytest.fixture(scope="module")
def address(tmp_path_factory):
    """The registration API under gunicorn, on a migrated database (no broker: these answers need none)."""
    home = tmp_path_factory.mktemp("gunicorn-edge")
    databases = Databases(database_kind(), home, os.environ.get("FORUMOPS_TEST_POSTGRES_URL"))
    settings = ServiceSettings(service="registration", database_url=databases.new("registration"),
                               kafka_bootstrap_servers=NO_BROKER, topic_prefix="tedge.", var_dir=home / "var",
                               extra={"REGISTRATION_ADMIN_TOKEN": ADMIN_TOKEN})
    migrate(settings)
    port = free_port()
    env = {**settings_env(settings), "FORUMOPS_WEB_WORKERS": "1", "FORUMOPS_WEB_THREADS": "4"}
    api = Child.gunicorn_api("registration", port, env, home / "api.log")
    try:
        wait_until_serving(f"http://127.0.0.1:{port}")
        yield "127.0.0.1", port
    finally:
        api.stop()
        databases.drop_all()


def exchange(address, request: bytes, timeout_s: float = 10) -> tuple[dict, dict, bool]:
    """Send `request`, read one answer: (status and headers, the JSON body, closed after it)."""
    with socket.create_connection(address, timeout=timeout_s) as conn:
        try:
            conn.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading everything: the answer is still there to read
        head, body = read_answer(conn)
        try:
            closed = conn.recv(1) == b""
        except ConnectionResetError:
            closed = False  # dropped, not closed
        except socket.timeout:
            closed = False  # still open
        return head, json.loads(body), closed


def read_answer(conn: socket.socket) -> tuple[dict, bytes]:
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = conn.recv(65536)
        assert chunk, received
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    while len(body) < int(headers["content-length"]):
        chunk = conn.recv(65536)
        assert chunk, body
        body += chunk
    return {"status": int(lines[0].split()[1]), **headers}, body


def test_a_request_line_too_long_gets_414_in_json_and_the_connection_closes(address):
    head, body, closed = exchange(address, b"GET /api/v1/forums/" + b"x" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (head["status"], head["content-type"], body["status"], body["reason"]) == (
        414, "application/json", "error", "uri_too_long")
    assert head["connection"] == "close" and closed


@pytest.mark.parametrize("headers", [b"X-Big: " + b"a" * 10_000 + b"\r\n",
                                     b"".join(b"X-H%d: 1\r\n" % i for i in range(150))])
def test_header_fields_too_large_get_431_in_json_and_the_connection_closes(address, headers):
    head, body, closed = exchange(address, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert (head["status"], head["content-type"], body["reason"]) == (431, "application/json", "header_fields_too_large")
    assert head["connection"] == "close" and closed


def test_a_request_gunicorn_cannot_read_gets_400_in_json(address):
    head, body, closed = exchange(address, b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
    assert (head["status"], body["reason"], closed) == (400, "bad_request", True)


@pytest.mark.parametrize("size", [100_000, 3 * 1024 * 1024])  # over the JSON limit; over every body limit
def test_a_body_too_large_gets_413_in_json_and_the_connection_closes_after_the_answer(address, size):
    request = (b"POST /api/v1/forums/f/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % size) + b"x" * size
    head, body, closed = exchange(address, request)
    assert (head["status"], body["reason"]) == (413, "body_too_large")
    assert head["connection"] == "close" and closed


def test_other_refusals_keep_the_connection_alive(address):
    request = b"POST /api/v1/forums/f/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" \
              b"Content-Length: 2\r\n\r\n[]"
    with socket.create_connection(address, timeout=10) as conn:
        for _ in range(2):  # the second is served on the same connection
            conn.sendall(request)
            head, body = read_answer(conn)
            assert (head["status"], head["connection"], json.loads(body)["reason"]) == (
                422, "keep-alive", "validation_failed")
