"""Payloads the APIs take: strict marshmallow schemas (unknown fields refused, text cleaned).

Loaded at the HTTP edge (http.json_body) and by use cases that read uploaded rows (CSV imports),
so this module needs no Flask.
"""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, pre_load

from .normalise import clean_text


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
