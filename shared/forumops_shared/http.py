"""The HTTP edge every service shares: refusals answered with their reason (vi and en), JSON
bodies through a strict schema, uploads, bearer tokens."""
from __future__ import annotations

from typing import Mapping

from flask import Flask, jsonify, request
from marshmallow import RAISE, Schema, ValidationError, pre_load

from .normalise import clean_text
from .refusals import Reason, Refusal
from .tokens import tokens_equal


class StrictSchema(Schema):
    """An HTTP payload: unknown fields refused; the text fields named in `TEXT_FIELDS` cleaned
    (NFC, trimmed) before validation."""

    TEXT_FIELDS: tuple[str, ...] = ()

    class Meta:
        unknown = RAISE

    @pre_load
    def _clean_text(self, data, **_kwargs):
        if not isinstance(data, dict):
            return data
        with_nul = [k for k, v in data.items() if _holds_nul(v)]
        if with_nul:  # PostgreSQL text cannot hold it; no person types it
            raise ValidationError({k: ["Must not contain the NUL character."] for k in with_nul})
        return {k: clean_text(v) if k in self.TEXT_FIELDS and isinstance(v, str) else v
                for k, v in data.items()}


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def install_refusals(app: Flask, reasons: Mapping[str, Reason]) -> None:
    """Answer refusals as `{"status", "reason", "message", "errors"}` in the caller's language
    (Vietnamese unless Accept-Language prefers English)."""

    def render(reason: str, errors=None, message=None, headers=None):
        text = reasons[reason]
        english = request.accept_languages.best_match(["vi", "en"], default="vi") == "en"
        body = {"status": "error", "reason": reason,
                "message": (message or text.en) if english else text.vi}
        if errors:
            body["errors"] = errors
        response = jsonify(body)
        response.headers.update(headers or {})
        return response, text.status

    @app.errorhandler(Refusal)
    def _refusal(exc: Refusal):
        return render(exc.reason, exc.errors, exc.message, exc.headers)

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
