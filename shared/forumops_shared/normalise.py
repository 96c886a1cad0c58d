"""What we do to what people type: Unicode NFC and trimmed, otherwise kept as written; and what we
refuse in it, because it could not be shown, printed or read back as the person meant it.

Shared because services must agree: check-in matches attendance reports to registrations by
the same email key registration uses to refuse a second registration, and a name refused at one
door must be refused at every other.
"""
from __future__ import annotations

import unicodedata

# Letters that draw nothing: with only these a name looks empty on the page and in the PDF.
INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")

# Named in a refusal's message by what they do; every other format character (Cf) is refused too.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def clean_text(value: str | None) -> str | None:
    """NFC-normalised, trimmed, inner runs of whitespace kept; empty becomes None."""
    if value is None:
        return None
    cleaned = unicodedata.normalize("NFC", value).strip()
    return cleaned or None


def email_key(email: str) -> str:
    """The form two addresses are compared in: NFC, trimmed, case-folded."""
    return unicodedata.normalize("NFC", email).strip().casefold()


def text_problem(text: str, *, needs_letter: bool = False) -> str | None:
    """Why `text` (person-facing, one line: a name, an organisation, a title) cannot be kept, or
    None. Refused: control characters (line breaks included), bidirectional controls, zero-width
    and other invisible formatting characters, lone surrogates; with `needs_letter`, text without
    a visible letter. Combining marks are kept (Vietnamese typed in decomposed form)."""
    for char in text:
        if char in _BIDI:
            return f"Must not contain the bidirectional control U+{ord(char):04X}."
        if char in _ZERO_WIDTH:
            return f"Must not contain the zero-width character U+{ord(char):04X}."
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            return f"Must not contain the control character U+{ord(char):04X}."
        if category in ("Cf", "Cs"):
            return f"Must not contain the invisible character U+{ord(char):04X}."
    if needs_letter and not any(is_visible_letter(c) for c in text):
        return "Must contain at least one letter."
    if not needs_letter and not any(_is_visible(c) for c in text):
        return "Must contain a visible character."
    return None


def is_visible_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L") and char not in INVISIBLE_LETTERS


def _is_visible(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNPS" and char not in INVISIBLE_LETTERS
