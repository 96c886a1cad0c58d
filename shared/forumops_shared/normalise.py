"""What we do to what people type: Unicode NFC and trimmed, otherwise kept as written.

Shared because services must agree: check-in matches attendance reports to registrations by
the same email key registration uses to refuse a second registration.
"""
from __future__ import annotations

import unicodedata


def clean_text(value: str | None) -> str | None:
    """NFC-normalised, trimmed, inner runs of whitespace kept; empty becomes None."""
    if value is None:
        return None
    cleaned = unicodedata.normalize("NFC", value).strip()
    return cleaned or None


def email_key(email: str) -> str:
    """The form two addresses are compared in: NFC, trimmed, case-folded."""
    return unicodedata.normalize("NFC", email).strip().casefold()
