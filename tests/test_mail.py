"""Mail from a service's outbox through a real SMTP server (aiosmtpd): what arrives, once, and
what happens when the relay refuses for now, refuses for good, or is not there."""
from __future__ import annotations

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from forumops_shared.db import make_engine
from forumops_shared.mail import (
    RECORD_EVERY, Attachment, Mail, MailSender, SmtpSettings, SmtpTransport, compose, forget_mail, forum_mail,
    mail_outbox, metadata, request_mail,
)
from forumops_stack.testing import free_port

from .support.clock import FakeClock
from .support.smtp import relay  # noqa: F401 - the fixture

SENDER = "Diễn đàn Giáo dục <no-reply@forum.example.vn>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def outbox(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'mail.db'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


# What the tests' "service" writes for a queued message: the Mail a test gave for that key.
WRITTEN: dict[str, Mail] = {}


def sender_for(engine, port: int, clock: FakeClock) -> MailSender:
    return MailSender(engine, SmtpTransport(SmtpSettings.from_url(f"smtp://127.0.0.1:{port}")), SENDER,
                      rate=50, clock=clock, render=lambda conn, kind, params: WRITTEN.get(params["key"]),
                      domain="forum.example.vn")


def stage(engine, clock: FakeClock, key: str, to: str = "thu.ha@truong.edu.vn", **mail) -> bool:
    """Queue a message as a use case does; whether it was queued (not a key queued before)."""
    subject_id = mail.pop("subject_id", "r1")
    WRITTEN[key] = Mail(to=to, to_name=mail.pop("to_name", "Nguyễn Thị Thu Hà"),
                        subject=mail.pop("subject", "Xác nhận đăng ký: Diễn đàn Giáo dục 2026"),
                        text=mail.pop("text", "Chào Nguyễn Thị Thu Hà,"), **mail)
    with engine.begin() as conn:
        before = conn.execute(select(mail_outbox.c.key).where(mail_outbox.c.key == key)).first()
        request_mail(conn, [{"key": key, "kind": "confirmation", "recipient": to, "forum": "dien-dan",
                             "subject_id": subject_id, "params": {"key": key}}], clock.now())
    return before is None


def statuses(engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(mail_outbox.c.key, mail_outbox.c.status)
                                               .order_by(mail_outbox.c.created_at, mail_outbox.c.key))]


def test_a_vietnamese_message_arrives_exactly_with_its_parts_image_and_attachment(relay, outbox):
    clock = FakeClock()
    stage(outbox, clock, "confirmation:r1:1", html='<p>Chào <b>Nguyễn Thị Thu Hà</b></p><img src="cid:qr">',
          attachments=(Attachment("ve.png", "image/png", PNG, inline_id="qr"),
                       Attachment("dien-dan.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")))

    assert sender_for(outbox, relay.port, clock).send_due().sent == 1

    [message] = relay.messages
    assert message["Subject"] == "Xác nhận đăng ký: Diễn đàn Giáo dục 2026"
    assert message["To"].addresses[0].display_name == "Nguyễn Thị Thu Hà"
    assert message["From"].addresses[0].display_name == "Diễn đàn Giáo dục"
    assert message["Message-ID"] == "<confirmation.r1.1@forum.example.vn>"
    assert message.get_body(("plain",)).get_content().strip() == "Chào Nguyễn Thị Thu Hà,"
    assert "<b>Nguyễn Thị Thu Hà</b>" in message.get_body(("html",)).get_content()
    parts = {part.get_filename(): part for part in message.walk() if part.get_filename()}
    assert parts["ve.png"].get_content() == PNG and parts["ve.png"]["Content-ID"] == "<qr>"
    assert parts["dien-dan.ics"].get_content_type() == "text/calendar"
    assert statuses(outbox) == [("confirmation:r1:1", "sent")]


def test_a_message_staged_twice_for_one_fact_is_sent_once(relay, outbox):
    clock = FakeClock()
    assert stage(outbox, clock, "confirmation:r1:1") is True
    assert stage(outbox, clock, "confirmation:r1:1") is False  # the event came again
    sender = sender_for(outbox, relay.port, clock)
    sender.send_due()
    sender.send_due()
    assert len(relay.messages) == 1


