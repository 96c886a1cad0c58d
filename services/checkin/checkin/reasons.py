"""The one list of scan outcomes' reasons, with the texts staff read at the door (vi, en).

Reasons are data: scanners and tests match the code, people read the text.
"""
from __future__ import annotations

from dataclasses import dataclass


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
}
