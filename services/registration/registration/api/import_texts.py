"""What the organisers' import page says, in the page's language: outcomes, each refusal as a
sentence (its reason, its fields, its line), and a file's problems. The API answers codes; the
page turns them into words here, so an answer stays the same for every client."""
from __future__ import annotations

from forumops_shared.csvfiles import PROBLEM_TEXTS
from forumops_shared.pages import pick, texts
from forumops_shared.textfiles import ENCODING_TEXTS

from ..reasons import REASONS

IMPORT_TEXTS = {
    "need_token": ("Nhập mã ban tổ chức trước khi gửi tệp.", "Enter the organiser token before sending a file."),
    "network": ("Không có kết nối mạng.", "No network connection."),
    "totals": ("Kết quả: {totals}", "Result: {totals}"),
    "file_refused": ("Tệp bị từ chối, không dòng nào được nhập:", "The file was refused; no row was imported:"),
    "row": ("Dòng", "Row"),
    "outcome": ("Kết quả", "Outcome"),
    "detail": ("Chi tiết", "Detail"),
    "line": ("Dòng {line}", "Line {line}"),
    "promoted": ("{n} người được chuyển từ danh sách chờ", "{n} moved up from the waiting list"),
    "not_valid": ("chưa hợp lệ", "not valid"),
    "created": ("Đã tạo", "Created"),
    "updated": ("Đã cập nhật", "Updated"),
    "unchanged": ("Không đổi", "Unchanged"),
    "existing": ("Đã có", "Already there"),
    "refused": ("Bị từ chối", "Refused"),
    "confirmed": ("đã xác nhận", "confirmed"),
    "waitlisted": ("trong danh sách chờ", "on the waiting list"),
}

FIELDS = {
    "code": ("Mã điểm cầu", "Code"), "name": ("Tên điểm cầu", "Name"), "province": ("Tỉnh/thành", "Province"),
    "capacity": ("Sức chứa", "Capacity"), "full_name": ("Họ và tên", "Full name"), "email": ("Email", "Email"),
    "phone": ("Số điện thoại", "Phone"), "organisation": ("Đơn vị", "Organisation"), "role": ("Vai trò", "Role"),
    "attendance": ("Hình thức tham dự", "Attendance"), "point": ("Điểm cầu", "Connection point"),
    "language": ("Ngôn ngữ", "Language"), "_schema": ("Dòng", "Row"),
}

# Field messages (marshmallow's and ours) as Vietnamese readers read them, by how the English
# one begins; a message not listed reads "chưa hợp lệ" (English pages show the message itself).
FIELD_MESSAGES_VI = {
    "Missing data for required field": "cần điền",
    "Field may not be null": "cần điền",
    "Required": "cần điền, tối đa 64 ký tự",
    "Appears twice in this file": "xuất hiện hai lần trong tệp",
    "Not a valid email": "không phải địa chỉ email hợp lệ",
    "Must be written without accents": "phải viết không dấu, ví dụ nguyen.van.an@truong.edu.vn",
    "Not a valid integer": "phải là số nguyên",
    "Not a phone number": "không phải số điện thoại",
    "Must be one of": "không phải giá trị được chấp nhận",
    "Longer than maximum length": "quá dài",
    "Shorter than minimum length": "cần điền",
    "Length must be between": "độ dài không hợp lệ",
    "Must be greater than or equal to": "ngoài khoảng cho phép",
    "Must be less than or equal to": "ngoài khoảng cho phép",
    "Unknown field": "không phải cột được dùng",
}


def import_page_data(slug: str, lang: str) -> dict:
    return {"slug": slug, "lang": lang, "texts": texts(lang, IMPORT_TEXTS), "fields": texts(lang, FIELDS),
            "field_order": list(FIELDS),  # the page's JSON has its keys sorted
            "reasons": {code: pick(lang, r.vi, r.en) for code, r in REASONS.items()},
            "problems": texts(lang, {**PROBLEM_TEXTS, **ENCODING_TEXTS}),
            "messages": FIELD_MESSAGES_VI if lang == "vi" else {}}
