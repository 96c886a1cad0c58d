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


def juror_token(stack: System, juror_id: str) -> str:
    """The token in the juror's latest invitation, read from the awards outbox as its worker would
    write it into the email (pages tests run without an SMTP server; the system test reads the email)."""
    from sqlalchemy import select

    from forumops_shared.db import make_engine, readonly
    from forumops_shared.mail import mail_outbox

    engine = make_engine(stack.settings["awards"].database_url)
    try:
        with readonly(engine).connect() as conn:
            rows = conn.execute(select(mail_outbox.c.params).where(mail_outbox.c.subject_id == juror_id,
                                                                   mail_outbox.c.kind == "jury-invitation")
                                .order_by(mail_outbox.c.created_at)).all()
    finally:
        engine.dispose()
    return json.loads(rows[-1].params)["token"]


def decided_programme(stack: System, schools: dict[str, tuple[str, int]], categories: list[dict],
                      jurors: int = 3) -> tuple[str, dict[str, str]]:
    """A programme through its whole life up to the organiser's decision (the ranking's proposal),
    over HTTP: `schools` {name: (category, the score every juror gives it)} apply, `jurors` jurors
    of every category are invited, applications close, the service assigns, every review is
    scored, the review closes. Its slug and the applications' ids by school name."""
    slug = f"giai-thuong-{next(_numbers)}-{uuid.uuid4().hex[:6]}"
    opens = datetime.now(timezone.utc) - timedelta(days=1)
    answer = stack.admin("POST", "awards", "/api/v1/programmes", json={
        "slug": slug, "title": {"vi": "Giải thưởng Giáo dục 2027", "en": "Education Awards 2027"},
        "applications_open_at": opens.isoformat(), "applications_close_at": (opens + timedelta(days=60)).isoformat(),
        "review_close_at": (opens + timedelta(days=90)).isoformat(), "categories": categories,
        "criteria": CRITERIA, "applicants": "both", "reviews_per_application": min(3, jurors), "blind": True})
    assert answer.status_code == 201, answer.text
    ids = {}
    for name, (category, _score) in schools.items():
        ids[name] = apply(stack, slug, application_body(category=category, applicant={
            "kind": "unit", "name": name, "organisation": name, "province": "Hà Nội",
            "email": f"{uuid.uuid4().hex[:10]}@truong.edu.vn"}))["id"]
    tokens = []
    for n in range(jurors):
        answer = stack.admin("POST", "awards", f"/api/v1/programmes/{slug}/jurors", json={
            "name": f"Giám khảo {n + 1}", "email": f"giamkhao.{n}.{uuid.uuid4().hex[:6]}@hoidong.example.vn",
            "organisation": f"Hội đồng {n + 1}", "categories": [c["code"] for c in categories]})
        assert answer.status_code == 201, answer.text
        tokens.append(juror_token(stack, answer.json()["id"]))

    def now() -> str:
        return datetime.now(timezone.utc).isoformat()
    assert stack.admin("PATCH", "awards", f"/api/v1/programmes/{slug}", json={"applications_close_at": now()}).ok
    assert stack.admin("POST", "awards", f"/api/v1/programmes/{slug}/assignments").ok
    score = {ids[name]: value for name, (_category, value) in schools.items()}
    for token in tokens:
        queue = requests.get(stack.url("awards", "/api/v1/jurors/me/assignments"),
                             headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
        for item in queue["assignments"]:
            answer = requests.put(stack.url("awards", f"/api/v1/applications/{item['id']}/reviews/me"),
                                  json={"scores": {c["code"]: score[item["id"]] for c in CRITERIA}},
                                  headers={"Authorization": f"Bearer {token}"}, timeout=10)
            assert answer.status_code == 200, answer.text
    assert stack.admin("PATCH", "awards", f"/api/v1/programmes/{slug}", json={"review_close_at": now()}).ok
    ranking = stack.admin("GET", "awards", f"/api/v1/programmes/{slug}/ranking").json()
    proposal = {c["code"]: [a["id"] for a in c["applications"] if a["outcome"] == "proposed"]
                for c in ranking["categories"]}
    assert stack.admin("PUT", "awards", f"/api/v1/programmes/{slug}/decisions", json={"winners": proposal}).ok
    return slug, ids
