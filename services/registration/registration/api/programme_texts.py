"""The organisers' programme page's words, in Vietnamese and English (forumops_shared.pages.texts)."""
from __future__ import annotations

PROGRAMME_TEXTS = {
    "need_token": ("Nhập mã ban tổ chức trước.", "Enter the organiser token first."),
    "network": ("Không có kết nối mạng.", "No network connection."),
    "empty": ("Diễn đàn chưa có phiên nào.", "The forum has no session yet."),
    "saved_created": ("Đã thêm phiên {code}.", "Session {code} added."),
    "saved_updated": ("Đã lưu phiên {code}.", "Session {code} saved."),
    "saved_unchanged": ("Phiên {code} không thay đổi.", "Session {code} is unchanged."),
    "promoted": (" {n} người trong danh sách chờ đã có chỗ.", " {n} on the waiting list got a place."),
    "deleted": ("Đã xoá phiên {code}.", "Session {code} deleted."),
    "delete_confirm": ("Xoá phiên {code}?", "Delete session {code}?"),
    "edit": ("Sửa", "Edit"), "delete": ("Xoá", "Delete"),
    "everywhere": ("mọi điểm cầu", "every point"), "at_points": ("điểm cầu {points}", "points {points}"),
    "online": ("có phòng họp trực tuyến", "online meeting"),
    "seats": ("{confirmed}/{capacity} chỗ, {waitlisted} chờ", "{confirmed}/{capacity} places, {waitlisted} waiting"),
    "signed_up": ("{confirmed} đăng ký", "{confirmed} signed up"),
    "signup": ("đăng ký trước", "sign-up"), "refuse_walk_in": ("không nhận người chưa đăng ký", "not signed up: refused"),
    "kind_plenary": ("Phiên toàn thể", "Plenary"), "kind_workshop": ("Hội thảo", "Workshop"),
    "kind_ceremony": ("Lễ", "Ceremony"), "kind_other": ("Khác", "Other"),
}
