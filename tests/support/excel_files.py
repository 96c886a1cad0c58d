"""CSV files byte for byte as Excel writes them, for tests of imports.

- "CSV UTF-8 (Comma delimited)": a UTF-8 BOM, CRLF; the list separator is the region's: a
  semicolon on a Vietnamese Windows (its decimal mark is the comma).
- "CSV (Comma delimited)" on a Vietnamese Windows: code page 1258, which has no precomposed
  toned vowels: Windows writes the vowel (ê, ơ, ...) then the tone as a combining mark.
- "Unicode Text": UTF-16 LE with a BOM, tab-separated.
- "CSV (Macintosh)": lines ended by CR alone.
A cell holding the separator, a quote or a line break is quoted, quotes doubled.
"""
from __future__ import annotations

import codecs
import unicodedata

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cell(value: str, sep: str) -> str:
    if any(ch in value for ch in (sep, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def _text(rows: list[list[str]], sep: str, end: str = "\r\n") -> str:
    return "".join(sep.join(_cell(v, sep) for v in row) + end for row in rows)


def csv_utf8(rows: list[list[str]], sep: str = ";") -> bytes:
    return codecs.BOM_UTF8 + _text(rows, sep).encode("utf-8")


def csv_windows_1258(rows: list[list[str]], sep: str = ";") -> bytes:
    return b"".join(_cp1258(ch) for ch in _text(rows, sep))


def unicode_text(rows: list[list[str]]) -> bytes:
    return codecs.BOM_UTF16_LE + _text(rows, "\t").encode("utf-16-le")


def csv_macintosh(rows: list[list[str]], sep: str = ",") -> bytes:
    return _text(rows, sep, end="\r").encode("utf-8")


def _cp1258(ch: str) -> bytes:
    try:
        return ch.encode("cp1258")
    except UnicodeEncodeError:  # a toned vowel: the vowel (with its hat, breve or horn), then the tone
        marks = unicodedata.normalize("NFD", ch)
        tone = "".join(m for m in marks if m in _TONES)
        vowel = unicodedata.normalize("NFC", "".join(m for m in marks if m not in _TONES))
        return vowel.encode("cp1258") + tone.encode("cp1258")
