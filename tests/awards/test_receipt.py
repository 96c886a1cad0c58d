"""The applicant's receipt: queued with the application, sent through a real SMTP server, read back."""
from __future__ import annotations

from datetime import timedelta

from forumops_shared.mail import MailSender, SmtpSettings, SmtpTransport
from awards.services import mail

from ..support.clock import FakeClock
from ..support.smtp import relay  # noqa: F401 - the fixture
from .conftest import OPENS, application_body, pdf_bytes

SENDER = "Giải thưởng Giáo dục <no-reply@awards.example.vn>"


def send_all(api, relay, at=OPENS + timedelta(days=3)) -> None:
    """The worker's sender, once, with everything due at `at`."""
    sender = MailSender(api.engine, SmtpTransport(SmtpSettings.from_url(f"smtp://127.0.0.1:{relay.port}")), SENDER,
                        clock=FakeClock(at),
                        render=lambda conn, kind, params: mail.render(conn, kind, params, api.context.settings))
    sender.send_due(limit=100)


def test_the_applicant_receives_a_receipt_in_their_language_with_the_link_back(api, relay):
    slug = api.create_programme()
    api.open()
    vi = api.applied(slug, application_body(title="Thư viện xanh", applicant={
        "kind": "unit", "name": "Trường Tiểu học Kim Đồng", "organisation": "Trường Tiểu học Kim Đồng",
        "province": "Đà Nẵng", "email": "kimdong@truong.edu.vn"}), files=[("Báo cáo.pdf", pdf_bytes())])
    en = api.applied(slug, application_body(language="en", category="moi-truong", applicant={
        "kind": "person", "name": "Trần Minh Đức", "email": "duc@example.vn"}))

    send_all(api, relay)
    send_all(api, relay)  # nothing twice

    by_name = {m["To"].addresses[0].display_name: m for m in relay.messages}
    assert sorted(by_name) == ["Trường Tiểu học Kim Đồng", "Trần Minh Đức"] and len(relay.messages) == 2
    school, person = by_name["Trường Tiểu học Kim Đồng"], by_name["Trần Minh Đức"]
    assert school["Subject"] == "Đã nhận hồ sơ: Giải thưởng Giáo dục 2027"
    assert person["Subject"] == "Application received: Education Awards 2027"
    text = school.get_body(("plain",)).get_content()
    assert "Kính gửi Trường Tiểu học Kim Đồng" in text and "Thư viện xanh" in text
    assert "Đổi mới giáo dục tiêu biểu" in text and "Báo cáo.pdf" in text and vi["id"] in text
    assert "08:00 30/04/2027 (UTC+7)" in text  # applications close, as people in Vietnam read it
    link = f"{api.context.settings.urls['awards']}/applications/{vi['id']}#token={vi['manage_token']}"
    assert link in text and link in school.get_body(("html",)).get_content()
    english = person.get_body(("plain",)).get_content()
    assert "Best Education Environment" in english and f"#token={en['manage_token']}" in english
    sent = api.client.get(f"/api/v1/forums/{slug}/mail", query_string={"status": "sent"}, headers=api.admin)
    assert sent.status_code == 200 and len(sent.json["items"]) == 2  # filed under the programme
    # the link's token opens the application
    opened = api.client.get(f"/api/v1/applications/{vi['id']}", headers=api.bearer(vi["manage_token"]))
    assert opened.status_code == 200


def test_an_application_withdrawn_before_its_receipt_went_gets_none(api, relay):
    slug = api.create_programme()
    api.open()
    gone = api.applied(slug)
    api.client.post(f"/api/v1/applications/{gone['id']}/withdraw", headers=api.bearer(gone["manage_token"]))
    send_all(api, relay)
    assert relay.messages == []
