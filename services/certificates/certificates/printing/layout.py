"""Fitting the certificate's texts into the space above the footer, every character printed.

Each text has the size it is set in when there is room, and a smallest size it shrinks to on
one line before it wraps (a name reads back as one piece as long as it can). If the texts
still need more height than there is, everything is set smaller together until they fit: a
300-character title and a 500-character organisation shrink the page's type, never lose a word.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

LEADING = 1.25  # line height, in sizes
DESCENT = 0.3  # below the last baseline, in sizes (Noto Serif's descenders)
SHRINK = 0.94  # each try sets everything this much smaller
SMALLEST_SCALE = 0.1
SEPARATOR = " · "


@dataclass(frozen=True)
class Text:
    """One text of the body: its preferred size, the size it shrinks to before wrapping, and
    the space kept above it."""

    text: str
    font: str
    size: float
    smallest: float
    gap: float
    colour: object
    # A list (the sessions attended): `text` is its items joined by SEPARATOR, and lines break
    # between items, inside one only when it alone is wider than the line.
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Setting:
    """A text as it will be drawn: the space above it, its size and its lines."""

    text: Text
    gap: float
    size: float
    lines: list[str]


def fit(texts: list[Text], width: float, height: float) -> list[Setting]:
    """The texts set to fit `width` and, together with their gaps, `height`."""
    scale = 1.0
    while True:
        settings = [_set(t, scale, width) for t in texts]
        if height_of(settings) <= height or scale < SMALLEST_SCALE:
            return settings
        scale *= SHRINK


def _set(text: Text, scale: float, width: float) -> Setting:
    one_line = 0.999 * width / max(stringWidth(text.text, text.font, 1), 1e-6)  # the size filling the width
    size = max(min(text.size * scale, one_line), text.smallest * scale)
    lines = wrap_items(text.items, text.font, size, width) if text.items else wrap(text.text, text.font, size, width)
    return Setting(text, text.gap * scale, size, lines)


def height_of(settings: list[Setting]) -> float:
    drawn = sum(s.gap + len(s.lines) * s.size * LEADING for s in settings)
    return drawn + (settings[-1].size * DESCENT if settings else 0)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines no wider than `width`: broken between words, and inside a word only if the word
    alone is wider (never between a letter and its combining marks)."""
    return _fill(text.split(), " ", _broken, font, size, width)


def wrap_items(items: tuple[str, ...], font: str, size: float, width: float) -> list[str]:
    """Lines of items joined by SEPARATOR, no wider than `width`, each item kept on one line
    where it fits on one (so that it reads back whole)."""
    return _fill(items, SEPARATOR, wrap, font, size, width)


def _fill(parts, joiner: str, split, font: str, size: float, width: float) -> list[str]:
    """`parts` joined by `joiner` on a line while they fit in `width`; a part that does not fit
    starts the next line, through `split` (its lines, more than one where it alone is wider)."""
    lines: list[str] = []
    line = ""
    for part in parts:
        candidate = f"{line}{joiner}{part}" if line else part
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        pieces = split(part, font, size, width)
        lines.extend(pieces[:-1])
        line = pieces[-1]
    if line or not lines:
        lines.append(line)
    return lines


def _broken(word: str, font: str, size: float, width: float) -> list[str]:
    pieces, piece = [], ""
    for cluster in _clusters(word):
        if piece and stringWidth(piece + cluster, font, size) > width:
            pieces.append(piece)
            piece = ""
        piece += cluster
    return pieces + [piece]


def _clusters(word: str) -> list[str]:
    """A letter with the combining marks that follow it, as one piece."""
    clusters: list[str] = []
    for ch in word:
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters
