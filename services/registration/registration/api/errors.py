"""Refusals as JSON with a stable reason, in the caller's language (Vietnamese by default)."""
from __future__ import annotations

from flask import Flask, jsonify, request

from ..reasons import REASONS, RegistrationError


def _language() -> str:
    return request.accept_languages.best_match(["vi", "en"], default="vi")


def refusal(reason: str, errors: dict | None = None, message: str | None = None):
    text = REASONS[reason]
    body = {"status": "error", "reason": reason,
            "message": message if message and _language() == "en" else getattr(text, _language())}
    if errors:
        body["errors"] = errors
    return jsonify(body), text.status


def install(app: Flask) -> None:
    @app.errorhandler(RegistrationError)
    def _registration_error(exc: RegistrationError):
        response, status = refusal(exc.reason, exc.errors, exc.message)
        response.headers.update(exc.headers)
        return response, status

    @app.errorhandler(413)
    def _too_large(_exc):
        return refusal("body_too_large")
