"""The rules of the shared JSON edge, without a server: what a body must be to be read, what text a
person-facing field may hold, what a point code is, and which booleans and integers count."""
from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from forumops_shared.jsonbody import MAX_DEPTH, read_json
from forumops_shared.normalise import text_problem
from forumops_shared.payloads import StrictBoolean, StrictInteger, point_code_problem
from forumops_shared.refusals import COMMON_REASONS, Refusal

from .support.malformed import maybe_malformed

ANH = "Nguyễn Văn Anh"


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def refusal_of(raw: bytes) -> tuple[str, dict] | None:
    try:
        read_json(raw)
    except Refusal as exc:
        return exc.reason, exc.errors
    return None


@pytest.mark.parametrize("raw, reason", [
    (b'{"full_name": "\\ud800"}', "invalid_characters"),
    (b'{"full_name": "Anh \\udc00 Nguyen"}', "invalid_characters"),
    (b'{"\\udfff": 1}', "invalid_characters"),
    (b'{"recipients": [{"name": "ok"}, {"name": "\\ud83d"}]}', "invalid_characters"),
    (b"[" * 20_000 + b"]" * 20_000, "json_too_deep"),
    (b'{"a": ' * 20_000 + b"1" + b"}" * 20_000, "json_too_deep"),
    (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "json_too_deep"),
    (b'{"capacity": 1e400}', "number_out_of_range"),
    (b'{"capacity": -1e400}', "number_out_of_range"),
    (b'{"capacity": ' + b"9" * 5000 + b"}", "number_out_of_range"),
    (b'{"capacity": 9223372036854775808}', "number_out_of_range"),
    (b'{"capacity": NaN}', "malformed_json"),
    (b'{"capacity": Infinity}', "malformed_json"),
    (b'{"full_name": "\xff\xfe"}', "malformed_json"),
    (b'{"full_name": "\xed\xa0\x80"}', "malformed_json"),  # a surrogate encoded as UTF-8 bytes
    ('{"full_name": "Anh"}'.encode("utf-16"), "malformed_json"),
    (b'{"full_name": ', "malformed_json"),
    (b"", "malformed_json"),
])
def test_a_body_that_cannot_be_used_is_refused_with_a_400_reason(raw, reason):
    refused = refusal_of(raw)
    assert refused is not None and refused[0] == reason
    assert COMMON_REASONS[reason].status == 400


def test_a_lone_surrogate_is_named_by_its_path():
    assert refusal_of(b'{"recipients": [{"name": "ok"}, {"name": "\\ud83d"}]}')[1] == {
        "recipients.1.name": ["Holds a lone UTF-16 surrogate, which is not text."]}


@pytest.mark.parametrize("raw, value", [
    ('{"full_name": "Nguyễn Văn Anh", "n": -12, "x": 1.5}'.encode(), {"full_name": ANH, "n": -12, "x": 1.5}),
    (b'{"emoji": "\\ud83d\\ude00"}', {"emoji": "\U0001F600"}),  # a surrogate pair is one character
    ("\ufeff{}".encode(), {}),
    (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, nested(MAX_DEPTH)),
    (b'{"n": 9223372036854775807}', {"n": 2**63 - 1}),
])
def test_usable_json_is_read_as_written(raw, value):
    assert read_json(raw) == value


@pytest.mark.parametrize("text, needs_letter", [
    ("\u202eNguyễn Văn Anh", True), ("Nguyễn\u2066 Văn Anh", False), ("Anh\u200f", True), ("\u061cAnh", True),
    ("Nguyễn\u200bVăn", True), ("Anh\u2060", False), ("\ufeffAnh", True), ("A\u200dnh", True),
    ("Anh\x07", True), ("Anh\nNguyễn", True), ("Anh\tNguyễn", False), ("Anh\x7f", True), ("Anh\u2028", True),
    ("\u200b\u200b\u200b", True), ("\u3164\u3164", True), ("\u2800", False), ("123 - 456", True),
    ("\u0301\u0301", True), ("\u00ad", False),
])
def test_text_a_page_or_a_pdf_would_not_show_as_written_is_refused(text, needs_letter):
    assert text_problem(text, needs_letter=needs_letter) is not None


