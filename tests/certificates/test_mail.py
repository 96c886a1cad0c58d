"""A holder hears that their certificate is ready: through a real SMTP server, read back."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from certificates.services import mail
from forumops_shared.db import readonly
from forumops_shared.events.registry import PERSONAL_DATA_ERASED
from forumops_shared.mail import MailSender, SmtpSettings, SmtpTransport, mail_outbox

from ..support.clock import FakeClock
from ..support.smtp import relay  # noqa: F401 - the fixture
from .conftest import ADMIN, PUBLIC_URL, checked_in
from .test_awards import CATEGORY, award
from .test_pdfs import lines_read_by_pdfium

SENDER = "Diễn đàn Giáo dục <no-reply@chungnhan.example.vn>"


@pytest.fixture
def send_all(office, relay, settings_for):  # noqa: F811 - the fixture
    """The worker's sender, once, with everything due, writing as the API's settings say."""
    settings = settings_for("certificates", database_url=office.database_url,
                            extra={"CERTIFICATES_PUBLIC_URL": PUBLIC_URL})

    def send():
        sender = MailSender(office.engine, SmtpTransport(SmtpSettings.from_url(f"smtp://127.0.0.1:{relay.port}")),
                            SENDER, clock=FakeClock(datetime.now(timezone.utc) + timedelta(days=1)),
                            render=lambda conn, kind, params: mail.render(conn, kind, params, settings),
                            domain="chungnhan.example.vn")
        return sender.send_due(limit=100)
    return send


def attended(office, *people):
    """A forum; `people` (registration bodies' fields) registered at one point and checked in."""
    api = office.api
    slug = api.create_forum()
    api.put_point(slug, "HN-01")
    registered = [api.register(slug, api.person("HN-01", **p)).json for p in people]
    office.apply(office.registration_events() + [checked_in(p, slug) for p in registered])
    return slug, registered


def queued(office) -> list[tuple]:
    with readonly(office.engine).connect() as conn:
        return [tuple(r) for r in conn.execute(select(mail_outbox.c.key, mail_outbox.c.recipient, mail_outbox.c.status)
                                               .order_by(mail_outbox.c.key))]


def serial_of(office, registration_id: str) -> str:
    [cert] = office.certificates(registration_id=registration_id)
    return cert.serial


def pdf_of(message) -> bytes:
    [pdf] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    return pdf.get_content()


def test_a_holder_gets_their_certificate_in_their_language_with_the_pdf_and_the_verify_link(office, service, relay,
                                                                                            send_all):
    slug, [tuyet, duc] = attended(office, {"full_name": "Nguyễn Thị Ánh Tuyết", "language": "vi"},
                                  {"full_name": "Trần Minh Đức", "language": "en"})

    report = send_all()

    assert report.sent == 2
    by_name = {m["To"].addresses[0].display_name: m for m in relay.messages}
    assert set(by_name) == {"Nguyễn Thị Ánh Tuyết", "Trần Minh Đức"}
    mine, his = by_name["Nguyễn Thị Ánh Tuyết"], by_name["Trần Minh Đức"]
    assert mine["To"].addresses[0].addr_spec == tuyet["email"]
    assert mine["Subject"] == "Giấy chứng nhận của quý vị: Diễn đàn Giáo dục 2026"
    assert his["Subject"] == "Your certificate: Education Forum 2026"
    serial = serial_of(office, tuyet["id"])
    text, html = mine.get_body(("plain",)).get_content(), mine.get_body(("html",)).get_content()
    assert "Kính gửi Nguyễn Thị Ánh Tuyết" in text and "đã tham dự trực tiếp Diễn đàn Giáo dục 2026" in text
    verify = f"{PUBLIC_URL}/verify/{serial}"
    assert verify in text and f'href="{verify}"' in html
    assert service.get(verify.removeprefix(PUBLIC_URL)).status_code == 200  # the link is the public page
    pdf = pdf_of(mine)
    assert pdf.startswith(b"%PDF-") and "Nguyễn Thị Ánh Tuyết" in lines_read_by_pdfium(pdf)
    assert pdf == service.get(f"/api/v1/certificates/{serial}/pdf", headers=ADMIN).data  # the PDF the API serves
    assert "Dear Trần Minh Đức" in his.get_body(("plain",)).get_content()
    # Nobody else's name or address in either message.
    for message, other in ((mine, duc), (his, tuyet)):
        seen = str(message["To"]) + message.get_body(("plain",)).get_content() + message.get_body(("html",)).get_content()
        assert other["full_name"] not in seen and other["email"] not in seen


def test_a_redelivered_issuance_queues_one_message_and_one_arrives(office, relay, send_all):
    slug, [person] = attended(office, {})
    again = office.registration_events() + [checked_in(person, slug), checked_in(person, slug, point="HP-01")]
    office.redeliver(again)
    office.apply([checked_in(person, slug, forced=True)])

    assert queued(office) == [(f"certificate:{serial_of(office, person['id'])}", person["email"], "queued")]
    send_all()
    send_all()
    assert len(relay.messages) == 1


def test_erasure_removes_the_holders_queued_mail_and_nothing_goes(office, relay, send_all):
    slug, [gone, stays] = attended(office, {"full_name": "Đỗ Thị Hồng Nhung"}, {"full_name": "Lý Văn Phúc"})
    office.api.client.post(f"/api/v1/registrations/{gone['id']}/erase",
                           headers=office.api.as_holder(gone["manage_token"]))
    office.apply(office.registration_events(PERSONAL_DATA_ERASED))

    assert [recipient for _, recipient, _ in queued(office)] == [stays["email"]]
    send_all()
    assert [m["To"].addresses[0].display_name for m in relay.messages] == ["Lý Văn Phúc"]


def test_a_certificate_revoked_before_its_email_went_is_not_sent(office, service, relay, send_all):
    slug, [person] = attended(office, {})
    serial = serial_of(office, person["id"])
    assert service.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "Cấp nhầm người"},
                        headers=ADMIN).status_code == 200

    send_all()

    assert relay.messages == []
    assert queued(office) == [(f"certificate:{serial}", person["email"], "dropped")]  # not a failure to list


