"""What a forum's fields mean beyond their shape."""
from __future__ import annotations

from typing import Sequence


def titles_of(title: str | dict[str, str], languages: Sequence[str]) -> dict[str, str]:
    """The forum's title per language; a plain string is its title in the forum's first language."""
    return {languages[0]: title} if isinstance(title, str) else dict(title)
