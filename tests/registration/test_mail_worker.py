"""The registration worker sends the mail its use cases queued: a real broker (its relay runs
beside), a real SMTP server, the worker as a process."""
from __future__ import annotations

from forumops_stack.testing import settings_env

from ..support.processes import Child
from ..support.smtp import relay  # noqa: F401 - the fixture
from ..support.tiers import settings_on_kafka  # noqa: F401 - these tests run on the broker
from ..support.waiting import wait_until


def test_the_worker_sends_each_new_registrations_confirmation_once(api, relay, tmp_path):
    slug = api.create_forum()
    api.put_point(slug, "HN-01")
    people = [api.register(slug, api.person("HN-01", full_name=f"Lê Văn Bình {n}")).json for n in range(3)]
    env = {**settings_env(api.context.settings), "FORUMOPS_SMTP_URL": f"smtp://127.0.0.1:{relay.port}",
           "FORUMOPS_MAIL_FROM": "Diễn đàn <no-reply@forum.example.vn>"}
    worker = Child.worker("registration", env, tmp_path / "worker.log")
    try:
        wait_until(lambda: len(relay.messages) >= 3, timeout_s=30, message="three confirmations")
        late = api.register(slug, api.person("HN-01", full_name="Lê Văn Bình 3")).json  # while it runs
        wait_until(lambda: len(relay.messages) >= 4, timeout_s=30, message="the fourth")
    finally:
        worker.stop()
    names = sorted(m["To"].addresses[0].display_name for m in relay.messages)
    assert names == [f"Lê Văn Bình {n}" for n in range(4)]  # each once
    assert all(m["From"].addresses[0].display_name == "Diễn đàn" for m in relay.messages)
    assert {m["Message-ID"] for m in relay.messages} == {
        f"<confirmation.{p['id']}.1@forum.example.vn>" for p in [*people, late]}
