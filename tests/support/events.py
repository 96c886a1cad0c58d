"""Real-looking events for tests."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from forumops_shared.events import Event, new_event
from forumops_shared.events.registry import PARTICIPANT_REGISTERED

NAMES = ["Nguyễn Thị Ánh Tuyết", "Trần Văn Đức", "Lê Hoàng Phương", "Phạm Ngọc Ưng", "Đặng Thùy Dương",
         "Võ Minh Khôi", "Bùi Thị Hằng", "Hoàng Quốc Việt", "Huỳnh Gia Bảo", "Ngô Thị Ngọc Ẩn"]


def registered(registration_id: str | None = None, n: int = 0, forum: str = "dien-dan-2026") -> Event:
    registration_id = registration_id or str(uuid.uuid4())
    return new_event(PARTICIPANT_REGISTERED, registration_id, {
        "registration_id": registration_id, "forum": forum, "status": "confirmed",
        "attendance": "onsite", "point": "HN-001", "language": "vi",
        "full_name": f"{NAMES[n % len(NAMES)]}", "email": f"nguoi{n}@truong.edu.vn",
        "organisation": "Sở Giáo dục và Đào tạo Hà Nội", "ticket_code": f"T{n:07d}", "ticket_version": 1,
        "occurred_at": datetime.now(timezone.utc).isoformat(),
    }, source="/forumops/tests")
