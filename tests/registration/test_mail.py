"""What a participant hears by email when they register: through a real SMTP server, read back."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import zxingcpp
from PIL import Image

from forumops_shared.mail import MailSender, SmtpSettings, SmtpTransport
from forumops_shared.events import registry as types
from forumops_shared.tokens import hash_token
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


def _qr_text(message) -> str:
    image = next(p for p in message.walk() if p.get_content_type() == "image/png")
    [qr] = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    return qr.text


def _to(relay, name: str) -> list:
    return [m for m in relay.messages if m["To"].addresses[0].display_name == name]


def test_a_freed_place_brings_the_next_in_line_their_ticket_and_the_leaver_a_cancellation(api, relay):
    slug = api.create_forum()
    api.put_point(slug, "HN-01", capacity=1)
    first = api.register(slug, api.person("HN-01", full_name="Lê Văn Hùng")).json
    waiting = api.register(slug, api.person("HN-01", full_name="Phạm Thị Hồng Nhung", language="en")).json
    send_all(api, relay)
    relay.messages.clear()

    api.client.delete(f"/api/v1/registrations/{first['id']}", headers=api.as_holder(first["manage_token"]))
    send_all(api, relay)

    [cancelled] = _to(relay, "Lê Văn Hùng")
    assert cancelled["Subject"] == "Đã huỷ đăng ký: Diễn đàn Giáo dục 2026"
    assert first["ticket"]["code"] in cancelled.get_body(("plain",)).get_content()
    [promoted] = _to(relay, "Phạm Thị Hồng Nhung")
    assert promoted["Subject"] == "A place for you: Education Forum 2026"
    now = api.client.get(f"/api/v1/registrations/{waiting['id']}", headers=api.as_holder(waiting["manage_token"])).json
    assert now["status"] == "confirmed"
    assert _qr_text(promoted) == now["ticket"]["qr_payload"]
    text = promoted.get_body(("plain",)).get_content()
    assert now["ticket"]["code"] in text and f"/forums/{slug}#recover" in text
    # Nothing about the other person in either message.
    assert "Lê Văn Hùng" not in promoted.as_string() and "Nhung" not in cancelled.as_string()
    # Sent once: another pass sends nothing more.
    send_all(api, relay)
    assert len(relay.messages) == 2


def test_a_new_point_sends_the_new_ticket(api, relay):
    slug = api.create_forum()
    api.put_point(slug, "HN-01")
    api.put_point(slug, "HCM-01", province="TP. Hồ Chí Minh", name="Sở GD&ĐT TP. Hồ Chí Minh")
    person = api.register(slug, api.person("HN-01", full_name="Võ Thị Sáu")).json
    send_all(api, relay)
    relay.messages.clear()

    changed = api.client.patch(f"/api/v1/registrations/{person['id']}", headers=api.as_holder(person["manage_token"]),
                               json={"point": "HCM-01"}).json
    api.client.patch(f"/api/v1/registrations/{person['id']}", headers=api.as_holder(person["manage_token"]),
                     json={"phone": "0912 345 678"})  # not a new ticket: no email
    send_all(api, relay)

    [message] = relay.messages
    assert message["Subject"] == "Vé mới: Diễn đàn Giáo dục 2026"
    assert _qr_text(message) == changed["ticket"]["qr_payload"] != person["ticket"]["qr_payload"]
    assert "Sở GD&ĐT TP. Hồ Chí Minh, TP. Hồ Chí Minh" in message.get_body(("plain",)).get_content()


def _recover(api, slug, email, **headers):
    return api.client.post(f"/api/v1/forums/{slug}/registrations/recover", json={"email": email},
                           environ_base={"REMOTE_ADDR": headers.get("client", "127.0.0.1")})


def test_a_lost_link_is_sent_again_and_the_old_one_stops_working(api, relay):
    slug = api.create_forum()
    api.put_point(slug, "HN-01")
    person = api.register(slug, api.person("HN-01", full_name="Đặng Thuỳ Trâm", email="tram@benhvien.vn",
                                           language="en")).json
    send_all(api, relay)
    relay.messages.clear()

    registered = _recover(api, slug, "  TRAM@benhvien.vn ")  # as typed, in any case
    stranger = _recover(api, slug, "nobody@nowhere.vn")
    assert (registered.status_code, registered.json) == (stranger.status_code, stranger.json) == (
        202, {"status": "sent_if_registered"})
    send_all(api, relay)

    [message] = relay.messages
    assert message["To"].addresses[0].addr_spec == "tram@benhvien.vn"
    assert message["Subject"] == "A new link to your registration: Education Forum 2026"
    text = message.get_body(("plain",)).get_content()
    assert "no longer open" in text
    token = text.split("#token=")[1].split()[0]
    assert token != person["manage_token"]
    holder = api.client.get(f"/api/v1/registrations/{person['id']}", headers=api.as_holder(token))
    assert holder.status_code == 200 and holder.json["ticket"]["code"] == person["ticket"]["code"]
    old = api.client.get(f"/api/v1/registrations/{person['id']}", headers=api.as_holder(person["manage_token"]))
    assert old.status_code == 401
    # The other services learn the new link from the event.
    [event] = [e for e in api.events(types.REGISTRATION_CHANGED) if e.data["changed"] == ["manage_token"]]
    assert event.data["manage_token_hash"] != hash_token(person["manage_token"])


def test_lost_link_requests_are_limited_per_address_whether_or_not_it_is_registered(api):
    slug = api.create_forum()
    api.register(slug, api.person(email="co.giao@truong.edu.vn"))
    for email in ("co.giao@truong.edu.vn", "khong.co@truong.edu.vn"):
        answers = [_recover(api, slug, email).status_code for _ in range(4)]
        assert answers == [202, 202, 202, 429]
    assert _recover(api, slug, "khac@truong.edu.vn").status_code == 202  # another address is not held up
    # One client asking for many addresses is held up too.
    answers = {_recover(api, slug, f"thu.{n}@truong.edu.vn", client="10.0.0.9").status_code for n in range(31)}
    assert answers == {202, 429}


def test_a_confirmation_still_queued_after_a_new_link_points_to_the_newest_email(api, relay):
    slug = api.create_forum()
    person = api.register(slug, api.person(email="moi@truong.edu.vn")).json
    _recover(api, slug, "moi@truong.edu.vn")
    send_all(api, relay)

    confirmation = next(m for m in relay.messages if m["Subject"].startswith("Xác nhận"))
    text = confirmation.get_body(("plain",)).get_content()
    assert person["manage_token"] not in text and f"/forums/{slug}#recover" in text


def _announce(api, slug, recipients):
    return api.client.post(f"/api/v1/forums/{slug}/announcements", headers=api.admin, json={
        "subject": {"vi": "Đổi đường dẫn phát trực tuyến", "en": "The livestream link has changed"},
        "body": {"vi": "Đường dẫn mới: https://live.example.vn/2\n\nTrân trọng.",
                 "en": "The new link: https://live.example.vn/2\n\nKind regards."},
        "recipients": recipients})


def test_an_announcement_reaches_exactly_the_group_picked_and_its_progress_can_be_read(api, relay):
    slug = api.create_forum()
    api.put_point(slug, "HN-01", capacity=1, province="Hà Nội")
    api.put_point(slug, "HN-02", province="Hà Nội")
    api.put_point(slug, "DN-01", province="Đà Nẵng")
    api.register(slug, api.person("HN-01", full_name="Hà Nội Một"))
    api.register(slug, api.person("HN-01", full_name="Hà Nội Chờ", language="en"))  # waits in line
    api.register(slug, api.person("HN-02", full_name="Hà Nội Hai"))
    api.register(slug, api.person("DN-01", full_name="Đà Nẵng Một"))
    api.register(slug, api.person(full_name="Trực Tuyến Một"))
    gone = api.register(slug, api.person("HN-02", full_name="Đã Huỷ")).json
    api.client.delete(f"/api/v1/registrations/{gone['id']}", headers=api.admin)
    send_all(api, relay)
    relay.messages.clear()

    preview = api.client.post(f"/api/v1/forums/{slug}/announcements/recipients", headers=api.admin,
                              json={"provinces": ["Hà Nội"], "attendance": ["onsite"]})
    assert preview.json == {"recipients": 3}
    answer = _announce(api, slug, {"provinces": ["Hà Nội"], "attendance": ["onsite"]})
    assert answer.status_code == 202
    assert {k: answer.json[k] for k in ("recipients", "queued", "sent", "failed")} == {
        "recipients": 3, "queued": 3, "sent": 0, "failed": 0}
    relay.refusals.append("550 5.1.1 no such mailbox")
    send_all(api, relay)

    got = {m["To"].addresses[0].display_name: m for m in relay.messages}
    assert len(got) == 2  # the first copy was refused for good
    progress = api.client.get(f"/api/v1/forums/{slug}/announcements/{answer.json['id']}", headers=api.admin).json
    assert {k: progress[k] for k in ("queued", "sent", "failed")} == {"queued": 0, "sent": 2, "failed": 1}
    assert all(name.startswith("Hà Nội") for name in got)
    for message in got.values():
        english = message["To"].addresses[0].display_name == "Hà Nội Chờ"
        assert message["Subject"] == ("The livestream link has changed" if english else "Đổi đường dẫn phát trực tuyến")
        assert "https://live.example.vn/2" in message.get_body(("plain",)).get_content()
        assert "<p>Kính gửi" in message.get_body(("html",)).get_content() or english
    # The refused copy is listed for organisers, with the relay's reason.
    [failed] = api.client.get(f"/api/v1/forums/{slug}/mail?status=failed", headers=api.admin).json["items"]
    assert failed["kind"] == "announcement" and failed["reason"].startswith("550")
    listing = api.client.get(f"/api/v1/forums/{slug}/announcements", headers=api.admin).json["items"]
    assert [a["id"] for a in listing] == [answer.json["id"]]


def test_an_announcement_is_refused_without_recipients_or_without_every_language(api):
    slug = api.create_forum()
    api.register(slug, api.person())
    nobody = _announce(api, slug, {"provinces": ["Cà Mau"]})
    assert (nobody.status_code, nobody.json["reason"]) == (422, "no_recipients")
    vi_only = api.client.post(f"/api/v1/forums/{slug}/announcements", headers=api.admin,
                              json={"subject": {"vi": "Thông báo"}, "body": {"vi": "Nội dung"}})
    assert (vi_only.status_code, vi_only.json["reason"]) == (422, "translation_missing")
    mismatched = api.client.post(f"/api/v1/forums/{slug}/announcements", headers=api.admin,
                                 json={"subject": {"vi": "A", "en": "A"}, "body": {"vi": "B"}})
    assert mismatched.status_code == 422 and "body" in mismatched.json["errors"]
    assert api.client.get(f"/api/v1/forums/{slug}/announcements", headers=api.admin).json["items"] == []


def test_an_address_with_accents_is_refused_when_registering_and_recovering(api):
    slug = api.create_forum()
    refused = api.register(slug, api.person(email="nguyễn.an@truong.edu.vn"))
    assert refused.status_code == 422 and "email" in refused.json["errors"]
    assert _recover(api, slug, "nguyễn.an@truong.edu.vn").status_code == 422
