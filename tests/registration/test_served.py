"""The registration service as production runs it: gunicorn workers, its worker, a real broker."""
import csv
import http.client
import os
import signal
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
from ..support.tiers import settings_on_kafka  # noqa: F401 - these tests run on the broker
from ..support.waiting import wait_until
from .conftest import ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def served(reg_settings, tmp_path):
    settings = reg_settings()
    env = {**settings_env(settings), "FORUMOPS_WEB_WORKERS": "3", "FORUMOPS_WEB_THREADS": "8"}
    port = free_port()
    api = Child.gunicorn_api("registration", port, env, tmp_path / "api.log")
    worker = Child.worker("registration", env, tmp_path / "worker.log")
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


def _allowed_cpus(pid: int | str) -> str:
    """The CPUs a process may run on, as /proc lists them: "1", "0-1"."""
    status = Path(f"/proc/{pid}/status").read_text()
    return next(line.split(":")[1].strip() for line in status.splitlines() if line.startswith("Cpus_allowed_list"))


def _worker_cpus(master: int) -> dict[int, str]:
    """Each gunicorn worker of `master` and the CPUs it may run on."""
    return {int(pid): _allowed_cpus(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()}


def _pinned_workers(master: int, count: int) -> dict[int, str] | None:
    """`count` workers of `master`, each kept to one CPU (its number); None until then."""
    workers = _worker_cpus(master)
    return workers if len(workers) == count and all(cpu.isdigit() for cpu in workers.values()) else None


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="spreading workers needs two CPUs")
def test_each_worker_keeps_to_one_cpu_and_a_replacement_takes_the_least_used(reg_settings, tmp_path):
    settings = reg_settings()
    env = {**settings_env(settings), "FORUMOPS_WEB_WORKERS": "3"}
    api = Child.gunicorn_api("registration", free_port(), env, tmp_path / "pinned.log")
    cpus = sorted(os.sched_getaffinity(0))
    try:
        # A worker is listed once forked, and kept to its CPU a moment later (post_fork).
        placed = wait_until(lambda: _pinned_workers(api.pid, 3), message="3 workers, each kept to one CPU")
        # One CPU each, spread: with 2 CPUs two workers share one, with 3 or more none do.
        assert all(int(cpu) in cpus for cpu in placed.values())
        assert len(set(placed.values())) == min(3, len(cpus))
        lone = Counter(placed.values()).most_common()[-1][0]  # a CPU that only one worker has
        os.kill(next(pid for pid, cpu in placed.items() if cpu == lone), signal.SIGKILL)
        again = wait_until(lambda: (w := _pinned_workers(api.pid, 3)) and set(w) != set(placed) and w,
                           message="the replacement worker, kept to one CPU")
        assert sorted(again.values()) == sorted(placed.values())
    finally:
        api.stop()

    roaming = Child.gunicorn_api("registration", free_port(), {**env, "FORUMOPS_WEB_PIN_CPUS": "0"},
                                 tmp_path / "roaming.log")
    try:
        free = wait_until(lambda: len(_worker_cpus(roaming.pid)) == 3 and _worker_cpus(roaming.pid), message="3 workers")
        assert set(free.values()) == {_allowed_cpus("self")}
    finally:
        roaming.stop()


LISTEN, ESTABLISHED = "0A", "01"  # TCP states as /proc/net/tcp writes them


def _sockets_by_worker(workers: list[int], port: int, state: str) -> Counter:
    """How many TCP sockets in `state` on our side of `port` each of `workers` holds."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                inodes.add(f"socket:[{fields[9]}]")
    held = Counter()
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                held[pid] += os.readlink(fd) in inodes
            except OSError:  # closed meanwhile
                pass
    return held


def test_kept_alive_connections_are_dealt_out_among_the_workers(reg_settings, tmp_path):
    """A proxy's pool or the scanners keep their connections: on one shared socket they stayed
    with whichever worker was awake to take them (64/0 was seen), leaving a CPU idle."""
    settings = reg_settings()
    port = free_port()
    api = Child.gunicorn_api("registration", port, {**settings_env(settings), "FORUMOPS_WEB_WORKERS": "2"},
                             tmp_path / "api.log")
    clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(64)]
    try:
        workers = wait_until(lambda: len(w := _worker_cpus(api.pid)) == 2 and list(w), message="2 workers")
        wait_until(lambda: _sockets_by_worker(workers, port, LISTEN) == Counter(dict.fromkeys(workers, 1)),
                   timeout_s=30, message="each worker listening")
        for client in clients:
            client.connect()
        for client in clients:
            client.request("GET", "/healthz")
            answer = client.getresponse()
            answer.read()
            assert answer.status == 200
        held = _sockets_by_worker(workers, port, ESTABLISHED)
        assert sum(held.values()) == 64
        assert min(held[pid] for pid in workers) >= 16, held  # dealt out at random: 32 +- 4 typically
    finally:
        for client in clients:
            client.close()
        api.stop()


def test_a_second_server_on_a_port_in_use_does_not_start(reg_settings, tmp_path):
    """Each worker binds its port with SO_REUSEPORT, which would let a forgotten server of the
    same user share the port and quietly take half the connections."""
    env = settings_env(reg_settings())
    port = free_port()
    first = Child.gunicorn_api("registration", port, env, tmp_path / "first.log")
    second = None
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", timeout_s=30)
        second = Child.gunicorn_api("registration", port, env, tmp_path / "second.log")
        assert second.wait(timeout_s=30) != 0
        assert f"cannot listen at 127.0.0.1:{port}: Address already in use" in second.log()
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    finally:
        first.stop()
        if second is not None:
            second.stop()
