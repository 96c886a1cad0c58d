"""Uploaded text files as people have them: the bytes decoded, or refused with the encoding to
choose.

Excel writes "CSV UTF-8" with a BOM, "Unicode Text" as UTF-16 (LE, with a BOM), and plain "CSV"
in the Windows code page: Windows-1258 on Vietnamese Windows, which writes a tone as a combining
mark after its vowel. Text is returned NFC, so a name read from any of them compares and prints
exactly as typed. Bytes that are none of these (or Windows-1258 that does not read as Vietnamese:
then it was another code page) are refused rather than guessed.
"""
from __future__ import annotations

import codecs
import unicodedata

from .refusals import Refusal

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))  # UTF-32 LE first: FF FE 00 00
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a zip) and .xls

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VIETNAMESE = {unicodedata.normalize("NFC", v + t) for v in _VOWELS + _VOWELS.upper() for t in _TONES} | set("đĐ")

ENCODING_TEXTS = {
    "spreadsheet_not_csv": (
        "Đây là tệp bảng tính Excel, không phải CSV. Trong Excel chọn Tệp › Lưu thành › "
        "“CSV UTF-8 (Comma delimited) (*.csv)” rồi gửi tệp đó.",
        "This is an Excel workbook, not a CSV. In Excel choose File › Save As › "
        "“CSV UTF-8 (Comma delimited) (*.csv)” and send that file."),
    "unknown_encoding": (
        "Không nhận ra bảng mã của tệp (chỉ đọc UTF-8, UTF-16 có BOM và Windows-1258 tiếng Việt). "
        "Trong Excel chọn Tệp › Lưu thành › “CSV UTF-8 (Comma delimited) (*.csv)” rồi gửi lại.",
        "The file's encoding cannot be recognised safely (UTF-8, UTF-16 with a BOM and Vietnamese "
        "Windows-1258 are read). In Excel choose File › Save As › “CSV UTF-8 (Comma delimited) (*.csv)” "
        "and send it again."),
}


def decode_text(raw: bytes) -> str:
    """The text of an uploaded file, NFC; a Refusal (invalid_csv) naming the encoding to choose."""
    if raw.startswith(_WORKBOOKS):
        raise _refusal("spreadsheet_not_csv")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _nfc(_strict(raw[len(bom):], encoding))
    if b"\x00" in raw:  # UTF-16 without its BOM, or not text at all: either way not safe to guess
        raise _refusal("unknown_encoding")
    try:
        return _nfc(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return _windows_1258(raw)


def _strict(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _refusal("unknown_encoding") from exc


def _windows_1258(raw: bytes) -> str:
    """Windows-1258 when every letter it gives is Vietnamese: a tone mark left uncomposed (after
    a consonant), or a letter such as ß, ñ or Ø, means another code page: refused, not misread.
    (Symbols, € “ ” – °, read the same in the neighbouring code pages.)"""
    try:
        text = _nfc(raw.decode("cp1258"))
    except UnicodeDecodeError as exc:
        raise _refusal("unknown_encoding") from exc
    if any(unicodedata.category(ch)[0] in "LM" for ch in text if ord(ch) > 0x7F and ch not in _VIETNAMESE):
        raise _refusal("unknown_encoding")
    return text


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _refusal(code: str) -> Refusal:
    vi, en = ENCODING_TEXTS[code]
    return Refusal("invalid_csv", {"file": [en]}, message=(vi, en), detail={"problems": [{"code": code}]})
