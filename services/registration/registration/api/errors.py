"""Refusals as JSON with a stable reason, in the caller's language (Vietnamese by default)."""
from __future__ import annotations

import math
import time

from flask import Flask, jsonify, request
from flask_limiter.errors import RateLimitExceeded

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


def install(app: Flask, limiter) -> None:
    @app.errorhandler(RegistrationError)
    def _registration_error(exc: RegistrationError):
        return refusal(exc.reason, exc.errors, exc.message)

    @app.errorhandler(413)
    def _too_large(_exc):
        return refusal("body_too_large")

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(_exc):
        response, status = refusal("rate_limited")
        reset_at = limiter.current_limit.reset_at if limiter.current_limit else time.time() + 60
        response.headers["Retry-After"] = str(max(1, math.ceil(reset_at - time.time())))
        return response, status
