"""The registration service as production runs it: gunicorn workers, its worker, a real broker."""
import csv
import os
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from forumops_shared import topics
from forumops_shared.events import decode_event
from forumops_shared.events.registry import FORUM_PUBLISHED, PARTICIPANT_REGISTERED
from forumops_stack.testing import free_port, settings_env

from ..support.kafka_io import read_all
from ..support.processes import Child, wait_until_serving
from .conftest import ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def served(reg_settings, tmp_path):
    settings = reg_settings()
    env = {**settings_env(settings), "FORUMOPS_WEB_WORKERS": "3", "FORUMOPS_WEB_THREADS": "8"}
    port = free_port()
    api = Child.gunicorn_api("registration", port, env, tmp_path / "api.log")
    worker = Child.python_module("registration.worker", env, tmp_path / "worker.log")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, timeout_s=30)
        yield url, settings
    finally:
        api.stop()
        worker.stop()


def test_two_hundred_concurrent_registrations_for_fifty_places_confirm_exactly_fifty(served):
    url, settings = served
    forum = {"slug": "cuoc-dua", "title": {"vi": "Cuộc đua chỗ ngồi"}, "starts_at": "2026-12-10T08:00:00+07:00",
             "ends_at": "2026-12-10T17:00:00+07:00", "timezone": "Asia/Ho_Chi_Minh",
             "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 0}}
    assert requests.post(f"{url}/api/v1/forums", json=forum, headers=ADMIN).status_code == 201
    point = {"name": "Hội trường Bộ GD&ĐT", "province": "Hà Nội", "capacity": 50}
    assert requests.put(f"{url}/api/v1/forums/cuoc-dua/points/HN", json=point, headers=ADMIN).status_code == 201

    def register(n: int):
        body = {"full_name": f"Người thứ {n}", "email": f"nguoi.{n}@truong.edu.vn", "attendance": "onsite",
                "point": "HN", "language": "vi", "consent": True}
        return requests.post(f"{url}/api/v1/forums/cuoc-dua/registrations", json=body, timeout=60).json()

    with ThreadPoolExecutor(max_workers=64) as pool:
        answers = list(pool.map(register, range(200)))

    assert Counter(a["status"] for a in answers) == {"confirmed": 50, "waitlisted": 150}
    assert sorted(a["waitlist_position"] for a in answers if a["status"] == "waitlisted") == list(range(1, 151))
    [counts] = requests.get(f"{url}/api/v1/forums/cuoc-dua/points").json()["points"]
    assert (counts["confirmed"], counts["waitlisted"]) == (50, 150)

    # Every registration reached Kafka through the outbox, once, validated by its schema.
    bootstrap, prefix = settings.kafka_bootstrap_servers, settings.topic_prefix
    records = read_all(bootstrap, prefix + topics.REGISTRATIONS, expected=200, timeout_s=60)
    events = [decode_event(r.value, topic=topics.REGISTRATIONS) for r in records]
    assert Counter(e.type for e in events) == {PARTICIPANT_REGISTERED: 200}
    assert {e.subject for e in events} == {a["id"] for a in answers}
    [forum_event] = [decode_event(r.value, topic=topics.FORUMS)
                     for r in read_all(bootstrap, prefix + topics.FORUMS, expected=2, timeout_s=30)][-1:]
    assert forum_event.type == FORUM_PUBLISHED and forum_event.data["points"][0]["capacity"] == 50


def test_the_import_command_uploads_in_chunks_with_progress_and_a_report(served, tmp_path):
    url, _settings = served
    forum = {"slug": "nhap-danh-sach", "title": {"vi": "Nhập danh sách"}, "starts_at": "2026-12-10T08:00:00+07:00",
             "ends_at": "2026-12-10T17:00:00+07:00", "timezone": "Asia/Ho_Chi_Minh",
             "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 0}}
    requests.post(f"{url}/api/v1/forums", json=forum, headers=ADMIN)
    teachers = tmp_path / "giao-vien.csv"
    teachers.write_text("full_name,email,organisation\n" + "".join(
        f"Võ Thị Mỹ Duyên {i},duyen{i}@sgd-angiang.edu.vn,Sở GD&ĐT An Giang\n" for i in range(600)), encoding="utf-8")
    command = [str(Path(sys.executable).parent / "registration-import"), "--url", url, "--forum", "nhap-danh-sach",
               "--chunk", "250", "--report", str(tmp_path / "report.csv"), str(teachers)]
    env = {**os.environ, "REGISTRATION_ADMIN_TOKEN": ADMIN_TOKEN}
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "250/600 rows" in first.stdout and first.stdout.strip().endswith("600/600 rows: 600 created, 0 existing, 0 refused")
    report = list(csv.DictReader((tmp_path / "report.csv").open(encoding="utf-8")))
    assert len(report) == 600 and report[-1]["line"] == "601" and report[-1]["outcome"] == "created"
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.stdout.strip().endswith("600/600 rows: 0 created, 600 existing, 0 refused")
