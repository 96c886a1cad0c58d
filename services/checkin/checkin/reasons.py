"""The one list of scan outcomes' reasons, with the texts staff read at the door (vi, en).

Reasons are data: scanners and tests match the code, people read the text.
"""
from __future__ import annotations

from dataclasses import dataclass

from forumops_shared.refusals import COMMON_REASONS, Reason


@dataclass(frozen=True)
class ScanReason:
    vi: str
    en: str


SCAN_REASONS: dict[str, ScanReason] = {
    "accepted": ScanReason("Mời vào.", "Welcome."),
    "already_checked_in": ScanReason("Vé đã được quét trước đó.", "This ticket was already checked in."),
    "malformed_ticket": ScanReason("Không đọc được mã vé.", "The ticket code cannot be read."),
    "unknown_key": ScanReason("Vé được ký bằng khóa không rõ.", "The ticket is signed with an unknown key."),
    "invalid_signature": ScanReason("Chữ ký vé không hợp lệ.", "The ticket's signature is not valid."),
    "unknown_ticket": ScanReason("Không tìm thấy vé.", "No such ticket."),
    "wrong_forum": ScanReason("Vé của diễn đàn khác.", "The ticket is for another forum."),
    "wrong_point": ScanReason("Vé của điểm cầu khác.", "The ticket is for another connection point."),
    "online_ticket": ScanReason("Vé tham dự trực tuyến.", "The ticket is for online attendance."),
    "cancelled": ScanReason("Đăng ký đã bị hủy.", "The registration is cancelled."),
    "waitlisted": ScanReason("Người này còn trong danh sách chờ.", "This person is still on the waiting list."),
    "ticket_replaced": ScanReason("Vé đã được thay bằng vé mới.", "This ticket was replaced by a newer one."),
    "not_yet_valid": ScanReason("Chưa đến giờ check-in.", "Check-in has not opened yet."),
    "already_in_session": ScanReason("Đã check-in vào phiên này.", "Already checked in to this session."),
    "unknown_session": ScanReason("Không có phiên này trong chương trình.", "No such session in the programme."),
    "session_elsewhere": ScanReason("Phiên này không diễn ra tại điểm cầu này.",
                                    "This session is not held at this connection point."),
    "not_signed_up": ScanReason("Người này chưa đăng ký phiên này.", "This person has not signed up for this session."),
    "checked_out": ScanReason("Đã ghi nhận ra về.", "Checked out."),
    "refused_at_door": ScanReason("Thiết bị ngoại tuyến đã từ chối vé này.", "The offline device turned this ticket away."),
}


# Refusals of the HTTP API itself (a scan that is decided is answered 200 with its outcome).
REASONS: dict[str, Reason] = {
    **COMMON_REASONS,
    "forum_not_found": Reason(404, "Không tìm thấy diễn đàn.", "Forum not found."),
    "point_not_found": Reason(404, "Không tìm thấy điểm cầu.", "Connection point not found."),
    "device_not_found": Reason(404, "Không tìm thấy thiết bị.", "Device not found."),
    "device_revoked": Reason(401, "Thiết bị đã bị thu hồi quyền.", "This device has been revoked."),
    "device_scope": Reason(403, "Thiết bị chỉ được dùng tại điểm cầu của mình.",
                           "This device may act only at its own connection point."),
    "registration_cancelled": Reason(409, "Đăng ký đã bị hủy.", "The registration is cancelled."),
    "no_online_meeting": Reason(409, "Diễn đàn không có phòng họp trực tuyến.", "The forum has no online meeting."),
    "unknown_session": Reason(422, "Không có phiên này trong diễn đàn.", "This forum has no such session."),
}
