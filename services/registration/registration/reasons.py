"""The one list of reasons the registration API answers with: HTTP status and human texts.

Reasons are data: clients and tests match the code, people read the text.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    status: int
    vi: str
    en: str


REASONS: dict[str, Reason] = {
    "validation_failed": Reason(422, "Một số trường chưa hợp lệ.", "Some fields are not valid."),
    "consent_required": Reason(422, "Cần đồng ý với việc xử lý dữ liệu cá nhân.", "Consent to the processing of personal data is required."),
    "point_required": Reason(422, "Tham dự trực tiếp cần chọn điểm cầu.", "In-person attendance needs a connection point."),
    "point_not_allowed": Reason(422, "Tham dự trực tuyến không chọn điểm cầu.", "Online attendance takes no connection point."),
    "unknown_point": Reason(422, "Không có điểm cầu này trong diễn đàn.", "This forum has no such connection point."),
    "language_not_offered": Reason(422, "Diễn đàn không hỗ trợ ngôn ngữ này.", "The forum is not offered in this language."),
    "invalid_csv": Reason(422, "Tệp CSV không đọc được.", "The CSV file cannot be read."),
    "invalid_cursor": Reason(422, "Con trỏ phân trang không hợp lệ.", "The pagination cursor is not valid."),
    "idempotency_key_reused": Reason(422, "Khóa Idempotency-Key đã dùng cho yêu cầu khác.", "This Idempotency-Key was used for a different request."),
    "already_registered": Reason(409, "Email này đã đăng ký diễn đàn.", "This email is already registered for the forum."),
    "forum_exists": Reason(409, "Đã có diễn đàn với mã này.", "A forum with this slug exists."),
    "registration_cancelled": Reason(409, "Đăng ký đã bị hủy.", "The registration is cancelled."),
    "forum_not_found": Reason(404, "Không tìm thấy diễn đàn.", "Forum not found."),
    "registration_not_found": Reason(404, "Không tìm thấy đăng ký.", "Registration not found."),
    "unauthenticated": Reason(401, "Cần đăng nhập bằng mã truy cập.", "A bearer token is required."),
    "forbidden": Reason(403, "Mã truy cập không có quyền này.", "This token may not do that."),
    "body_too_large": Reason(413, "Dữ liệu gửi lên quá lớn.", "The request body is too large."),
    "unsupported_media_type": Reason(415, "Định dạng dữ liệu không được hỗ trợ.", "Unsupported content type."),
    "rate_limited": Reason(429, "Quá nhiều yêu cầu, vui lòng thử lại sau.", "Too many requests; try again later."),
}


class RegistrationError(Exception):
    """A refusal with a stable reason code; `errors` maps fields to messages."""

    def __init__(self, reason: str, errors: dict | None = None, message: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(reason)
        self.reason, self.errors, self.headers = reason, errors, headers or {}
        self.message = message or REASONS[reason].en

    @property
    def status(self) -> int:
        return REASONS[self.reason].status
