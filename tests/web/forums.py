"""A forum set up through the organiser API, as the pages' tests find it."""
from __future__ import annotations

import itertools
import uuid

from .conftest import Stack

PROVINCES = ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Thừa Thiên Huế", "Cần Thơ", "Quảng Ninh", "Nghệ An",
             "Đắk Lắk", "Lào Cai", "Khánh Hòa"]
_numbers = itertools.count(1)


def new_forum(stack: Stack, *, points_per_province: int = 6, starts_at: str = "2026-11-20T08:00:00+07:00") -> str:
    """A published forum with points across provinces; check-in knows it once its event arrived."""
    slug = f"dien-dan-{next(_numbers)}-{uuid.uuid4().hex[:6]}"
    forum = {"slug": slug, "title": {"vi": "Diễn đàn Đổi mới Giáo dục 2026", "en": "Education Innovation Forum 2026"},
             "starts_at": starts_at, "ends_at": "2026-12-31T17:00:00+07:00", "timezone": "Asia/Ho_Chi_Minh",
             "online_url": "https://meet.example.vn/dien-dan",
             "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 60}}
    assert stack.admin("POST", "registration", "/api/v1/forums", json=forum).status_code == 201
    rows = ["code,name,province,capacity"]
    for p, province in enumerate(PROVINCES):
        for n in range(points_per_province):
            rows.append(f"P{p:02d}-{n:02d},Điểm cầu {province} số {n + 1},{province},{50 + n}")
    imported = stack.admin("POST", "registration", f"/api/v1/forums/{slug}/points/import",
                           data="\n".join(rows).encode(), headers={"Content-Type": "text/csv"})
    assert imported.status_code == 200 and imported.json()["refused"] == 0, imported.text
    return slug