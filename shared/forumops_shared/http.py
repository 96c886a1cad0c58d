"""The HTTP edge every service shares: refusals answered with their reason (vi and en), JSON
bodies through a strict schema, uploads and CSV downloads, bearer tokens."""
from __future__ import annotations

from typing import Callable, Iterable, Mapping, NoReturn
from urllib.parse import quote

from flask import Flask, Response, jsonify, request, stream_with_context
from marshmallow import Schema, ValidationError
from werkzeug.utils import secure_filename

from .csvfiles import csv_line
from .jsonbody import read_json
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
        return render("body_too_large", headers=CLOSE)


# A refused body may still be on its way: the connection closes after the answer, never silently
# later (forumops_shared.gunicorn_worker honours this header, which gunicorn would otherwise drop).
CLOSE = {"Connection": "close"}


def json_body(schema: Schema, *, limit: int, partial: bool = False) -> dict:
    """The body loaded through `schema`: 413, 415, 400 (not usable JSON: jsonbody.read_json) or
    422 with field errors otherwise."""
    if request.content_length and request.content_length > limit:
        raise Refusal("body_too_large", headers=CLOSE)
    if not request.is_json:
        raise Refusal("unsupported_media_type", message="Send application/json.")
    raw = request.get_data(cache=True)  # a chunked body has no Content-Length to check first
    if len(raw) > limit:
        raise Refusal("body_too_large", headers=CLOSE)
    payload = read_json(raw)
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
        raise Refusal("body_too_large", headers=CLOSE)
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


def require_token(expected: str | None, known: Callable[[str], bool] | None = None) -> str:
    """The request must carry `expected` (an organiser token) as its bearer token; refused by
    `refuse_caller` otherwise, `known` telling the service's other valid tokens."""
    token = bearer_token()
    if not tokens_equal(token, expected):
        refuse_caller(token, known)
    return token


def refuse_caller(token: str | None, known: Callable[[str], bool] | None = None) -> NoReturn:
    """The one rule for refusing a caller, the same on every service and path: 401
    `unauthenticated` for a missing, unknown or wrong token (nothing said about which); 403
    `forbidden` for a valid token (`known(token)`: an organiser's, a participant's manage token,
    a device's) that does not grant this."""
    if token is None or known is None or not known(token):
        raise Refusal("unauthenticated")
    raise Refusal("forbidden")


def keep_answers_private(app: Flask) -> None:
    """Every answer says `nosniff`, and none is stored by a browser or a proxy (`no-store`) unless
    its view set a Cache-Control of its own (a PDF revalidated by its ETag, the static files).
    API answers carry tokens (a registration's manage token, a device's), people's data (lists,
    exports, a participant's view, the roster of a door) or figures of the moment; telling apart
    the few public ones that a cache could keep is not worth a rule that can be got wrong."""

    @app.after_request
    def _private(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response
