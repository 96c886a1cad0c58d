"""Forums, participants and scanners set up through the APIs, as organisers, participants and doors do."""
from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timezone

import requests

from .system import System, bearer
from .waiting import wait_until

PROVINCES = ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Thừa Thiên Huế", "Cần Thơ", "Quảng Ninh", "Nghệ An",
             "Đắk Lắk", "Lào Cai", "Khánh Hòa"]
_numbers = itertools.count(1)


def new_forum(stack: System, *, points_per_province: int = 6, starts_at: str = "2026-11-20T08:00:00+07:00",
              capacity: int = 50) -> str:
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
            rows.append(f"P{p:02d}-{n:02d},Điểm cầu {province} số {n + 1},{province},{capacity + n}")
    imported = stack.admin("POST", "registration", f"/api/v1/forums/{slug}/points/import",
                           data="\n".join(rows).encode(), headers={"Content-Type": "text/csv"})
    assert imported.status_code == 200 and imported.json()["refused"] == 0, imported.text
    wait_until(lambda: len(_points_known_to_checkin(stack, slug)) == len(rows) - 1,
               timeout_s=30, interval_s=0.3, message="check-in to know the forum and its points")
    return slug


def _points_known_to_checkin(stack: System, slug: str) -> list:
    answer = stack.admin("GET", "checkin", f"/api/v1/forums/{slug}/stats")
    return answer.json()["points"] if answer.status_code == 200 else []

def register(stack: System, slug: str, full_name: str, point: str = "P00-00", **fields) -> dict:
    """A participant registered through the public API; the answer has the ticket and manage token."""
    body = {"full_name": full_name, "email": f"{uuid.uuid4().hex[:12]}@truong.edu.vn", "attendance": "onsite",
            "point": point, "language": "vi", "consent": True, **fields}
    answer = requests.post(stack.url("registration", f"/api/v1/forums/{slug}/registrations"), json=body, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def enrol_device(stack: System, slug: str, point: str = "P00-00") -> str:
    """A scanner's token, once check-in knows the forum (its event travels through Kafka)."""
    def enrolled():
        answer = stack.admin("POST", "checkin", f"/api/v1/forums/{slug}/points/{point}/devices", json={"label": "cửa chính"})
        return answer.json()["token"] if answer.status_code == 201 else None
    return wait_until(enrolled, timeout_s=30, interval_s=0.3, message="check-in to know the forum")


def roster(stack: System, slug: str, point: str, token: str) -> list[dict] | None:
    """The door's roster of its point, read live by its device; None until check-in knows the forum."""
    answer = requests.get(stack.url("checkin", f"/api/v1/forums/{slug}/points/{point}/device"),
                          headers=bearer(token), timeout=10)
    return answer.json()["roster"] if answer.status_code == 200 else None


def wait_for_roster(stack: System, slug: str, point: str, token: str, people: list[dict]) -> None:
    """Until check-in's roster of the point holds these people (their events arrived)."""
    wanted = {p["id"] for p in people}

    def arrived():
        entries = roster(stack, slug, point, token)
        return entries is not None and wanted <= {r["id"] for r in entries}
    wait_until(arrived, timeout_s=30, interval_s=0.3, message="the registrations to reach check-in")


def scanner_link(stack: System, slug: str, point: str, token: str) -> str:
    return stack.url("checkin", f"/scan#forum={slug}&point={point}&token={token}")


def arrived_at(stack: System, slug: str, point: str) -> int:
    """Arrivals at the point as the organiser's stats give them, in an answer computed after this
    call (an API process answers from what it computed up to CHECKIN_STATS_MAX_AGE ago)."""
    asked = datetime.now(timezone.utc)

    def fresh():
        stats = stack.admin("GET", "checkin", f"/api/v1/forums/{slug}/stats").json()
        return stats if datetime.fromisoformat(stats["as_of"]) >= asked else None
    stats = wait_until(fresh, timeout_s=30, message="stats computed after asking")
    return next(p["arrived"] for p in stats["points"] if p["code"] == point)


def check_in(stack: System, slug: str, point: str, token: str, person: dict) -> dict:
    """A scan through the API, as another door's scanner sends it."""
    answer = requests.post(stack.url("checkin", f"/api/v1/forums/{slug}/points/{point}/checkins"),
                           json={"ticket": person["ticket"]["qr_payload"], "scan_id": uuid.uuid4().hex},
                           headers=bearer(token), timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()
