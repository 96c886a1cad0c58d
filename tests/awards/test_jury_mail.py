"""The jury's mail through a real SMTP server: the invitation carries the juror's token (and
nothing else does), a new invitation stops the old token; reminders before the review closes,
once per juror and reminder, none to a juror with nothing left."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import select

from awards.service import SERVICE
from awards.services import mail, reminders
from awards.tables import jurors
from forumops_shared.db import write_transaction
from forumops_shared.mail import MailSender, SmtpSettings, SmtpTransport, mail_outbox

from ..support.smtp import relay  # noqa: F401 - the fixture
from .jury import REVIEW_CLOSES, close_applications, compute, full_scores, invite, juror_body, queue, school, token_of
from .test_receipt import SENDER, send_all


def send_due(api, relay) -> None:
    """The worker's sender, once, at the test's clock."""
    sender = MailSender(api.engine, SmtpTransport(SmtpSettings.from_url(f"smtp://127.0.0.1:{relay.port}")), SENDER,
                        clock=api.clock,
                        render=lambda conn, kind, params: mail.render(conn, kind, params, api.context.settings))
    sender.send_due(limit=100)


def test_the_invitation_carries_a_token_that_works_and_the_api_never_shows_it(api, relay):
    slug = api.create_programme()
    created = api.client.post(f"/api/v1/programmes/{slug}/jurors", headers=api.admin,
                              json=juror_body("Ngô Thanh Vân", "Đại học Huế", language="en"))
    assert created.status_code == 201 and set(created.json) == {"id"}
    send_all(api, relay)
    [message] = relay.messages
    assert message["To"].addresses[0].display_name == "Ngô Thanh Vân"
    assert message["Subject"] == "Invitation to the jury: Education Awards 2027"
    text = message.get_body(("plain",)).get_content()
    page = f"{api.context.settings.urls['awards']}/jury#token="
    token = re.search(re.escape(page) + r"([A-Za-z0-9_-]{40,})", text).group(1)
    assert page + token in message.get_body(("html",)).get_content()
    assert "Dear Ngô Thanh Vân" in text and "08:00 30/05/2027 (UTC+7)" in text  # the review closes

    assert queue(api, token)["juror"] == {"id": created.json["id"], "name": "Ngô Thanh Vân"}
    listed = api.client.get(f"/api/v1/programmes/{slug}/jurors", headers=api.admin)
    assert token not in listed.get_data(as_text=True) and listed.json["jurors"][0]["categories"] == ["doi-moi"]
    with api.engine.connect() as conn:
        stored = conn.execute(select(jurors)).one()
        params = conn.execute(select(mail_outbox.c.params)).scalar_one()
    assert token not in json.dumps([str(v) for v in stored]) and params is None  # a hash; the outbox forgot it

    again = api.client.post(f"/api/v1/programmes/{slug}/jurors/{created.json['id']}/invitation", headers=api.admin)
    assert again.status_code == 202 and set(again.json) == {"id"}
    send_all(api, relay)
    fresh = re.search(re.escape(page) + r"([A-Za-z0-9_-]{40,})", relay.messages[-1].get_body(("plain",)).get_content())
    assert len(relay.messages) == 2 and fresh.group(1) != token
    assert api.client.get("/api/v1/jurors/me/assignments", headers=api.bearer(token)).status_code == 401
    assert queue(api, fresh.group(1))["juror"]["id"] == created.json["id"]


def test_a_second_juror_with_the_same_email_or_an_unknown_category_is_refused(api):
    slug = api.create_programme()
    invite(api, slug, juror_body("Lý Thu Hà", "Đại học Vinh", email="ly.thu.ha@hoidong.example.vn"))
    twice = api.client.post(f"/api/v1/programmes/{slug}/jurors", headers=api.admin,
                            json=juror_body("Lý Thu Hà", "Đại học Vinh", email="LY.THU.HA@hoidong.example.vn"))
    assert (twice.status_code, twice.json["reason"]) == (409, "juror_exists")
    unknown = api.client.post(f"/api/v1/programmes/{slug}/jurors", headers=api.admin,
                              json=juror_body("Tạ Quang Bửu", "Đại học Bách khoa", ("the-thao",)))
    assert (unknown.status_code, unknown.json["reason"]) == (422, "unknown_category")


def test_the_worker_runs_the_reminders_as_a_chore():
    assert reminders.chore in [chore.job for chore in SERVICE.chores]
    assert reminders.reminder_days({}) == (3, 1) and reminders.reminder_days({"AWARDS_REMINDER_DAYS": "1, 7"}) == (7, 1)


def reminders_queued(api) -> list[str]:
    with api.engine.connect() as conn:
        return sorted(conn.execute(select(mail_outbox.c.key).where(mail_outbox.c.kind == "jury-reminder")).scalars())


def run_chore(api, at):
    api.clock._now = at
    reminders.chore(api.engine, clock=api.clock, environ={"AWARDS_REMINDER_DAYS": "3,1"})


def test_reminders_go_once_per_juror_and_reminder_and_not_to_a_juror_with_nothing_left(api, relay):
    slug = api.create_programme(reviews_per_application=1)
    api.open()
    busy = invite(api, slug, juror_body("Phan Thị Mai", "Sở GD&ĐT Nghệ An"))
    done = invite(api, slug, juror_body("Trịnh Công Sơn", "Đại học Đà Lạt"))
    idle = invite(api, slug, juror_body("Hồ Xuân Hương", "Viện Văn học", ("anh-huong",)))
    for i in range(4):
        api.applied(slug, school(f"Trường Tiểu học Số {i}"))
    close_applications(api)
    compute(api, slug)
    for item in queue(api, token_of(api, done))["assignments"]:
        api.client.put(f"/api/v1/applications/{item['id']}/reviews/me", headers=api.bearer(token_of(api, done)),
                       json={"scores": full_scores()})

    run_chore(api, REVIEW_CLOSES - timedelta(days=3, minutes=1))
    assert reminders_queued(api) == []  # not yet
    for moment in (REVIEW_CLOSES - timedelta(days=3), REVIEW_CLOSES - timedelta(days=2)):
        run_chore(api, moment)
    assert reminders_queued(api) == [f"jury-reminder:{busy}:3d"]  # once, however often the chore runs
    run_chore(api, REVIEW_CLOSES - timedelta(hours=23))
    run_chore(api, REVIEW_CLOSES - timedelta(hours=1))
    assert reminders_queued(api) == [f"jury-reminder:{busy}:1d", f"jury-reminder:{busy}:3d"]
    run_chore(api, REVIEW_CLOSES)
    assert len(reminders_queued(api)) == 2  # the review closed: no more
    assert idle not in str(reminders_queued(api)) and done not in str(reminders_queued(api))

    send_due(api, relay)
    sent = [m for m in relay.messages if m["Subject"].startswith("Nhắc việc chấm")]
    assert len(sent) == 2 and "Còn 2 hồ sơ" in sent[0].get_body(("plain",)).get_content()


def test_a_reminder_queued_for_a_juror_who_then_finished_is_not_sent(api, relay):
    slug = api.create_programme(reviews_per_application=1)
    api.open()
    juror = invite(api, slug, juror_body("Bùi Xuân Phái", "Hội Mỹ thuật"))
    application = api.applied(slug, school("Trường THCS Hoàng Hoa Thám"))["id"]
    close_applications(api)
    compute(api, slug)
    run_chore(api, REVIEW_CLOSES - timedelta(days=1))
    api.client.put(f"/api/v1/applications/{application}/reviews/me", headers=api.bearer(token_of(api, juror)),
                   json={"scores": full_scores()})
    with write_transaction(api.engine) as conn:  # the invitation and the receipt went long ago
        conn.execute(mail_outbox.delete().where(mail_outbox.c.kind != "jury-reminder"))
    assert reminders_queued(api) == [f"jury-reminder:{juror}:1d"]
    send_due(api, relay)
    assert [m["Subject"] for m in relay.messages] == []