def test_a_temporary_refusal_is_tried_again_later_and_arrives_once(relay, outbox):
    clock = FakeClock()
    stage(outbox, clock, "confirmation:r1:1")
    relay.refusals = ["451 4.3.0 try again later", "421 4.7.0 too many messages"]
    sender = sender_for(outbox, relay.port, clock)

    assert sender.send_due().retried == 1
    assert sender.send_due().retried == 0  # not due yet: it waits
    clock.advance(31)
    assert sender.send_due().retried == 1  # refused again: it waits longer
    clock.advance(31)
    assert sender.send_due().sent == 0
    clock.advance(30)
    assert sender.send_due().sent == 1
    assert len(relay.messages) == 1 and statuses(outbox) == [("confirmation:r1:1", "sent")]


def test_a_permanent_refusal_is_recorded_with_its_reason_and_listed_for_organisers(relay, outbox):
    clock = FakeClock()
    stage(outbox, clock, "confirmation:r1:1", to="khong-co@truong.edu.vn")
    stage(outbox, clock, "confirmation:r2:1", subject_id="r2")
    relay.refusals = ["550 5.1.1 no such mailbox"]

    report = sender_for(outbox, relay.port, clock).send_due()

    assert (report.sent, report.failed) == (1, 1)
    with outbox.connect() as conn:
        [failed] = list(forum_mail(conn, "dien-dan", "failed"))
    assert (failed.recipient, failed.last_error) == ("khong-co@truong.edu.vn", "550 5.1.1 no such mailbox")
    clock.advance(3600)
    assert sender_for(outbox, relay.port, clock).send_due().sent == 0  # never tried again


def test_a_relay_that_is_down_then_back_gets_everything_once(relay, outbox):
    clock = FakeClock()
    for n in range(5):
        stage(outbox, clock, f"confirmation:r{n}:1", subject_id=f"r{n}")
    relay.server.stop()
    sender = sender_for(outbox, relay.port, clock)

    assert sender.send_due().retried == 5
    relay.server = Controller(relay, hostname="127.0.0.1", port=relay.port)
    relay.server.start()
    clock.advance(31)
    assert sender.send_due().sent == 5
    assert sorted(m["Message-ID"] for m in relay.messages) == sorted(
        f"<confirmation.r{n}.1@forum.example.vn>" for n in range(5))


def test_a_message_that_cannot_go_for_a_day_is_given_up_and_listed(outbox):
    clock = FakeClock()
    stage(outbox, clock, "confirmation:r1:1")
    sender = sender_for(outbox, free_port(), clock)  # nothing listens there
    waits = 0
    while statuses(outbox)[0][1] == "queued":
        clock.advance(3600)
        sender.send_due()
        waits += 1
    assert 24 <= waits <= 26
    with outbox.connect() as conn:
        [failed] = list(forum_mail(conn, "dien-dan", "failed"))
    assert failed.last_error.startswith("gave up after a day")


def test_erasure_removes_the_persons_queued_and_sent_messages(relay, outbox):
    clock = FakeClock()
    stage(outbox, clock, "confirmation:r1:1")
    sender_for(outbox, relay.port, clock).send_due()
    stage(outbox, clock, "certificate:r1", subject_id="r1")
    stage(outbox, clock, "confirmation:r2:1", subject_id="r2", to="khac@truong.edu.vn", to_name="Người Khác")
    with outbox.begin() as conn:
        assert forget_mail(conn, "r1") == 2
    assert statuses(outbox) == [("confirmation:r2:1", "queued")]


@pytest.mark.parametrize("url, expected", [
    ("smtp://mailer:p%40ss@relay.example.vn:587?starttls=1", ("relay.example.vn", 587, "mailer", "p@ss", False, True)),
    ("smtps://relay.example.vn", ("relay.example.vn", 465, None, None, True, False)),
    ("smtp://127.0.0.1:2525", ("127.0.0.1", 2525, None, None, False, False)),
])
def test_the_relay_is_configured_by_one_url(url, expected):
    s = SmtpSettings.from_url(url)
    assert (s.host, s.port, s.username, s.password, s.tls, s.starttls) == expected


def test_a_url_that_names_no_relay_is_refused():
    with pytest.raises(ValueError):
        SmtpSettings.from_url("http://relay.example.vn")


class CountingSessions:
    """The relay fixture's handler, also counting the SMTP sessions opened (each greets with EHLO)."""

    def __init__(self, inbox):
        self.inbox, self.sessions = inbox, 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        return await self.inbox.handle_DATA(server, session, envelope)


def restart(relay, handler=None) -> None:
    """The relay stops (closing every session it had) and starts again on the same port."""
    relay.server.stop()
    relay.server = Controller(handler or relay, hostname="127.0.0.1", port=relay.port)
    relay.server.start()


