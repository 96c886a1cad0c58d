"""The one list of reasons the registration API answers with: HTTP status and human texts.

Reasons are data: clients and tests match the code, people read the text.
"""
from __future__ import annotations

from forumops_shared.refusals import COMMON_REASONS, Reason

REASONS: dict[str, Reason] = {
    **COMMON_REASONS,
    "consent_required": Reason(422, "Cần đồng ý với việc xử lý dữ liệu cá nhân.", "Consent to the processing of personal data is required."),
    "point_required": Reason(422, "Tham dự trực tiếp cần chọn điểm cầu.", "In-person attendance needs a connection point."),
    "point_not_allowed": Reason(422, "Tham dự trực tuyến không chọn điểm cầu.", "Online attendance takes no connection point."),
    "unknown_point": Reason(422, "Không có điểm cầu này trong diễn đàn.", "This forum has no such connection point."),
    "language_not_offered": Reason(422, "Diễn đàn không hỗ trợ ngôn ngữ này.", "The forum is not offered in this language."),
    "invalid_cursor": Reason(422, "Con trỏ phân trang không hợp lệ.", "The pagination cursor is not valid."),
    "idempotency_key_reused": Reason(422, "Khóa Idempotency-Key đã dùng cho yêu cầu khác.", "This Idempotency-Key was used for a different request."),
    "already_registered": Reason(409, "Email này đã đăng ký diễn đàn.", "This email is already registered for the forum."),
    "forum_exists": Reason(409, "Đã có diễn đàn với mã này.", "A forum with this slug exists."),
    "registration_cancelled": Reason(409, "Đăng ký đã bị hủy.", "The registration is cancelled."),
    "forum_not_found": Reason(404, "Không tìm thấy diễn đàn.", "Forum not found."),
    "no_ticket": Reason(409, "Chỉ đăng ký đã xác nhận mới có vé.", "Only a confirmed registration has a ticket."),
    "registration_not_found": Reason(404, "Không tìm thấy đăng ký.", "Registration not found."),
    "announcement_not_found": Reason(404, "Không tìm thấy thông báo.", "Announcement not found."),
    "no_recipients": Reason(422, "Không có người nhận nào khớp với lựa chọn.", "No one matches the recipients chosen."),
    "translation_missing": Reason(422, "Cần viết thông báo bằng mọi ngôn ngữ của diễn đàn.", "The announcement must be written in every language of the forum."),
    "session_not_found": Reason(404, "Không tìm thấy phiên này trong diễn đàn.", "This forum has no such session."),
    "session_ends_before_start": Reason(422, "Phiên phải kết thúc sau khi bắt đầu.", "A session must end after it starts."),
    "session_outside_forum": Reason(422, "Phiên phải nằm trong các ngày của diễn đàn.", "A session must lie within the forum's days."),
    "session_has_signups": Reason(409, "Đã có người đăng ký phiên này.", "People have signed up for this session."),
    "unknown_session": Reason(422, "Không có phiên này trong diễn đàn.", "This forum has no such session."),
    "signup_not_offered": Reason(422, "Phiên này không cần đăng ký.", "This session takes no sign-ups."),
    "session_not_available": Reason(422, "Phiên này không diễn ra nơi bạn tham dự.", "This session is not held where you attend."),
    "sessions_overlap": Reason(422, "Các phiên đã chọn trùng giờ nhau.", "The sessions chosen overlap in time."),
    "registration_not_confirmed": Reason(409, "Chỉ đăng ký đã xác nhận mới chọn được phiên.", "Only a confirmed registration may sign up for sessions."),
}
