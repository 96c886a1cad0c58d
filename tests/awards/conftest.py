"""The awards service: its rules on their own, and its API on a fresh database (no broker)."""
from __future__ import annotations

import io
import itertools
import json
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from forumops_shared.db import make_engine
from forumops_shared.service_app import close_service_app, context_of

from ..support.clock import FakeClock
from ..support.services import migrate

ADMIN_TOKEN = "organiser-secret-token-for-tests-0123456789"
OPENS = datetime(2027, 3, 1, 1, 0, tzinfo=timezone.utc)
_numbers = itertools.count(1)


def pdf_bytes(text: str = "Hồ sơ đề cử") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text.encode("ascii", "replace").decode())
    page.save()
    return out.getvalue()


def image_bytes(kind: str = "PNG", size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def programme_body(slug="giai-thuong-giao-duc-2027", **overrides) -> dict:
    body = {
        "slug": slug, "title": {"vi": "Giải thưởng Giáo dục 2027", "en": "Education Awards 2027"},
        "forum": "dien-dan-giao-duc-2027",
        "applications_open_at": OPENS.isoformat(),
        "applications_close_at": (OPENS + timedelta(days=60)).isoformat(),
        "review_close_at": (OPENS + timedelta(days=90)).isoformat(),
        "results_at": (OPENS + timedelta(days=100)).isoformat(),
        "categories": [
            {"code": "moi-truong", "name": {"vi": "Môi trường giáo dục tốt nhất", "en": "Best Education Environment"}, "awards": 30},
            {"code": "doi-moi", "name": {"vi": "Đổi mới giáo dục tiêu biểu", "en": "Best Education Innovation"}, "awards": 31},
            {"code": "anh-huong", "name": {"vi": "Ảnh hưởng giáo dục của năm", "en": "Best Education Influence"}, "awards": 30},
        ],
        "criteria": [{"code": f"c{i}", "name": {"vi": f"Tiêu chí {i}", "en": f"Criterion {i}"}, "weight": w, "max": 10}
                     for i, w in enumerate((3, 2, 2, 1, 1, 1), start=1)],
        "applicants": "both", "reviews_per_application": 3, "blind": True,
    }
    return {**body, **overrides}


def application_body(**overrides) -> dict:
    n = next(_numbers)
    body = {"applicant": {"kind": "unit", "name": "Trường THPT Chu Văn An", "organisation": "Trường THPT Chu Văn An",
                          "province": "Hà Nội", "email": f"hieutruong.{n}@chuvanan.edu.vn"},
            "category": "doi-moi", "title": f"Lớp học đảo ngược {n}", "summary": "Mô hình lớp học đảo ngược\ncho khối 10.",
            "consent": True, "language": "vi"}
    return {**body, **overrides}


class Api:
    """Calls the awards API the way its clients do."""

    def __init__(self, app, engine, clock):
        self.app, self.client, self.engine, self.clock = app, app.test_client(), engine, clock
        self.context = context_of(app)
        self.admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    @staticmethod
    def bearer(token):
        return {"Authorization": f"Bearer {token}"}

    def create_programme(self, **overrides) -> str:
        body = programme_body(**overrides)
        response = self.client.post("/api/v1/programmes", json=body, headers=self.admin)
        assert response.status_code == 201, response.json
        return body["slug"]

    def open(self, slug=None):
        """The clock into the application window."""
        self.clock._now = OPENS + timedelta(days=1)

    def apply(self, slug, body=None, files=(), headers=None, raw_part=None):
        """files: (name, bytes[, declared content type]) each."""
        form = {"application": raw_part if raw_part is not None else json.dumps(body or application_body(), ensure_ascii=False)}
        form["files"] = [(io.BytesIO(f[1]), f[0], *(f[2:] or ("application/octet-stream",))) for f in files]
        return self.client.post(f"/api/v1/programmes/{slug}/applications", data=form, headers=headers or {},
                                content_type="multipart/form-data")

    def applied(self, slug, body=None, files=()):
        response = self.apply(slug, body, files)
        assert response.status_code == 201, response.json
        return response.json


@pytest.fixture
def awards_settings(settings_for, tmp_path):
    def make(**extra):
        settings = settings_for("awards", extra={"AWARDS_ADMIN_TOKEN": ADMIN_TOKEN,
                                                "AWARDS_APPLY_RATE_LIMIT": "10000/second",
                                                "AWARDS_FILES_DIR": str(tmp_path / "files"), **extra})
        migrate(settings)
        return settings
    return make


@pytest.fixture
def clock():
    return FakeClock(OPENS - timedelta(days=10))


@pytest.fixture
def api(awards_settings, clock):
    from awards.app import create_app
    settings = awards_settings()
    app = create_app(settings, clock=clock)
    engine = make_engine(settings.database_url)
    yield Api(app, engine, clock)
    close_service_app(app)
    engine.dispose()