def message_ids(relay) -> list[str]:
    return sorted(m["Message-ID"] for m in relay.messages)


def test_one_session_carries_pass_after_pass_while_there_is_mail(relay, outbox):
    clock, counting = FakeClock(), CountingSessions(relay)
    restart(relay, counting)
    sender = sender_for(outbox, relay.port, clock)
    for n in range(3):
        stage(outbox, clock, f"confirmation:r{n}:1", subject_id=f"r{n}")
        assert sender.send_due().sent == 1
    assert counting.sessions == 1 and len(relay.messages) == 3


def test_a_kept_session_the_relay_closed_is_reopened_and_nothing_is_lost_or_doubled(relay, outbox):
    clock = FakeClock()
    sender = sender_for(outbox, relay.port, clock)
    stage(outbox, clock, "confirmation:r0:1", subject_id="r0")
    assert sender.send_due().sent == 1  # the session stays open after the pass
    restart(relay)  # the relay dropped it meanwhile (restarted, or timed the idle session out)
    for n in range(1, 4):
        stage(outbox, clock, f"confirmation:r{n}:1", subject_id=f"r{n}")

    report = sender.send_due()

    assert (report.sent, report.retried) == (3, 0)  # at once, on a new session: none waits a retry
    assert message_ids(relay) == [f"<confirmation.r{n}.1@forum.example.vn>" for n in range(4)]
    assert {status for _, status in statuses(outbox)} == {"sent"}


def test_a_relay_closing_the_session_mid_pass_delays_only_the_refused_message(relay, outbox):
    clock = FakeClock()
    for n in range(3):
        stage(outbox, clock, f"confirmation:r{n}:1", subject_id=f"r{n}")
    relay.refusals = ["421 4.7.0 too many messages in this session"]
    sender = sender_for(outbox, relay.port, clock)

    report = sender.send_due()

    assert (report.sent, report.retried) == (2, 1)  # the other two went on a new session
    clock.advance(31)
    assert sender.send_due().sent == 1
    assert message_ids(relay) == [f"<confirmation.r{n}.1@forum.example.vn>" for n in range(3)]


def test_a_pass_over_its_time_budget_leaves_the_rest_queued_untouched(relay, outbox):
    clock = FakeClock()
    for n in range(3):
        stage(outbox, clock, f"confirmation:r{n}:1", subject_id=f"r{n}")
    sender = sender_for(outbox, relay.port, clock)

    assert sender.send_due(budget_s=0).sent == 1  # one at least, however slow the relay
    with outbox.connect() as conn:
        waiting = conn.execute(select(mail_outbox.c.attempts, mail_outbox.c.last_error)
                               .where(mail_outbox.c.status == "queued")).all()
    assert [tuple(w) for w in waiting] == [(0, None), (0, None)]  # not counted as tries
    assert sender.send_due().sent == 2 and len(relay.messages) == 3


def test_a_pass_with_more_than_a_batch_records_every_outcome(relay, outbox):
    clock = FakeClock()
    count = RECORD_EVERY * 2 + 3
    for n in range(count):
        stage(outbox, clock, f"confirmation:r{n}:1", subject_id=f"r{n}")
    relay.refusals = ["550 5.1.1 no such mailbox"]

    report = sender_for(outbox, relay.port, clock).send_due(limit=count)

    assert (report.sent, report.failed) == (count - 1, 1)
    assert sorted(status for _, status in statuses(outbox)).count("sent") == count - 1
    assert len(set(message_ids(relay))) == len(relay.messages) == count - 1


