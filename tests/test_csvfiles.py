"""Reading CSV files as people have them: a table of files (bytes as Excel and others write
them) and the rows, or the refusal, each one gives."""
import codecs
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from checkin.domain.attendance_reports import read_report
from forumops_shared.csvfiles import csv_rows
from forumops_shared.refusals import Refusal
from forumops_shared.textfiles import decode_text

from .support.excel_files import csv_macintosh, csv_utf8, csv_windows_1258, unicode_text

HEADER = ["full_name", "email", "organisation"]
PEOPLE = [["Nguyễn Văn Anh", "anh@moet.gov.vn", "Sở GD&ĐT Hà Nội; Phòng Tổ chức"],
          ["Trần Thị Hồng Nhung", "nhung@x.vn", "Trường THPT Nguyễn Trãi, Ba Đình"],
          ["Phạm Đức Thắng", "thang@x.vn", "Đại học Huế"],
          ["Lê Thị Ánh Tuyết", "tuyet@x.vn", "Trường Mầm non Ẵm Ưng \"Hoa Sen\""],
          ["Nguỵ Văn Ẩn", "an@x.vn", "Phòng GD&ĐT Quận Thủ Đức"]]
EXPECTED = [(line, dict(zip(HEADER, person))) for line, person in enumerate(PEOPLE, start=2)]
REQUIRED = ("full_name", "email")


def rows_of(raw: bytes) -> list:
    return list(csv_rows(decode_text(raw), REQUIRED))


def refusal_of(raw: bytes) -> list[dict]:
    with pytest.raises(Refusal) as refused:
        rows_of(raw)
    assert refused.value.reason == "invalid_csv"
    return refused.value.detail["problems"]


READ = {
    "utf-8 with BOM, comma (Excel: CSV UTF-8)": csv_utf8([HEADER] + PEOPLE, sep=","),
    "utf-8 with BOM, semicolon (Excel on Vietnamese Windows)": csv_utf8([HEADER] + PEOPLE, sep=";"),
    "utf-8 without BOM, LF (Google Sheets, LibreOffice)": csv_utf8([HEADER] + PEOPLE, sep=",")[3:].replace(b"\r\n", b"\n"),
    "windows-1258, semicolon (Excel: CSV on Vietnamese Windows)": csv_windows_1258([HEADER] + PEOPLE),
    "utf-16 LE with BOM, tab (Excel: Unicode Text)": unicode_text([HEADER] + PEOPLE),
    "utf-16 BE with BOM, tab": codecs.BOM_UTF16_BE + unicode_text([HEADER] + PEOPLE)[2:].decode(
        "utf-16-le").encode("utf-16-be"),
    "CR line ends (Excel: CSV Macintosh)": csv_macintosh([HEADER] + PEOPLE),
    "Excel's sep= line first": b"sep=,\r\n" + csv_utf8([HEADER] + PEOPLE, sep=",")[3:],
    "headers in capitals with spaces around": csv_utf8([[" Full_Name ", "EMAIL", "Organisation "]] + PEOPLE),
    "utf-8 decomposed (NFD), as some Macs write": unicodedata.normalize(
        "NFD", csv_utf8([HEADER] + PEOPLE).decode("utf-8-sig")).encode("utf-8"),
}


@pytest.mark.parametrize("raw", READ.values(), ids=READ.keys())
def test_every_file_as_people_have_it_reads_back_every_vietnamese_name_exactly(raw):
    after_sep_line = raw.startswith(b"sep=")
    assert rows_of(raw) == [(line + after_sep_line, row) for line, row in EXPECTED]


def test_windows_1258_is_read_from_its_combining_tone_marks():
    # As Windows writes "Nguyễn Văn Đức": ê (EA) then a combining tilde (DE), ă (E3), Đ (D0), ư (FD), acute (EC).
    raw = b"full_name;email\r\nNguy\xea\xden V\xe3n \xd0\xfd\xecc;duc@x.vn\r\n"
    [(line, row)] = rows_of(raw)
    assert row["full_name"] == "Nguyễn Văn Đức" and len(row["full_name"]) == 14  # precomposed (NFC)


def test_a_header_only_file_has_no_rows_and_blank_lines_are_skipped_but_counted():
    assert rows_of(b"full_name,email\r\n") == []
    assert rows_of(b"full_name,email\r\n\r\nAn,an@x.vn\r\n") == [(3, {"full_name": "An", "email": "an@x.vn"})]


def test_a_cell_with_a_quoted_line_break_is_one_row_and_the_next_row_keeps_its_line():
    rows = rows_of(b'full_name,email,organisation\n"An",an@x.vn,"S\xe1\xbb\x9f\nGD"\nB\xc3\xacnh,b@x.vn,\n')
    assert rows == [(2, {"full_name": "An", "email": "an@x.vn", "organisation": "Sở\nGD"}),
                    (4, {"full_name": "Bình", "email": "b@x.vn", "organisation": ""})]