@pytest.mark.parametrize("text", [
    ANH, unicodedata.normalize("NFD", ANH), "Đinh Thị Mỹ Linh", "Trường THPT Chu Văn An", "O'Brien-Smith Jr.",
    "Lê Thị Hồng Nhung (Sở GD&ĐT Hà Nội)", "陈明", "Иван", "محمد",
])
def test_names_as_people_write_them_are_kept(text):
    assert text_problem(text, needs_letter=True) is None


@pytest.mark.parametrize("code", ["HN-01", "P00-00", "hcm_2", "A", "x" * 64])
def test_plain_point_codes_are_accepted(code):
    assert point_code_problem(code) is None


@pytest.mark.parametrize("code", ["", "A/B", "../x", "HN 01", "HN-01\n", "Hà-Nội", "x" * 65, "a.b", "%2F", "\u202eHN"])
def test_point_codes_outside_the_one_rule_are_refused(code):
    assert point_code_problem(code) is not None


@pytest.mark.parametrize("value", [1.5, 1.0, "1", "12", True, None])
def test_a_strict_integer_is_a_json_integer(value):
    with pytest.raises(ValidationError):
        StrictInteger().deserialize(value)
    assert StrictInteger().deserialize(12) == 12


@pytest.mark.parametrize("value", ["true", "True", 1, 0, "1", "yes", "on", None, [], {}])
def test_a_strict_boolean_is_json_true_or_false(value):
    with pytest.raises(ValidationError):
        StrictBoolean().deserialize(value)
    assert StrictBoolean().deserialize(True) is True and StrictBoolean().deserialize(False) is False


# -- the shapes the fuzz run sends, through the edge and every body schema -----------------------

def _valid_bodies():
    from certificates.schemas import AwardsSchema, RevokeSchema
    from checkin.schemas import BatchSchema, DeviceSchema, ScanSchema
    from registration.schemas import ForumChangeSchema, ForumSchema, PointSchema, RegistrationSchema

    at = "2026-12-10T08:00:00+07:00"
    return [
        (RegistrationSchema(), {"full_name": ANH, "email": "anh@truong.edu.vn", "organisation": "Trường THPT",
                                "role": "Giáo viên", "attendance": "onsite", "point": "HN-01", "consent": True}),
        (ForumSchema(), {"slug": "dien-dan", "title": {"vi": "Diễn đàn"}, "starts_at": at, "ends_at": at,
                         "timezone": "Asia/Ho_Chi_Minh", "certificate_rule": {"onsite_checkin": True,
                                                                               "online_min_minutes": 60}}),
        (ForumChangeSchema(), {"title": "Diễn đàn", "languages": ["vi"]}),
        (PointSchema(), {"name": "Điểm cầu Hà Nội", "province": "Hà Nội", "capacity": 100}),
        (DeviceSchema(), {"label": "Cửa A"}),
        (ScanSchema(), {"ticket": "FO1.a.b", "scan_id": "s-1", "scanned_at": at}),
        (BatchSchema(), {"scans": [{"ticket": "FO1.a.b", "scan_id": "s-1", "scanned_at": at, "admitted": True}]}),
        (AwardsSchema(), {"category": {"vi": "Giải nhất"}, "recipients": [{"name": ANH, "organisation": "Sở GD&ĐT"}]}),
        (RevokeSchema(), {"reason": "Cấp nhầm người"}),
    ]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(key)
            yield from _strings(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from _strings(inner)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_whatever_the_fuzz_run_sends_is_read_or_refused_and_what_is_kept_can_be_stored_and_answered(data):
    schema, valid = data.draw(st.sampled_from(_valid_bodies()), label="schema")
    body = data.draw(maybe_malformed(valid), label="body")
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()  # as requests sends json=
    try:
        value = read_json(raw)
    except Refusal as exc:
        json.dumps(exc.errors, ensure_ascii=False).encode("utf-8")  # the answer can be written
        return
    if not isinstance(value, dict):
        return  # json_body refuses it: "Must be a JSON object."
    try:
        loaded = schema.load(value)
    except ValidationError as exc:
        json.dumps(exc.messages, ensure_ascii=False).encode("utf-8")
        return
    for text in _strings(loaded):
        assert "\x00" not in text
        text.encode("utf-8")  # a database, the broker and an answer can hold it