def test_a_composed_message_reads_back_exactly():
    mail = Mail(to="thu.ha@truong.edu.vn", to_name="Nguyễn Thị Thu Hà \"Hà\"",
                subject="Xác nhận đăng ký: Diễn đàn Giáo dục và Đào tạo các tỉnh miền Trung 2026 — điểm cầu Huế",
                text="Chào Nguyễn Thị Thu Hà,\n\n" + "Một dòng rất dài " * 20 + "\n", html="<p>Chào <b>Hà</b></p>",
                attachments=(Attachment("vé.png", "image/png", PNG, inline_id="qr"),
                             Attachment("dien-dan.ics", "text/calendar", "SUMMARY:Diễn đàn\r\n".encode()),
                             Attachment("chứng nhận.pdf", "application/pdf", b"%PDF-1.7 \x00\xff")))
    raw = compose(mail, sender=SENDER, message_id="<m.1@forum.example.vn>")
    message = email.message_from_bytes(raw, policy=policy.default)

    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # as SMTP carries it
    # Exact, also where the email package's modern folding drops a space between two encoded
    # words of a long Vietnamese subject ("Giáodục").
    assert str(message["Subject"]) == mail.subject
    assert message["To"].addresses[0].display_name == 'Nguyễn Thị Thu Hà "Hà"'
    assert message["To"].addresses[0].addr_spec == "thu.ha@truong.edu.vn"
    assert message["From"].addresses[0].display_name == "Diễn đàn Giáo dục"
    assert message["Message-ID"] == "<m.1@forum.example.vn>"
    shape = [(p.get_content_type(), p.get_filename(), p["Content-ID"], p.get_content_disposition())
             for p in message.walk()]
    assert shape == [("multipart/mixed", None, None, None), ("multipart/alternative", None, None, None),
                     ("text/plain", None, None, None), ("multipart/related", None, None, None),
                     ("text/html", None, None, None), ("image/png", "vé.png", "<qr>", "inline"),
                     ("text/calendar", "dien-dan.ics", None, "attachment"),
                     ("application/pdf", "chứng nhận.pdf", None, "attachment")]
    parts = list(message.walk())
    assert all(p.defects == [] for p in parts)
    as_read = [p.get_content().replace("\r\n", "\n") if p.get_content_maintype() == "text" else None for p in parts]
    assert as_read[2] == mail.text and as_read[4] == mail.html  # (8bit text keeps the CRLF it travelled with)
    assert parts[5].get_content() == PNG and parts[7].get_content() == b"%PDF-1.7 \x00\xff"
    assert as_read[6] == "SUMMARY:Diễn đàn\n"



def test_text_goes_as_it_is_unless_a_line_is_too_long_for_smtp():
    short = compose(Mail(to="a@truong.edu.vn", to_name=None, subject="S", text="Kính gửi Nguyễn Thị Thu Hà,\n"),
                    sender=SENDER, message_id="<m.2@forum.example.vn>")
    assert "Kính gửi Nguyễn Thị Thu Hà,\r\n".encode() in short and b"Content-Transfer-Encoding: 8bit" in short
    paragraph = "Đường dẫn mới tới buổi phát trực tuyến. " * 40  # one line of 1,600 characters
    long = compose(Mail(to="a@truong.edu.vn", to_name=None, subject="S", text=paragraph),
                   sender=SENDER, message_id="<m.3@forum.example.vn>")
    assert max(len(line) for line in long.split(b"\r\n")) <= 998 and b"Content-Transfer-Encoding: base64" in long
    assert email.message_from_bytes(long, policy=policy.default).get_content() == paragraph


def test_a_message_that_cannot_be_written_waits_without_holding_up_the_others(relay, outbox):
    clock = FakeClock()
    stage(outbox, clock, "confirmation:r1:1")
    stage(outbox, clock, "confirmation:r2:1", subject_id="r2", to="khac@truong.edu.vn")
    broken = sender_for(outbox, relay.port, clock)
    written = broken.render
    broken.render = lambda conn, kind, params: (1 / 0 if params["key"] == "confirmation:r1:1"
                                                 else written(conn, kind, params))

    report = broken.send_due()

    assert (report.sent, report.retried) == (1, 1)
    assert [m["To"].addresses[0].addr_spec for m in relay.messages] == ["khac@truong.edu.vn"]
    with outbox.connect() as conn:
        waiting = conn.execute(select(mail_outbox).where(mail_outbox.c.key == "confirmation:r1:1")).one()
    assert waiting.status == "queued" and "ZeroDivisionError" in waiting.last_error
    clock.advance(60)  # the renderer works again: it goes at its next try
    assert sender_for(outbox, relay.port, clock).send_due().sent == 1 and len(relay.messages) == 2


def test_an_address_smtp_cannot_carry_is_failed_and_the_rest_go(relay, outbox):
    clock = FakeClock()
    stage(outbox, clock, "confirmation:r1:1", to="nguyễn@truong.edu.vn")  # queued before addresses were checked
    stage(outbox, clock, "confirmation:r2:1", subject_id="r2", to="khac@truong.edu.vn")

    report = sender_for(outbox, relay.port, clock).send_due()

    assert (report.sent, report.failed) == (1, 1)
    with outbox.connect() as conn:
        [failed] = list(forum_mail(conn, "dien-dan", "failed"))
    assert failed.recipient == "nguyễn@truong.edu.vn" and "cannot be written in SMTP" in failed.last_error