def test_award_recipients_with_an_address_get_theirs_once_and_a_reissued_award_its_own(office, service, relay,
                                                                                     send_all):
    slug, _ = attended(office, {})
    relay_before = send_all().sent  # the attendance certificate's
    recipients = [
        {"name": "Trường THPT Chuyên Hà Nội - Amsterdam", "kind": "unit", "ref": "HS-001", "email": "hams@truong.edu.vn"},
        {"name": "Phạm Thị Thuỳ Dương", "ref": "HS-002", "language": "en", "email": "duong.pham@truong.edu.vn"},
        {"name": "Trường Tiểu học Nguyễn Bỉnh Khiêm", "kind": "unit", "ref": "HS-003"},  # no address: no email
    ]
    rows = award(service, slug, recipients).json["rows"]
    assert award(service, slug, recipients).json["existing"] == 3  # the same list again

    send_all()

    arrived = {m["To"].addresses[0].addr_spec: m for m in relay.messages[relay_before:]}
    assert set(arrived) == {"hams@truong.edu.vn", "duong.pham@truong.edu.vn"}
    school, duong = arrived["hams@truong.edu.vn"], arrived["duong.pham@truong.edu.vn"]
    assert school["To"].addresses[0].display_name == "Trường THPT Chuyên Hà Nội - Amsterdam"
    assert school["Subject"] == "Giấy chứng nhận của quý vị: Diễn đàn Giáo dục 2026"
    assert CATEGORY["vi"] in school.get_body(("plain",)).get_content()
    assert duong["Subject"] == "Your certificate: Education Forum 2026"
    assert CATEGORY["en"] in duong.get_body(("plain",)).get_content()
    assert f"{PUBLIC_URL}/verify/{rows[1]['serial']}" in duong.get_body(("plain",)).get_content()
    assert pdf_of(duong).startswith(b"%PDF-")
    # A name corrected: the award revoked and given again under a new ref is a new certificate, told anew.
    service.post(f"/api/v1/certificates/{rows[1]['serial']}/revoke", json={"reason": "Sai tên"}, headers=ADMIN)
    fixed = award(service, slug, [{**recipients[1], "name": "Phạm Thị Thùy Dương", "ref": "HS-002b"}]).json["rows"]
    send_all()
    [latest] = relay.messages[relay_before + 2:]
    assert latest["To"].addresses[0].display_name == "Phạm Thị Thùy Dương"
    assert fixed[0]["serial"] in latest.get_body(("plain",)).get_content()


def test_an_awards_csv_may_carry_each_recipients_address(office, service, relay, send_all):
    slug, _ = attended(office, {})
    before = send_all().sent
    body = "name,kind,email\nTrường THCS Lê Quý Đôn,unit,lqd@truong.edu.vn\nNguyễn Văn An,person,\n"
    answer = service.post(f"/api/v1/forums/{slug}/awards", headers=ADMIN, data={
        "file": (io.BytesIO(body.encode()), "giai-thuong.csv"), "category_vi": "Đơn vị điển hình"})
    assert answer.status_code == 200, answer.json
    assert answer.json["issued"] == 2

    send_all()

    assert [m["To"].addresses[0].addr_spec for m in relay.messages[before:]] == ["lqd@truong.edu.vn"]
