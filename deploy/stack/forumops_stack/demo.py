"""The demo forum `./forumops up` loads: a national education forum linking 600 connection points
across Vietnam's 34 provinces and cities, a few thousand participants with Vietnamese names, some
of them already checked in (so their certificates are issued), award certificates for the
year's showcase schools, and the awards programme given at the forum (demo_awards.py).

Everything goes through the services' own HTTP APIs, as an organiser, a participant and the staff
at the doors would send it, so the demo shows the system as it runs, events and all. It is loaded
once: the links it prints (some carry tokens) are kept in `var/demo.json` (mode 0600) and printed
again by a later `up`.
"""
from __future__ import annotations

import csv
import io
import json
import os
import random
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import requests

from .demo_awards import AwardsDemo

SLUG = "dien-dan-doi-moi-giao-duc-2026"
TITLE = {"vi": "Diễn đàn Đổi mới Giáo dục toàn quốc 2026", "en": "National Education Innovation Forum 2026"}
POINTS = 600
PARTICIPANTS = 3000
CHECKED_IN_POINTS = 40  # doors that are already open and scanning
SHOWCASE_SCHOOLS = 12

# The 34 provinces and centrally run cities (since 1 July 2025), with a short code for points.
PROVINCES = (
    ("HNI", "Hà Nội"), ("HCM", "TP. Hồ Chí Minh"), ("HPG", "Hải Phòng"), ("DNG", "Đà Nẵng"),
    ("CTO", "Cần Thơ"), ("HUE", "Huế"), ("LCU", "Lai Châu"), ("DBN", "Điện Biên"), ("SLA", "Sơn La"),
    ("LSN", "Lạng Sơn"), ("QNH", "Quảng Ninh"), ("THA", "Thanh Hóa"), ("NAN", "Nghệ An"),
    ("HTH", "Hà Tĩnh"), ("CBG", "Cao Bằng"), ("TQG", "Tuyên Quang"), ("LCI", "Lào Cai"),
    ("TNN", "Thái Nguyên"), ("PTO", "Phú Thọ"), ("BNH", "Bắc Ninh"), ("HYN", "Hưng Yên"),
    ("NBH", "Ninh Bình"), ("QTI", "Quảng Trị"), ("QNI", "Quảng Ngãi"), ("GLI", "Gia Lai"),
    ("KHA", "Khánh Hòa"), ("LDG", "Lâm Đồng"), ("DLK", "Đắk Lắk"), ("DNI", "Đồng Nai"),
    ("TNH", "Tây Ninh"), ("VLG", "Vĩnh Long"), ("DTP", "Đồng Tháp"), ("CMU", "Cà Mau"),
    ("AGG", "An Giang"),
)
NAMESAKES = ("Lê Quý Đôn", "Nguyễn Du", "Chu Văn An", "Trần Phú", "Phan Bội Châu", "Nguyễn Trãi",
             "Lê Lợi", "Hùng Vương", "Quang Trung", "Trần Hưng Đạo", "Ngô Quyền", "Lý Thường Kiệt",
             "Võ Thị Sáu", "Nguyễn Thị Minh Khai", "Nguyễn Khuyến", "Phan Chu Trinh", "Huỳnh Thúc Kháng",
             "Lương Thế Vinh", "Nguyễn Bỉnh Khiêm", "Trần Quốc Tuấn", "Lê Hồng Phong", "Hai Bà Trưng",
             "Nguyễn Đình Chiểu", "Đào Duy Từ", "Tô Hiến Thành", "Mạc Đĩnh Chi")
UNIT_KINDS = ("Trường THPT {n}", "Trường THCS {n}", "Trường Tiểu học {n}", "Phòng GD&ĐT {ward}",
              "Trường Mầm non {n}", "Trung tâm GDNN-GDTX {ward}")
WARDS = ("Phường Trung tâm", "Phường Bắc", "Phường Nam", "Xã Đông", "Xã Tây", "Phường Bến Thành",
         "Xã Hòa Bình", "Phường Tân Phú", "Xã An Khánh", "Phường Hòa Hải", "Xã Thanh Hà", "Phường Long Biên")
