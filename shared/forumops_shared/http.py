"""The HTTP edge every service shares: refusals answered with their reason (vi and en), JSON
bodies through a strict schema, uploads and CSV downloads, bearer tokens."""
from __future__ import annotations

from typing import Iterable, Mapping
from urllib.parse import quote

from flask import Flask, Response, jsonify, request, stream_with_context
from marshmallow import Schema, ValidationError
from werkzeug.utils import secure_filename

from .csvfiles import csv_line
from .refusals import Reason, Refusal
from .textfiles import decode_text
from .tokens import tokens_equal


def install_refusals(app: Flask, reasons: Mapping[str, Reason]) -> None:
    """Answer refusals as `{"status", "reason", "message", "errors"?, "detail"?}` in the caller's language
    (Vietnamese unless Accept-Language prefers English)."""

    def render(reason: str, errors=None, message=None, headers=None, detail=None):
        text = reasons[reason]
        english = request.accept_languages.best_match(["vi", "en"], default="vi") == "en"
        vi, en = message if isinstance(message, tuple) else (text.vi, message or text.en)
        body = {"status": "error", "reason": reason, "message": en if english else vi}
        if errors:
            body["errors"] = errors
        if detail:
            body["detail"] = detail
        response = jsonify(body)
        response.headers.update(headers or {})
        return response, text.status

    @app.errorhandler(Refusal)
    def _refusal(exc: Refusal):
        return render(exc.reason, exc.errors, exc.message, exc.headers, exc.detail)

    @app.errorhandler(413)
    def _too_large(_exc):
        return render("body_too_large")


def json_body(schema: Schema, *, limit: int, partial: bool = False) -> dict:
    """The body loaded through `schema`: 415, 413 or 422 with field errors otherwise."""
    if request.content_length and request.content_length > limit:
        raise Refusal("body_too_large")
    if not request.is_json:
        raise Refusal("unsupported_media_type", message="Send application/json.")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise Refusal("validation_failed", {"_body": ["Must be a JSON object."]})
    try:
        return schema.load(payload, partial=partial)
    except ValidationError as exc:
        raise Refusal("validation_failed", exc.messages) from exc


def query_args(schema: Schema) -> dict:
    """The query string loaded through `schema`: 422 with field errors otherwise."""
    try:
        return schema.load(request.args.to_dict())
    except ValidationError as exc:
        raise Refusal("validation_failed", exc.messages) from exc


def uploaded_file(*, limit: int) -> bytes:
    """An uploaded file, as the raw body (text/csv) or the `file` field of a form; 413 over `limit`."""
    if request.content_length and request.content_length > limit:
        raise Refusal("body_too_large")
    upload = request.files.get("file")
    return upload.read() if upload else request.get_data()


def uploaded_text(*, limit: int) -> str:
    """An uploaded CSV (raw text/csv body or the `file` form field) as text, NFC: UTF-8 with or
    without a BOM, UTF-16 with one, Windows-1258; otherwise refused naming the encoding to choose."""
    return decode_text(uploaded_file(limit=limit))


def csv_download(filename: str, header: Iterable[str], rows: Iterable[Iterable]) -> Response:
    """A streamed CSV download, UTF-8 with a BOM so that spreadsheets show Vietnamese."""
    def lines():
        yield "\ufeff" + csv_line(header)
        for row in rows:
            yield csv_line(row)

    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": attachment(filename)})


def attachment(filename: str) -> str:
    """Content-Disposition for a download named after user input (a slug from the URL): an ASCII
    name for old clients and the exact one encoded (RFC 6266), so the header is always valid."""
    fallback = secure_filename(filename) or "download.csv"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_token(expected: str | None) -> None:
    """The request must carry `expected` (an organiser token) as its bearer token: 401 without a
    token, 403 with another one."""
    token = bearer_token()
    if token is None:
        raise Refusal("unauthenticated")
    if not tokens_equal(token, expected):
        raise Refusal("forbidden")
