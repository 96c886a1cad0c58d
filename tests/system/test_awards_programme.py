"""A whole awards programme on the real broker, as its people live it: the call, applications with
their files, a jury invited by email that scores in its queue, the organiser's ranking and
decision, the results published; certificates issued from the results (through Kafka), the honour
roll linking each winner to their certificate, everyone told by email through a real SMTP server;
then a correction that revokes and issues exactly what it changes."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests

from ..support.awards_programmes import CRITERIA, apply, application_body, pdf_bytes
from ..support.smtp import Inbox
from ..support.system import bearer, running_system
from ..support.waiting import wait_until
from .test_end_to_end import verification

CATEGORIES = [
    {"code": "moi-truong", "name": {"vi": "Môi trường giáo dục tốt nhất", "en": "Best Education Environment"}, "awards": 1},
    {"code": "doi-moi", "name": {"vi": "Đổi mới giáo dục tiêu biểu", "en": "Best Education Innovation"}, "awards": 2},
]
SCHOOLS = {  # name, category, the score every juror gives each criterion
    "Trường Tiểu học Hoa Mai": ("doi-moi", 9), "Trường THCS Lê Lợi": ("doi-moi", 8),
    "Trường THPT Nguyễn Du": ("doi-moi", 6), "Trường Mầm non Sen Hồng": ("doi-moi", 5),
    "Trường THCS Trưng Vương": ("moi-truong", 9), "Trường Tiểu học Kim Đồng": ("moi-truong", 7),
}
JURORS = {"Nguyễn Văn Bình": "Sở GD&ĐT Hà Nội", "Lê Thị Hoa": "Sở GD&ĐT Huế", "Phạm Quốc Anh": "Đại học Sư phạm",
          "Vũ Minh Tâm": "Viện Khoa học Giáo dục"}


@pytest.fixture(scope="module")
def smtp():
    from aiosmtpd.controller import Controller

    from forumops_stack.testing import free_port
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    inbox.port = port
    yield inbox
    server.stop()


@pytest.fixture(scope="module")
def stack(kafka_broker, tmp_path_factory, smtp):
    with running_system(kafka_broker, tmp_path_factory.mktemp("awards-programme"),
                        extra={"FORUMOPS_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", "FORUMOPS_MAIL_RATE": "200"}) as s:
        yield s


def mail_to(smtp: Inbox, address: str, subject_part: str, timeout_s: float = 60):
    def arrived():
        return next((m for m in smtp.messages if m["To"].addresses[0].addr_spec == address
                     and subject_part in m["Subject"]), None)
    return wait_until(arrived, timeout_s=timeout_s, interval_s=0.2, message=f"mail to {address}: {subject_part}")


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def now() -> datetime:
    return datetime.now(timezone.utc)


def ok(answer: requests.Response, status: int = 200) -> dict:
    assert answer.status_code == status, answer.text
    return answer.json()


def test_a_programme_from_the_call_to_the_honour_roll_and_a_correction(stack, smtp):
    slug = f"giai-thuong-{uuid.uuid4().hex[:8]}"
    opened = now() - timedelta(days=1)
    ok(stack.admin("POST", "awards", "/api/v1/programmes", json={
        "slug": slug, "title": {"vi": "Giải thưởng Giáo dục 2027", "en": "Education Awards 2027"},
        "applications_open_at": opened.isoformat(), "applications_close_at": (opened + timedelta(days=60)).isoformat(),
        "review_close_at": (opened + timedelta(days=90)).isoformat(), "categories": CATEGORIES,
        "criteria": CRITERIA, "applicants": "unit", "reviews_per_application": 3, "blind": True}), 201)

    # The call: each school applies with a file and gets its receipt.
    applied = {}
    for name, (category, _score) in SCHOOLS.items():
        body = application_body(category=category, applicant={
            "kind": "unit", "name": name, "organisation": name, "province": "Hà Nội",
            "email": f"{uuid.uuid4().hex[:10]}@truong.edu.vn"})
        applied[name] = {**apply(stack, slug, body, files=[("Hồ sơ.pdf", pdf_bytes())]), "email": body["applicant"]["email"]}
    assert "Đã nhận hồ sơ" in mail_to(smtp, applied["Trường THCS Lê Lợi"]["email"], "Đã nhận hồ sơ")["Subject"]

    # The jury: invited by email, each token read from the invitation's link.
    tokens = {}
    for name, organisation in JURORS.items():
        address = f"{uuid.uuid4().hex[:10]}@hoidong.example.vn"
        ok(stack.admin("POST", "awards", f"/api/v1/programmes/{slug}/jurors", json={
            "name": name, "email": address, "organisation": organisation, "province": "Hà Nội",
            "categories": ["moi-truong", "doi-moi"]}), 201)
        invitation = text_of(mail_to(smtp, address, "Thư mời"))
        tokens[name] = re.search(r"#token=([\w-]+)", invitation).group(1)

    # Applications close (the organiser moves the date to now); the service assigns; the jury scores.
    ok(stack.admin("PATCH", "awards", f"/api/v1/programmes/{slug}", json={"applications_close_at": now().isoformat()}))
    ok(stack.admin("POST", "awards", f"/api/v1/programmes/{slug}/assignments"))
    score_of = {a["id"]: SCHOOLS[name][1] for name, a in applied.items()}
    reviewed = 0
    for token in tokens.values():
        for item in ok(requests.get(stack.url("awards", "/api/v1/jurors/me/assignments"), headers=bearer(token),
                                    timeout=10))["assignments"]:
            assert not any(name in str(item) for name in SCHOOLS)  # blind: the queue never names the school
            scores = {c["code"]: score_of[item["id"]] for c in CRITERIA}
            ok(requests.put(stack.url("awards", f"/api/v1/applications/{item['id']}/reviews/me"),
                            json={"scores": scores}, headers=bearer(token), timeout=10))
            reviewed += 1
    assert reviewed == 3 * len(SCHOOLS)

    # The review closes; the ranking proposes; the organiser confirms and publishes.
    ok(stack.admin("PATCH", "awards", f"/api/v1/programmes/{slug}", json={"review_close_at": now().isoformat()}))
    ranking = ok(stack.admin("GET", "awards", f"/api/v1/programmes/{slug}/ranking"))
    proposed = {c["code"]: [a["id"] for a in c["applications"] if a["outcome"] == "proposed"]
                for c in ranking["categories"]}
    ids = {name: a["id"] for name, a in applied.items()}
    assert proposed == {"moi-truong": [ids["Trường THCS Trưng Vương"]],
                        "doi-moi": [ids["Trường Tiểu học Hoa Mai"], ids["Trường THCS Lê Lợi"]]}
    ok(stack.admin("PUT", "awards", f"/api/v1/programmes/{slug}/decisions", json={"winners": proposed}))
    published = ok(stack.admin("POST", "awards", f"/api/v1/programmes/{slug}/publish", json={}))
    assert (published["version"], published["winners"]) == (1, 3)

    # Certificates follow through Kafka, and come back as links on the honour roll.
    def all_linked(version=1):
        roll = requests.get(stack.url("awards", f"/api/v1/programmes/{slug}/results"), timeout=10).json()
        winners = [w for c in roll["categories"] for w in c["winners"]]
        return roll if roll["version"] == version and all(w["certificate"] for w in winners) else None
    roll = wait_until(all_linked, timeout_s=60, interval_s=0.3, message="every winner's certificate on the honour roll")
    linked = {w["name"]: w["certificate"] for c in roll["categories"] for w in c["winners"]}
    assert sorted(linked) == sorted(["Trường THCS Trưng Vương", "Trường Tiểu học Hoa Mai", "Trường THCS Lê Lợi"])
    for name, certificate in linked.items():
        shown = verification(stack, certificate["serial"])
        assert (shown["status"], shown["recipient_name"], shown["kind"]) == ("valid", name, "award")
        assert certificate["verify_url"] == stack.url("certificates", f"/verify/{certificate['serial']}")
    page = requests.get(stack.url("awards", f"/programmes/{slug}/results"), timeout=10).text
    assert all(name in page and certificate["verify_url"] in page for name, certificate in linked.items())
    assert "Trường THPT Nguyễn Du" not in page

    # Everyone hears: winners their decision and their certificate, the others theirs.
    won = mail_to(smtp, applied["Trường Tiểu học Hoa Mai"]["email"], "Chúc mừng")
    assert "Đổi mới giáo dục tiêu biểu" in text_of(won)
    certificate_mail = mail_to(smtp, applied["Trường Tiểu học Hoa Mai"]["email"], "chứng nhận")
    assert any(part.get_content_type() == "application/pdf" for part in certificate_mail.iter_attachments())
    assert "chưa có trong danh sách" in text_of(mail_to(smtp, applied["Trường Mầm non Sen Hồng"]["email"], "Kết quả"))

    # A correction: Nguyễn Du in place of Lê Lợi. Exactly that changes.
    corrected = {**proposed, "doi-moi": [ids["Trường Tiểu học Hoa Mai"], ids["Trường THPT Nguyễn Du"]]}
    ok(stack.admin("PUT", "awards", f"/api/v1/programmes/{slug}/decisions",
                   json={"winners": corrected, "reason": "Điểm của Lê Lợi bị nhập nhầm."}))
    unexplained = stack.admin("POST", "awards", f"/api/v1/programmes/{slug}/publish", json={})
    assert (unexplained.status_code, unexplained.json()["reason"]) == (422, "reason_required")
    assert ok(stack.admin("POST", "awards", f"/api/v1/programmes/{slug}/publish",
                          json={"reason": "Điểm của Lê Lợi bị nhập nhầm."}))["version"] == 2
    roll = wait_until(lambda: all_linked(version=2), timeout_s=60, interval_s=0.3, message="the corrected honour roll")
    after = {w["name"]: w["certificate"] for c in roll["categories"] for w in c["winners"]}
    assert sorted(after) == sorted(["Trường THCS Trưng Vương", "Trường Tiểu học Hoa Mai", "Trường THPT Nguyễn Du"])
    assert {n: after[n] for n in ("Trường THCS Trưng Vương", "Trường Tiểu học Hoa Mai")} == {
        n: linked[n] for n in ("Trường THCS Trưng Vương", "Trường Tiểu học Hoa Mai")}  # kept as they were
    removed = wait_until(lambda: (v := verification(stack, linked["Trường THCS Lê Lợi"]["serial"]))["status"] == "revoked"
                         and v, timeout_s=30, interval_s=0.3, message="Lê Lợi's certificate revoked")
    assert removed["status"] == "revoked"
    assert "không còn trong danh sách" in text_of(mail_to(smtp, applied["Trường THCS Lê Lợi"]["email"], "Đính chính"))
    assert "Chúc mừng" in mail_to(smtp, applied["Trường THPT Nguyễn Du"]["email"], "Chúc mừng")["Subject"]
    decisions_to_hoa_mai = [m for m in smtp.messages if m["To"].addresses[0].addr_spec ==
                            applied["Trường Tiểu học Hoa Mai"]["email"] and "Chúc mừng" in m["Subject"]]
    assert len(decisions_to_hoa_mai) == 1  # unchanged by the correction: not told twice
