"""Awards programmes and applications set up through the API, as organisers and applicants do;
small real files (a PDF by reportlab, images by Pillow) to attach."""
from __future__ import annotations

import io
import itertools
import json
import uuid
from datetime import datetime, timedelta, timezone

import requests
from PIL import Image
from reportlab.pdfgen import canvas

from .system import System

_numbers = itertools.count(1)
CATEGORIES = [
    {"code": "moi-truong", "name": {"vi": "Môi trường giáo dục tốt nhất", "en": "Best Education Environment"}, "awards": 30},
    {"code": "doi-moi", "name": {"vi": "Đổi mới giáo dục tiêu biểu", "en": "Best Education Innovation"}, "awards": 31},
    {"code": "anh-huong", "name": {"vi": "Ảnh hưởng giáo dục của năm", "en": "Best Education Influence of the Year"},
     "awards": 30},
]
CRITERIA = [{"code": f"c{i}", "name": {"vi": f"Tiêu chí {i}", "en": f"Criterion {i}"}, "weight": w, "max": 10}
            for i, w in enumerate((3, 2, 2, 1, 1, 1), start=1)]


def new_programme(stack: System, *, opened_days_ago: float = 1, applicants: str = "both") -> str:
    """A programme whose applications opened `opened_days_ago` (open for 60 days, reviewed for 30 more)."""
    slug = f"giai-thuong-{next(_numbers)}-{uuid.uuid4().hex[:6]}"
    opens = datetime.now(timezone.utc) - timedelta(days=opened_days_ago)
    body = {"slug": slug, "title": {"vi": "Giải thưởng Giáo dục 2027", "en": "Education Awards 2027"},
            "applications_open_at": opens.isoformat(), "applications_close_at": (opens + timedelta(days=60)).isoformat(),
            "review_close_at": (opens + timedelta(days=90)).isoformat(),
            "results_at": (opens + timedelta(days=100)).isoformat(),
            "categories": CATEGORIES, "criteria": CRITERIA, "applicants": applicants, "blind": True}
    answer = stack.admin("POST", "awards", "/api/v1/programmes", json=body)
    assert answer.status_code == 201, answer.text
    return slug


def pdf_bytes(text: str = "Ho so de cu") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def image_bytes(kind: str = "PNG", size=(60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(out, kind)
    return out.getvalue()


def application_body(**overrides) -> dict:
    n = next(_numbers)
    body = {"applicant": {"kind": "unit", "name": "Trường THPT Chu Văn An", "organisation": "Sở GD&ĐT Hà Nội",
                          "province": "Hà Nội", "email": f"hieutruong.{n}.{uuid.uuid4().hex[:6]}@chuvanan.edu.vn"},
            "category": "doi-moi", "title": f"Lớp học đảo ngược {n}", "summary": "Mô hình lớp học đảo ngược\ncho khối 10.",
            "consent": True, "language": "vi"}
    return {**body, **overrides}


def apply(stack: System, slug: str, body: dict | None = None, files: tuple = ()) -> dict:
    """An application sent as the form sends it; files: (name, bytes) each. Its answer, with the manage token."""
    parts = [("application", (None, json.dumps(body or application_body(), ensure_ascii=False)))]
    parts += [("files", (name, data, "application/octet-stream")) for name, data in files]
    answer = requests.post(stack.url("awards", f"/api/v1/programmes/{slug}/applications"), files=parts, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def counts(stack: System, slug: str) -> dict:
    """The programme's submitted and withdrawn applications, as organisers see them."""
    return stack.admin("GET", "awards", f"/api/v1/programmes/{slug}").json()["applications"]
