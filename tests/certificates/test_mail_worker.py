"""The certificates worker, as a process on the real broker, emails each certificate it issues
once, through a real SMTP server."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from certificates.tables import certificates
from forumops_shared.db import make_engine, readonly
from forumops_shared.mail import mail_outbox
from forumops_stack.testing import settings_env

from ..checkin.conftest import Door
from ..registration.conftest import ADMIN_TOKEN
from ..support.processes import Child
from ..support.relaying import relaying
from ..support.services import migrate
from ..support.smtp import relay  # noqa: F401 - the fixture
from ..support.tiers import settings_on_kafka  # noqa: F401 - these tests run on the broker
from ..support.waiting import wait_until


def test_each_certificate_the_worker_issues_is_emailed_once(api, settings_for, relay, tmp_path):  # noqa: F811
    checkin_settings = settings_for("checkin", extra={"CHECKIN_ADMIN_TOKEN": ADMIN_TOKEN, "CHECKIN_STATS_MAX_AGE": "0"})
    migrate(checkin_settings)
    door = Door(api, checkin_settings)
    people = [api.register(door.slug, api.person("HN-01", full_name=name)).json
              for name in ("Phạm Minh Đức", "Võ Thị Ngọc Hân")]
    door.deliver()
    device = door.device()
    for n, person in enumerate(people):
        assert door.scan(device, person["ticket"]["qr_payload"], f"s-{n}").json["outcome"] == "accepted"
    late = (datetime.now(timezone.utc) - timedelta(minutes=10)).isoformat()
    door.batch(door.device("HP-01"), [{"ticket": people[0]["ticket"]["qr_payload"], "scan_id": "off-1",
                                        "scanned_at": late}])  # the first person, again, offline elsewhere
    settings = settings_for("certificates", extra={"CERTIFICATES_PUBLIC_URL": "https://chungnhan.example.vn"})
    migrate(settings)
    engine = make_engine(settings.database_url)
    env = {**settings_env(settings), "FORUMOPS_SMTP_URL": f"smtp://127.0.0.1:{relay.port}",
           "FORUMOPS_MAIL_FROM": "Diễn đàn <no-reply@chungnhan.example.vn>"}
    worker = Child.worker("certificates", env, tmp_path / "certificates-worker.log")
    try:
        with relaying(api.context.settings), relaying(checkin_settings):
            wait_until(lambda: len(relay.messages) >= 2, timeout_s=60, message="two certificate emails")
            wait_until(lambda: _queued(engine) == 0, message="nothing left to send")
    finally:
        worker.stop()
    with readonly(engine).connect() as conn:
        serials = conn.execute(select(certificates.c.registration_id, certificates.c.serial)).all()
    engine.dispose()
    assert sorted(m["To"].addresses[0].display_name for m in relay.messages) == ["Phạm Minh Đức", "Võ Thị Ngọc Hân"]
    assert {m["Message-ID"] for m in relay.messages} == {f"<certificate.{s}@chungnhan.example.vn>" for _, s in serials}
    assert all(m["Subject"] == "Giấy chứng nhận của quý vị: Diễn đàn Giáo dục 2026" for m in relay.messages)
    assert all(any(p.get_content_type() == "application/pdf" for p in m.iter_attachments()) for m in relay.messages)


def _queued(engine) -> int:
    with readonly(engine).connect() as conn:
        return len(conn.execute(select(mail_outbox.c.key).where(mail_outbox.c.status == "queued")).all())
