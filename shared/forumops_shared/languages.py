"""Texts given per language ({"vi": ..., "en": ...}): the one rule for which a person reads,
for pages and for use cases alike (it imports nothing of Flask)."""
from __future__ import annotations


def in_language(versions: dict[str, str], lang: str) -> str | None:
    """The text in `lang`, else Vietnamese, else any."""
    return versions.get(lang) or versions.get("vi") or next(iter(versions.values()), None)
