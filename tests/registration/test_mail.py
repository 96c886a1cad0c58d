"""What a participant hears by email when they register: through a real SMTP server, read back."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import zxingcpp
from PIL import Image

from forumops_shared.mail import MailSender, SmtpSettings, SmtpTransport
from registration.services import mail

from ..support.clock import FakeClock
from ..support.smtp import relay  # noqa: F401 - the fixture

SENDER = "Diễn đàn Giáo dục <no-reply@forum.example.vn>"


def send_all(api, relay) -> None:
    """The worker's sender, once, with everything due (its clock a day after the registrations)."""
    sender = MailSender(api.engine, SmtpTransport(SmtpSettings.from_url(f"smtp://127.0.0.1:{relay.port}")), SENDER,
                        clock=FakeClock(datetime.now(timezone.utc) + timedelta(days=1)),
                        render=lambda conn, kind, params: mail.render(conn, kind, params, api.context.settings))
    sender.send_due(limit=100)


def test_a_confirmation_arrives_in_the_persons_language_with_the_ticket_and_the_way_back(api, relay):
    slug = api.create_forum()
    api.put_point(slug, "HN-01", capacity=1, province="Hà Nội")
    vi = api.register(slug, api.person("HN-01", full_name="Nguyễn Thị Thu Hà", language="vi")).json
    en = api.register(slug, api.person("HN-01", full_name="Trần Minh Đức", language="en")).json  # waits in line

    send_all(api, relay)

    by_name = {m["To"].addresses[0].display_name: m for m in relay.messages}
    assert set(by_name) == {"Nguyễn Thị Thu Hà", "Trần Minh Đức"}
    ha, duc = by_name["Nguyễn Thị Thu Hà"], by_name["Trần Minh Đức"]
    assert ha["Subject"] == "Xác nhận đăng ký: Diễn đàn Giáo dục 2026"
    assert duc["Subject"] == "Waiting list: Education Forum 2026"
    text = ha.get_body(("plain",)).get_content()
    assert "Kính gửi Nguyễn Thị Thu Hà" in text and vi["ticket"]["code"] in text
    link = f"/registrations/{vi['id']}#token={vi['manage_token']}"
    assert link in text and link in ha.get_body(("html",)).get_content()
    parts = {p.get_content_type(): p for p in ha.walk() if p.get_filename()}
    [qr] = zxingcpp.read_barcodes(Image.open(io.BytesIO(parts["image/png"].get_content())))
    assert qr.text == vi["ticket"]["qr_payload"]
    calendar = parts["text/calendar"].get_content()
    assert "DTSTART:20261210T010000Z" in calendar and "SUMMARY:Diễn đàn Giáo dục 2026" in calendar
    # Waiting: no ticket yet, and the link back.
    assert "image/png" not in {p.get_content_type() for p in duc.walk()}
    assert f"#token={en['manage_token']}" in duc.get_body(("plain",)).get_content()
    # The link opens the registration.
    assert api.client.get(f"/api/v1/registrations/{vi['id']}", headers=api.as_holder(vi["manage_token"])).status_code == 200


def test_a_person_erased_before_their_email_went_gets_none(api, relay):
    slug = api.create_forum()
    api.put_point(slug, "HN-01")
    person = api.register(slug, api.person("HN-01")).json
    api.client.post(f"/api/v1/registrations/{person['id']}/erase", headers=api.as_holder(person["manage_token"]))

    send_all(api, relay)

    assert relay.messages == []