REFUSED = {
    "a stray CR inside an unquoted cell": (b"full_name,email\r\nAn,an@x.vn\r\nB\xc3\xacnh\rTr\xe1\xba\xa7n,b@x.vn\r\n",
                                           [{"code": "stray_line_break", "line": 3}]),
    "a quote never closed": (b'full_name,email\nAn,an@x.vn\n"B\xc3\xacnh,b@x.vn\nC,c@x.vn\n',
                             [{"code": "unclosed_quote", "line": 3}]),
    "text after a closing quote": (b'full_name,email\n"An" Jr,an@x.vn\n', [{"code": "text_after_quote", "line": 2}]),
    "an unquoted comma shifting the row (two of them)": (
        b"full_name,email\nNguyen, Van An,an@x.vn\nB,b@x.vn\nC, D,c@x.vn\n",
        [{"code": "extra_cells", "line": 2, "cells": 3, "expected": 2},
         {"code": "extra_cells", "line": 4, "cells": 3, "expected": 2}]),
    "a required column missing": (b"full_name;phone\nAn;0912\n", [{"code": "missing_columns", "columns": ["email"]}]),
    "a column named twice": (b"full_name,Email,EMAIL\n", [{"code": "duplicate_columns", "columns": ["email"]}]),
    "an empty file": (b"", [{"code": "empty_file"}]),
    "a cell past the csv module's limit": (b"full_name,email\nA,a@x.vn\n" + b"B" * 200_000 + b",b@x.vn\n",
                                           [{"code": "cell_too_long", "line": 3}]),
    "an Excel workbook": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 20, [{"code": "spreadsheet_not_csv"}]),
    "UTF-16 without its BOM": ("full_name\temail\r\nAn\tan@x.vn\r\n".encode("utf-16-le"),
                               [{"code": "unknown_encoding"}]),
    "Windows-1252 (German), not Vietnamese": ("full_name;email\r\nJürgen Groß;j@x.de\r\n".encode("cp1252"),
                                             [{"code": "unknown_encoding"}]),
    "a tone mark after a consonant: not Windows-1258": (b"full_name;email\r\nAn\xecn;a@x.vn\r\n",
                                                        [{"code": "unknown_encoding"}]),
    "a UTF-8 BOM on bytes that are not UTF-8": (codecs.BOM_UTF8 + b"full_name,email\nB\xecnh,b@x.vn\n",
                                                [{"code": "unknown_encoding"}]),
}


@pytest.mark.parametrize("raw, problems", REFUSED.values(), ids=REFUSED.keys())
def test_a_file_that_cannot_be_read_safely_is_refused_whole_naming_each_problem_and_line(raw, problems):
    assert refusal_of(raw) == problems


def test_a_refusal_says_in_both_languages_which_line_and_which_encoding_to_choose():
    with pytest.raises(Refusal) as stray:
        rows_of(b"full_name,email\r\nAn\rB,an@x.vn\r\n")
    vi, en = stray.value.message
    assert vi.startswith("Dòng 2:") and en.startswith("Line 2:") and stray.value.errors == {"file": [en]}
    with pytest.raises(Refusal) as encoding:
        rows_of("full_name;email\r\nJürgen Groß;j@x.de\r\n".encode("cp1252"))
    assert all("CSV UTF-8" in text for text in encoding.value.message)


def test_windows_1258_symbols_read_as_written_and_a_foreign_letter_is_not_guessed():
    [(_, row)] = rows_of(csv_windows_1258([["full_name", "email"], ["Trần “Bé” – 50°", "a@x.vn"]]))
    assert row["full_name"] == "Trần “Bé” – 50°"
    assert refusal_of("full_name;email\r\nNuñez;a@x.vn\r\n".encode("cp1258")) == [{"code": "unknown_encoding"}]


PIECES = st.sampled_from(list(',;\t\r\n" aĐễ\u2028\x85\ufeff\x00\u0301') + ["code", "name", "Join Time", "Leave Time",
                                                                          "Email", "sep=", "1. Summary", "\r\n"])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258"]))
def test_whatever_the_bytes_the_readers_give_rows_or_a_refusal_with_its_codes_never_an_error(text, encoding):
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        return
    for read in (lambda: csv_rows(decode_text(raw), ("code", "name")), lambda: read_report(raw, "Asia/Ho_Chi_Minh")):
        try:
            read()
        except Refusal as refused:
            assert refused.reason == "invalid_csv" and refused.detail["problems"]
