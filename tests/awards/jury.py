"""Helpers for the jury's tests: jurors invited over HTTP, their tokens read from the outbox
(the invitation's params, as the worker would write them into the email)."""
from __future__ import annotations

import itertools
import json
from datetime import timedelta

from sqlalchemy import select

from forumops_shared.mail import mail_outbox

from .conftest import OPENS, application_body

_numbers = itertools.count(1)
CLOSED = OPENS + timedelta(days=61)  # applications closed, the review open
REVIEW_CLOSES = OPENS + timedelta(days=90)


def juror_body(name: str, organisation: str, categories=("doi-moi",), **overrides) -> dict:
    email = f"thanhvien.{next(_numbers)}@hoidong.example.vn"
    return {"name": name, "email": email, "organisation": organisation, "province": "Hà Nội",
            "categories": list(categories), "language": "vi", **overrides}


def invite(api, slug: str, body: dict) -> str:
    answer = api.client.post(f"/api/v1/programmes/{slug}/jurors", json=body, headers=api.admin)
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def token_of(api, juror_id: str) -> str:
    """The token in the juror's latest invitation."""
    with api.engine.connect() as conn:
        rows = conn.execute(select(mail_outbox.c.params).where(mail_outbox.c.subject_id == juror_id,
                                                               mail_outbox.c.kind == "jury-invitation")
                            .order_by(mail_outbox.c.created_at)).all()
    return json.loads(rows[-1].params)["token"]


def school(name: str, organisation: str | None = None, category: str = "doi-moi", **overrides) -> dict:
    return application_body(category=category, applicant={
        "kind": "unit", "name": name, "organisation": organisation or name, "province": "Huế",
        "email": f"{abs(hash(name)) % 10**8}@truong.edu.vn"}, **overrides)


def close_applications(api) -> None:
    api.clock._now = CLOSED


def compute(api, slug: str) -> dict:
    answer = api.client.post(f"/api/v1/programmes/{slug}/assignments", headers=api.admin)
    assert answer.status_code == 200, answer.json
    return answer.json


def queue(api, token: str) -> dict:
    answer = api.client.get("/api/v1/jurors/me/assignments", headers=api.bearer(token))
    assert answer.status_code == 200, answer.json
    return answer.json


def full_scores(value=7) -> dict:
    return {f"c{i}": value for i in range(1, 7)}
