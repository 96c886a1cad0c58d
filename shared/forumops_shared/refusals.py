"""Refusals: what use cases raise when a request cannot be done, each with a stable reason code.

No Flask here: use cases and domain rules raise a `Refusal`, and the HTTP edge (http.py) answers
it with the reason's status and its text in the caller's language. Each service keeps its own
reasons beside COMMON_REASONS (its `reasons.py`).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    status: int  # the HTTP status a refusal with this reason is answered with
    vi: str
    en: str


COMMON_REASONS: dict[str, Reason] = {
    "validation_failed": Reason(422, "Một số trường chưa hợp lệ.", "Some fields are not valid."),
    "unauthenticated": Reason(401, "Cần đăng nhập bằng mã truy cập.", "A bearer token is required."),
    "forbidden": Reason(403, "Mã truy cập không có quyền này.", "This token may not do that."),
    "body_too_large": Reason(413, "Dữ liệu gửi lên quá lớn.", "The request body is too large."),
    "invalid_csv": Reason(422, "Tệp CSV không đọc được.", "The CSV file cannot be read."),
    "unsupported_media_type": Reason(415, "Định dạng dữ liệu không được hỗ trợ.", "Unsupported content type."),
    "rate_limited": Reason(429, "Quá nhiều yêu cầu, vui lòng thử lại sau.", "Too many requests; try again later."),
    # The body or the request itself cannot be read (forumops_shared.jsonbody, gunicorn_worker).
    "malformed_json": Reason(400, "Dữ liệu gửi lên không phải JSON hợp lệ.", "The body is not valid JSON."),
    "json_too_deep": Reason(400, "Dữ liệu JSON lồng nhau quá sâu.", "The JSON nests too deeply."),
    "number_out_of_range": Reason(400, "Có số quá lớn để xử lý.", "A number is too large to be read."),
    "invalid_characters": Reason(400, "Dữ liệu chứa ký tự không hợp lệ.", "The request holds characters that are not text."),
    "uri_too_long": Reason(414, "Địa chỉ yêu cầu quá dài.", "The request address is too long."),
    "header_fields_too_large": Reason(431, "Phần đầu yêu cầu quá lớn.", "The request's header fields are too large."),
    "bad_request": Reason(400, "Yêu cầu không đọc được.", "The request cannot be read."),
}


class Refusal(Exception):
    """A refusal with a stable reason code; `errors` maps fields to messages. `message` replaces
    the reason's English text, or both texts when a (vi, en) pair; `detail` adds finer codes
    (which problem, on which line) to the answer."""

    def __init__(self, reason: str, errors: dict | None = None, message: str | tuple[str, str] | None = None,
                 headers: dict[str, str] | None = None, detail: dict | None = None):
        super().__init__(reason)
        self.reason, self.errors, self.message, self.headers = reason, errors, message, headers or {}
        self.detail = detail
