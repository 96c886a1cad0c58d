"""What /metrics tells of a service's mail: queued, sent, failed, tried again; read from its mail
outbox at each scrape, through a real SMTP server that refuses for now and for good."""
from __future__ import annotations

import importlib
import math
from datetime import datetime, timedelta, timezone

import pytest

from forumops_shared.mail import MailSender, SmtpSettings, SmtpTransport
from forumops_shared.service_app import close_service_app
from registration.app import create_app
from registration.services import mail

from ..support.clock import FakeClock
from ..support.metrics import read_figures
from ..support.services import migrate
from ..support.smtp import relay  # noqa: F401 - the fixture
from .conftest import ADMIN_TOKEN

ORGANISER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def mail_figures(client) -> tuple[dict[str, float], float | None]:
    """forumops_mail_messages by status, and forumops_mail_retries_total (None when absent)."""
    figures = read_figures(client.get("/metrics", headers=ORGANISER).get_data(as_text=True))
    messages = {dict(labels)["status"]: value for labels, value in figures.get("forumops_mail_messages", {}).items()}
    retries = figures.get("forumops_mail_retries_total", {}).get(())
    return messages, retries


def test_metrics_count_mail_queued_sent_retried_and_failed(api, relay):
    slug = api.create_forum()
    api.put_point(slug, "HN-01")
    for name in ("Nguyễn Thị Thu Hà", "Trần Minh Đức", "Lê Văn Tám"):
        assert api.register(slug, api.person("HN-01", full_name=name)).status_code == 201
    assert mail_figures(api.client) == ({"queued": 3, "sent": 0, "failed": 0, "dropped": 0}, 0)

    clock = FakeClock(datetime.now(timezone.utc) + timedelta(seconds=1))
    sender = MailSender(api.engine, SmtpTransport(SmtpSettings.from_url(f"smtp://127.0.0.1:{relay.port}")),
                        "Diễn đàn <no-reply@forum.example.vn>", clock=clock,
                        render=lambda conn, kind, params: mail.render(conn, kind, params, api.context.settings))
    relay.refusals = ["451 4.3.0 try again later", "550 5.1.1 no such mailbox"]
    sender.send_due()  # one waits, one refused for good, one sent
    assert mail_figures(api.client) == ({"queued": 1, "sent": 1, "failed": 1, "dropped": 0}, 0)

    relay.refusals = ["421 4.7.0 too many messages"]
    clock.advance(31)
    sender.send_due()  # the waiting one is refused for now again: its second try
    assert mail_figures(api.client) == ({"queued": 1, "sent": 1, "failed": 1, "dropped": 0}, 1)

    clock.advance(61)
    sender.send_due()  # its third try goes: a message sent at its third try was retried twice
    assert mail_figures(api.client) == ({"queued": 0, "sent": 2, "failed": 1, "dropped": 0}, 2)
    assert len(relay.messages) == 2


def test_a_service_whose_mail_table_is_not_there_yet_still_answers_its_scrape(settings_for):
    app = create_app(settings_for("registration", extra={"REGISTRATION_ADMIN_TOKEN": ADMIN_TOKEN}))  # not migrated
    try:
        response = app.test_client().get("/metrics", headers=ORGANISER)
        assert response.status_code == 200
        messages, retries = mail_figures(app.test_client())
        assert set(messages) == {"queued", "sent", "failed", "dropped"}
        assert all(math.isnan(v) for v in [*messages.values(), retries])  # unknown, not zero
    finally:
        close_service_app(app)


@pytest.mark.parametrize(("name", "sends_mail"), [("registration", True), ("certificates", True), ("checkin", False)])
def test_each_service_that_sends_mail_reports_it_and_only_those(name, sends_mail, settings_for):
    settings = settings_for(name, extra={f"{name.upper()}_ADMIN_TOKEN": ADMIN_TOKEN})
    migrate(settings)
    app = importlib.import_module(f"{name}.app").create_app(settings)
    try:
        expected = ({"queued": 0, "sent": 0, "failed": 0, "dropped": 0}, 0) if sends_mail else ({}, None)
        assert mail_figures(app.test_client()) == expected
    finally:
        close_service_app(app)