SURNAMES = (("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 3), ("Phan", 4),
            ("Vũ", 3), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1), ("Ngô", 1), ("Dương", 1),
            ("Lý", 1), ("Đinh", 1), ("Trịnh", 1), ("Đoàn", 1), ("Lương", 1), ("Mai", 1), ("Tạ", 1), ("Lò", 1))
MIDDLE = {"f": ("Thị", "Thu", "Ngọc", "Thanh", "Thùy", "Hồng", "Kim", "Phương", "Bảo", "Diệu"),
          "m": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Xuân", "Ngọc", "Quốc")}
GIVEN = {"f": ("Anh", "Châu", "Dung", "Duyên", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Hương", "Huyền",
               "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Quyên",
               "Thảo", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Yến", "Ánh", "Ngọc Ánh", "Thu Hà"),
         "m": ("An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Khoa",
               "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Thắng", "Thành", "Trung",
               "Tuấn", "Việt", "Vinh", "Lộc", "Kiên", "Tùng", "Đạt", "Hưởng")}
ROLES = ("Giáo viên", "Giáo viên", "Giáo viên", "Tổ trưởng chuyên môn", "Hiệu trưởng", "Phó Hiệu trưởng",
         "Chuyên viên", "Giảng viên", "Cán bộ quản lý")


@dataclass(frozen=True)
class Point:
    code: str
    name: str
    province: str
    capacity: int


@dataclass(frozen=True)
class Person:
    full_name: str
    email: str
    phone: str
    organisation: str
    role: str
    attendance: str
    point: str
    language: str


def points(rng: random.Random) -> list[Point]:
    """600 points: each province's department of education, its specialised high school and
    teacher-training college, then schools and ward offices, more of them in the big cities."""
    weights = [6 if code in ("HNI", "HCM") else 2 if code in ("HPG", "DNG", "CTO", "HUE") else 1
               for code, _ in PROVINCES]
    per_province = [3] * len(PROVINCES)
    for _ in range(POINTS - sum(per_province)):
        per_province[rng.choices(range(len(PROVINCES)), weights)[0]] += 1
    found = []
    for (code, province), count in zip(PROVINCES, per_province):
        names = [f"Sở Giáo dục và Đào tạo {province}", f"Trường THPT Chuyên {province}",
                 f"Trường Cao đẳng Sư phạm {province}"]
        taken = set(names)
        while len(names) < count:
            name = rng.choice(UNIT_KINDS).format(n=rng.choice(NAMESAKES), ward=rng.choice(WARDS))
            name = name if name not in taken else f"{name} ({len(names) + 1})"
            taken.add(name)
            names.append(name)
        for i, name in enumerate(names):
            found.append(Point(f"{code}-{i + 1:03d}", name, province, 40 if i == 0 else rng.choice((15, 20, 30, 50))))
    return found


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in folded if not unicodedata.combining(c)).lower().replace(" ", "")


def people(rng: random.Random, at: list[Point], count: int = PARTICIPANTS) -> list[Person]:
    """Participants, most at their own unit's point, about one in eight online."""
    surnames, surname_weights = zip(*SURNAMES)
    found = []
    for i in range(count):
        sex = rng.choice("fm")
        surname = rng.choices(surnames, surname_weights)[0]
        given = rng.choice(GIVEN[sex])
        full_name = f"{surname} {rng.choice(MIDDLE[sex])} {given}"
        point = rng.choice(at)
        online = rng.random() < 0.12
        found.append(Person(
            full_name=full_name, email=f"{_ascii(given)}.{_ascii(surname)}.{i:04d}@giaoduc.example",
            phone=f"09{rng.randrange(10**8):08d}", organisation=point.name, role=rng.choice(ROLES),
            attendance="online" if online else "onsite", point="" if online else point.code,
            language="en" if rng.random() < 0.04 else "vi"))
    return found


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@dataclass
class Demo:
    """Loads the demo forum through the APIs at `urls` with the organiser `token`."""

    urls: dict[str, str]  # where this process reaches each API
    token: str
    log: Callable[[str], None] = print
    public: dict[str, str] | None = None  # where browsers reach them, for the links (default: urls)
    session: requests.Session = field(default_factory=requests.Session)

    def call(self, method: str, service: str, path: str, expect: tuple[int, ...] = (200, 201), *,
             token: str | None = None, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {token or self.token}", **kwargs.pop("headers", {})}
        answer = self.session.request(method, self.urls[service] + path, headers=headers, timeout=60, **kwargs)
        if answer.status_code not in expect:
            raise RuntimeError(f"demo: {method} {service}{path} answered {answer.status_code}: {answer.text[:500]}")
        return answer

    def exists(self) -> bool:
        return self.call("GET", "registration", f"/api/v1/forums/{SLUG}", (200, 404)).status_code == 200

    def load(self) -> dict:
        started, rng = time.monotonic(), random.Random(2026)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        self.call("POST", "registration", "/api/v1/forums", json={
            "slug": SLUG, "title": TITLE, "timezone": "Asia/Ho_Chi_Minh",
            "starts_at": (now - timedelta(hours=4)).isoformat(), "ends_at": (now + timedelta(days=2)).isoformat(),
            "online_url": "https://meet.example.vn/dien-dan-doi-moi-giao-duc-2026",
            # attendance certificates by the hours attended, stated on them (rounded down to the quarter hour)
            "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 90, "min_hours": 2,
                                 "hours_step_minutes": 15}})
        where = points(rng)
        imported = self.call("POST", "registration", f"/api/v1/forums/{SLUG}/points/import",
                             data=_csv(["code", "name", "province", "capacity"],
                                       [[p.code, p.name, p.province, p.capacity] for p in where]),
                             headers={"Content-Type": "text/csv"}).json()
        self.log(f"{'demo':<14}{imported['created']} connection points in {len(PROVINCES)} provinces and cities")
        sessions = self._programme(now, where)
        self.log(f"{'':<14}a programme of {len(sessions)} sessions over two days (plenary, workshops, awards ceremony)")
        crowd = people(rng, where)
        columns = ["full_name", "email", "phone", "organisation", "role", "attendance", "point", "language"]
        report = self.call("POST", "registration", f"/api/v1/forums/{SLUG}/registrations/import",
                           data=_csv(columns, [[getattr(p, c) for c in columns] for p in crowd]),
                           headers={"Content-Type": "text/csv"}).json()
        self.log(f"{'':<14}{report['created']} participants imported ({sum(p.attendance == 'online' for p in crowd)} online)")
        guest = self._register_guest("Nguyễn Thị Thu Hà", "thuha.nguyen@giaoduc.example", where[0])
        self.call("PUT", "registration", f"/api/v1/registrations/{guest['id']}/sessions", token=guest["manage_token"],
                  json={"codes": ["ws-stem"]})  # she picks a workshop on her page
        online_guest = self._register_guest("Trần Minh Khoa", "khoa.tran@giaoduc.example", None)
        registered = self._registrations()
        self._wait_for_checkin(sum(r["status"] == "confirmed" for r in registered))
        scanned, scanner = self._open_doors(rng, where, registered, guest)
        self.log(f"{'':<14}{scanned} checked in at {CHECKED_IN_POINTS} points")
        awards = self._award_showcase_schools(rng, where)
        certificates = self._wait_for_certificates(scanned + len(awards))
        self.log(f"{'':<14}{certificates} certificates issued ({len(awards)} awards) in {time.monotonic() - started:.0f}s")
        return self._links(guest, online_guest, scanner, awards[0])

    def _programme(self, now: datetime, where: list[Point]) -> list[str]:
        """The forum's sessions: the opening plenary (over half an hour ago, everywhere and online:
        its hours are attended, so its certificates are issued), two workshops with sign-up later
        that day, a training session and the awards ceremony the next day."""
        online = "https://meet.example.vn/dien-dan-doi-moi-giao-duc-2026"
        day2 = now + timedelta(days=1)
        programme = {
            "khai-mac": ({"vi": "Phiên toàn thể khai mạc", "en": "Opening plenary"}, "plenary",
                         now - timedelta(hours=3, minutes=30), now - timedelta(minutes=30), None, online, None, False),
            "ws-stem": ({"vi": "Hội thảo: Giáo dục STEM ở trường phổ thông", "en": "Workshop: STEM in schools"},
                        "workshop", now + timedelta(hours=4), now + timedelta(hours=6), None, None, 400, True),
            "ws-chuyen-doi-so": ({"vi": "Hội thảo: Chuyển đổi số trong dạy học", "en": "Workshop: digital teaching"},
                                 "workshop", now + timedelta(hours=4), now + timedelta(hours=6), None,
                                 f"{online}/chuyen-doi-so", 400, True),
            "tap-huan": ({"vi": "Tập huấn giáo viên cốt cán", "en": "Training for lead teachers"}, "workshop",
                         day2, day2 + timedelta(hours=3), None, online, None, False),
            "trao-giai": ({"vi": "Lễ trao giải Giáo dục tiêu biểu", "en": "Awards ceremony"}, "ceremony",
                          day2 + timedelta(hours=4), day2 + timedelta(hours=6), [where[0].code], online, None, False),
        }
        for code, (title, kind, starts, ends, at, url, capacity, signup) in programme.items():
            self.call("PUT", "registration", f"/api/v1/forums/{SLUG}/sessions/{code}", json={
                "title": title, "kind": kind, "starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
                "points": at, "online_url": url, "capacity": capacity, "signup": signup})
        return list(programme)

    def _register_guest(self, full_name: str, email: str, point: Point | None) -> dict:
        """A participant registered through the public API, whose own pages the demo links to."""
        body = {"full_name": full_name, "email": email, "attendance": "onsite" if point else "online",
                **({"point": point.code, "organisation": point.name} if point else {}),
                "role": "Giáo viên", "language": "vi", "consent": True}
        answer = self.session.post(f"{self.urls['registration']}/api/v1/forums/{SLUG}/registrations", json=body,
                                   headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=30)
        if answer.status_code != 201:
            raise RuntimeError(f"demo: registering the guest answered {answer.status_code}: {answer.text[:300]}")
        return answer.json()

    def _registrations(self) -> list[dict]:
        text = self.call("GET", "registration", f"/api/v1/forums/{SLUG}/registrations/export").content.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))

    def _wait_for_checkin(self, confirmed: int, timeout_s: float = 120) -> None:
        """Until check-in heard of every confirmed registration (their events travel through Kafka)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            answer = self.call("GET", "checkin", f"/api/v1/forums/{SLUG}/stats", (200, 404))
            if answer.status_code == 200 and answer.json()["total"]["registered"] + answer.json()["total"]["waitlisted"] >= confirmed:
                return
            time.sleep(0.5)
        raise RuntimeError(f"demo: check-in did not hear of {confirmed} registrations within {timeout_s:.0f}s")

    def _open_doors(self, rng: random.Random, where: list[Point], registered: list[dict], guest: dict) -> tuple[int, dict]:
        """Scanners enrolled at some points; their doors' scans during the opening plenary sent as the
        offline batches they are."""
        opened = [where[0], *rng.sample(where[1:], CHECKED_IN_POINTS - 1)]
        at = {p.code: [r for r in registered if r["point"] == p.code and r["status"] == "confirmed"
                       and r["attendance"] == "onsite" and r["id"] != guest["id"]] for p in opened}
        scanned, scanner = 0, {}
        for point in opened:
            device = self.call("POST", "checkin", f"/api/v1/forums/{SLUG}/points/{point.code}/devices",
                               json={"label": "Bàn đón tiếp"}).json()
            scanner = scanner or {"point": point.code, "token": device["token"]}
            arrivals = [r for r in at[point.code] if rng.random() < 0.7]
            since = datetime.now(timezone.utc) - timedelta(hours=3, minutes=15)
            scans = [{"ticket": r["ticket_code"], "scan_id": str(uuid.uuid4()),
                      "scanned_at": (since + timedelta(seconds=20 * i)).isoformat()} for i, r in enumerate(arrivals)]
            if point is opened[0]:  # the guest, scanned by a door that was online: her certificate follows
                self.call("POST", "checkin", f"/api/v1/forums/{SLUG}/points/{point.code}/checkins",
                          token=device["token"], json={"ticket": guest["ticket"]["qr_payload"],
                                                       "scan_id": str(uuid.uuid4()),
                                                       "scanned_at": (since - timedelta(minutes=5)).isoformat()})
                scanned += 1
            if scans:
                batch = self.call("POST", "checkin", f"/api/v1/forums/{SLUG}/points/{point.code}/checkins/batch",
                                  token=device["token"], json={"scans": scans}).json()
                scanned += batch["accepted"]
        return scanned, scanner

    def _award_showcase_schools(self, rng: random.Random, where: list[Point]) -> list[dict]:
        schools = rng.sample([p for p in where if p.name.startswith("Trường")], SHOWCASE_SCHOOLS)
        report = self.call("POST", "certificates", f"/api/v1/forums/{SLUG}/awards", json={
            "category": {"vi": "Trường học điển hình đổi mới sáng tạo", "en": "Showcase school for innovation"},
            "language": "vi",
            "recipients": [{"name": s.name, "organisation": f"Tỉnh/thành phố {s.province}", "kind": "unit",
                            "ref": f"DH-2026-{i + 1:02d}", "email": f"truong.dh-2026-{i + 1:02d}@giaoduc.example"}
                           for i, s in enumerate(schools)]}).json()
        return [row for row in report["rows"] if row["outcome"] in ("issued", "existing")]

    def _wait_for_certificates(self, expected: int, timeout_s: float = 120) -> int:
        deadline, count = time.monotonic() + timeout_s, 0
        while time.monotonic() < deadline:
            count = self._certificate_count()
            if count >= expected:
                return count
            time.sleep(0.5)
        raise RuntimeError(f"demo: {count} certificates issued of {expected} within {timeout_s:.0f}s")

    def _certificate_count(self) -> int:
        count, after = 0, None
        while True:
            page = self.call("GET", "certificates", f"/api/v1/forums/{SLUG}/certificates",
                             params={"limit": 1000, **({"after": after} if after else {})}).json()
            count += len(page["certificates"])
            after = page["next_after"]
            if not after:
                return count

    def _links(self, guest: dict, online_guest: dict, scanner: dict, award: dict) -> dict:
        public = self.public or self.urls
        reg, chk, cert = (public[s] for s in ("registration", "checkin", "certificates"))
        certificate = self.call("GET", "certificates", f"/api/v1/registrations/{guest['id']}/certificate").json()
        return {
            "forums (participants)": f"{reg}/",
            "register for the forum": f"{reg}/forums/{SLUG}",
            "a participant's page (Nguyễn Thị Thu Hà)": f"{reg}/registrations/{guest['id']}#token={guest['manage_token']}",
            "organiser: imports": f"{reg}/organiser/{SLUG}/imports",
            "organiser: mail and announcements": f"{reg}/organiser/{SLUG}/mail",
            "organiser: live dashboard": f"{chk}/dashboard/{SLUG}",
            f"staff scanner at point {scanner['point']}":
                f"{chk}/scan#forum={SLUG}&point={scanner['point']}&token={scanner['token']}",
            "online join (Trần Minh Khoa)": f"{chk}/join/{SLUG}#token={online_guest['manage_token']}",
            "verify her certificate": f"{cert}/verify/{certificate['serial']}",
            "verify an award": f"{cert}/verify/{award['serial']}",
            **{f"API documents ({name})": f"{url}/api/v1/openapi.json" for name, url in public.items()},
            **{f"metrics ({name})": f"{url}/metrics" for name, url in public.items()},
        }


def ensure_demo(urls: dict[str, str], token: str, var: Path, log: Callable[[str], None] = print,
                public: dict[str, str] | None = None, inbox: Path | None = None) -> dict:
    """Load the demo forum unless it exists, then its awards programme unless that exists (the
    jurors' tokens read from `inbox`, the local inbox's Maildir); either way return their links
    (kept in var/demo.json)."""
    kept = var / "demo.json"
    demo = Demo(urls, token, log, public)
    links = json.loads(kept.read_text()) if kept.exists() else {}
    if not demo.exists():
        links = demo.load()
        _keep(kept, links)
    elif not links:
        log(f"{'demo':<14}the forum {SLUG} exists, but not its links ({kept} is gone)")
        public = public or urls
        links = {"register for the forum": f"{public['registration']}/forums/{SLUG}",
                 "organiser: live dashboard": f"{public['checkin']}/dashboard/{SLUG}"}
    programme = AwardsDemo(demo, SLUG, inbox)
    if not programme.exists():
        links = {**links, **programme.load()}
        _keep(kept, links)
    return links


def _keep(kept: Path, links: dict) -> None:
    kept.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # links carry tokens
    with os.fdopen(fd, "w") as out:
        json.dump(links, out, ensure_ascii=False, indent=2)
