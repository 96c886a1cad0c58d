"""The README's run and stop commands: everything comes up ready and goes away entirely."""
import os
import subprocess
import sys

import requests

from forumops_stack.testing import free_port, free_port_pair

from .support.processes import ROOT


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout
    return bool(state.strip()) and not state.strip().startswith("Z")


def test_up_starts_broker_and_services_ready_and_down_leaves_no_process(tmp_path):
    ports = {name: free_port() for name in ("REGISTRATION_PORT", "CHECKIN_PORT", "CERTIFICATES_PORT")}
    kafka_port = free_port_pair()  # its controller listens on the next port
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "REGISTRATION_ADMIN_TOKEN")}
    env.update({**{k: str(v) for k, v in ports.items()}, "KAFKA_PORT": str(kafka_port),
                "FORUMOPS_VAR_DIR": str(tmp_path / "var")})
    stack = [sys.executable, "-m", "forumops_stack"]
    started = subprocess.run([*stack, "up"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=240)
    pids: list[int] = []
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        for port in ports.values():
            assert f"http://127.0.0.1:{port}" in started.stdout
            ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
            assert ready.status_code == 200, ready.text
        token = (tmp_path / "var" / "organiser-token").read_text().strip()
        assert token in started.stdout and (tmp_path / "var" / "organiser-token").stat().st_mode & 0o077 == 0
        forum = {"slug": "thu-he-thong", "title": {"vi": "Thử hệ thống"}, "timezone": "Asia/Ho_Chi_Minh",
                 "starts_at": "2026-12-10T08:00:00+07:00", "ends_at": "2026-12-10T17:00:00+07:00",
                 "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 30}}
        created = requests.post(f"http://127.0.0.1:{ports['REGISTRATION_PORT']}/api/v1/forums", json=forum,
                                headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert created.status_code == 201, created.text
        run_dir = tmp_path / "var" / "run"
        pids = [int(f.read_text()) for f in run_dir.glob("*.pid")]
        pids.append(int((tmp_path / "var" / "kafka" / "broker.pid").read_text()))
        pids += [child for pid in pids for child in _children(pid)]  # gunicorn's workers
        assert len(pids) >= 10  # broker, 3 gunicorn masters with their workers, 3 workers
    finally:
        stopped = subprocess.run([*stack, "down"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert [pid for pid in pids if _alive(pid)] == []
    for port in ports.values():
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            raise AssertionError(f"something still answers on port {port}")
        except requests.ConnectionError:
            pass
