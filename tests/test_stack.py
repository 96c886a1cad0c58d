"""The README's run and stop commands: everything comes up ready, is kept running, and goes away entirely."""
import email
import email.parser
import email.policy
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from forumops_stack.testing import free_port, free_port_pair

from .support.processes import ROOT
from .support.waiting import wait_until

pytestmark = pytest.mark.kafka  # `up` starts a broker of its own


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


def _links(output: str) -> dict[str, str]:
    """The demo's links as `up` prints them: `  label   http://...`."""
    found = {}
    for line in output.splitlines():
        label, _, link = line.strip().rpartition("  ")
        if line.startswith("  ") and link.startswith("http"):
            found[label.strip()] = link
    return found


def test_up_starts_everything_with_the_demo_forum_and_its_awards_and_down_leaves_no_process(tmp_path):
    ports = {name: free_port() for name in ("REGISTRATION_PORT", "CHECKIN_PORT", "CERTIFICATES_PORT", "AWARDS_PORT")}
    inbox_ports = {name: str(free_port()) for name in ("FORUMOPS_INBOX_PORT", "FORUMOPS_INBOX_WEB_PORT")}
    kafka_port = free_port_pair()  # its controller listens on the next port
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "REGISTRATION_ADMIN_TOKEN")}
    env.update({**{k: str(v) for k, v in ports.items()}, "KAFKA_PORT": str(kafka_port),
                "FORUMOPS_VAR_DIR": str(tmp_path / "var"), **inbox_ports})
    stack = [sys.executable, "-m", "forumops_stack"]
    started = subprocess.run([*stack, "up"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=400)
    pids: list[int] = []
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        for port in ports.values():
            assert f"http://127.0.0.1:{port}" in started.stdout
            ready = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
            assert ready.status_code == 200, ready.text
        token = (tmp_path / "var" / "organiser-token").read_text().strip()
        assert token in started.stdout and (tmp_path / "var" / "organiser-token").stat().st_mode & 0o077 == 0
        links = _links(started.stdout)
        _check_the_demo(links, token, ports)
        _check_the_awards_programme(links, token, ports)
        readable = [str(path) for path in [tmp_path / "var", *(tmp_path / "var").rglob("*")] if _mode(path) & 0o077]
        assert readable == []  # databases, WAL, logs, broker data, secrets, keys: the owner's alone
        assert (tmp_path / "var" / "secrets" / "kafka" / "checkin").exists()  # the services' broker users
        assert f"{tmp_path / 'var' / 'inbox'}" in started.stdout  # where the demo's emails are
        arrived = tmp_path / "var" / "inbox" / "new"  # a Maildir: one file per message
        first = wait_until(lambda: arrived.exists() and next(arrived.iterdir(), None), timeout_s=60,
                           message="the demo's first email in the local inbox")
        message = email.message_from_bytes(first.read_bytes(), policy=email.policy.default)
        assert message["Subject"].startswith(("Xác nhận đăng ký: ", "Danh sách chờ: ", "Registration confirmed: ",
                                              "Waiting list: ", "Giấy chứng nhận của quý vị: ", "Your certificate: ",
                                              "Đã nhận hồ sơ: ", "Thư mời tham gia hội đồng chấm: ",
                                              "Chúc mừng: hồ sơ được vinh danh tại ", "Kết quả "))
        hers = wait_until(_certificate_mail(arrived, "thuha.nguyen@giaoduc.example"), timeout_s=120,
                          message="the guest's certificate in the local inbox")
        assert links["verify her certificate"].rsplit("/", 1)[1] in hers.get_body(("plain",)).get_content()
        assert [p.get_content_type() for p in hers.iter_attachments()] == ["application/pdf"]
        _check_the_inbox_page(started.stdout, inbox_ports["FORUMOPS_INBOX_WEB_PORT"])
        shown = subprocess.run([*stack, "status"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert re.search(rf"inbox-page +pid \d+, http://127.0.0.1:{inbox_ports['FORUMOPS_INBOX_WEB_PORT']}", shown.stdout)

        again = subprocess.run([*stack, "up"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stdout + again.stderr
        assert _links(again.stdout) == _links(started.stdout)  # loaded once, its links kept
        assert "participants imported" not in again.stdout and "applications in 3 categories" not in again.stdout
        run_dir = tmp_path / "var" / "run"
        # A worker killed mid-forum is started again by the supervisor, and `status` says so.
        killed = int((run_dir / "certificates-worker.pid").read_text())
        os.kill(killed, signal.SIGKILL)

        def restarted():
            shown = subprocess.run([*stack, "status"], env=env, cwd=ROOT, capture_output=True, text=True).stdout
            line = next((l for l in shown.splitlines() if l.startswith("certificates-worker ")), "")
            return "restarts 1" in line and line.split()[1] == "pid" and line
        line = wait_until(restarted, timeout_s=30, interval_s=0.5, message="the killed worker started again")
        assert "last exit killed by SIGKILL" in line and f"pid {killed}," not in line
        pids = [int(f.read_text()) for f in run_dir.glob("*.pid")]
        pids.append(int((tmp_path / "var" / "kafka" / "broker.pid").read_text()))
        pids += [child for pid in pids for child in _children(pid)]  # gunicorn's workers
        assert len(pids) >= 14  # supervisor, broker, 4 gunicorn masters with their workers, 4 workers
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


def _certificate_mail(maildir: Path, address: str):
    """A probe for wait_until: the certificate email to `address` once it is in `maildir`, reading
    each new file once (the confirmations of thousands arrive beside it)."""
    seen: set[str] = set()

    def probe():
        for path in sorted(maildir.iterdir()):
            if path.name in seen:
                continue
            seen.add(path.name)
            headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(path.read_bytes())
            if headers["Subject"].startswith("Giấy chứng nhận của quý vị: ") and address in str(headers["To"]):
                return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        return None
    return probe


def _check_the_inbox_page(output: str, port: str) -> None:
    """`up` says where the inbox's page is; it lists the demo's confirmations and shows one."""
    page = f"http://127.0.0.1:{port}"
    assert re.search(rf"^inbox +{page} ", output, re.MULTILINE), output
    assert re.search(r'<a href="/m/[^"]+">[^<]+</a>', requests.get(page, timeout=10).text)  # the newest, whatever
    listing = requests.get(page, params={"q": "Xác nhận đăng ký"}, timeout=30).text
    subject, link = re.search(r'<a href="(/m/[^"]+)">((?:Xác nhận đăng ký|Danh sách chờ): [^<]+)</a>', listing).group(2, 1)
    shown = requests.get(page + link, timeout=10).text
    assert f'<h1 id="subject">{subject}</h1>' in shown and 'id="html-body"' in shown
    assert "Kính gửi " in requests.get(f"{page}{link}/html", timeout=10).text


def _mode(path: Path) -> int:
    try:
        return path.lstat().st_mode
    except FileNotFoundError:  # gone while we looked (a broker's or a metrics' temporary file)
        return 0


def _check_the_demo(links: dict[str, str], token: str, ports: dict[str, int]) -> None:
    """Every page and API the demo prints answers, and the forum is what it says it is."""
    assert len(links) >= 15, links
    organiser = {"Authorization": f"Bearer {token}"}
    for label, link in links.items():  # /metrics and APIs are for organisers (their token as bearer); pages ignore it
        for_organisers = label.startswith("metrics") or label.endswith("(organiser API)")
        answer = requests.get(link.split("#")[0], headers=organiser if for_organisers else {}, timeout=10)
        assert answer.status_code == 200, f"{label}: {link} answered {answer.status_code}"
    registration, checkin = (f"http://127.0.0.1:{ports[f'{name}_PORT']}" for name in ("REGISTRATION", "CHECKIN"))
    slug = links["register for the forum"].rsplit("/", 1)[1]
    points = requests.get(f"{registration}/api/v1/forums/{slug}/points", timeout=10).json()["points"]
    assert len(points) == 600 and len({p["province"] for p in points}) == 34
    stats = requests.get(f"{checkin}/api/v1/forums/{slug}/stats", headers={"Authorization": f"Bearer {token}"},
                         timeout=10).json()
    assert stats["total"]["registered"] + stats["total"]["waitlisted"] >= 3000
    assert 0 < stats["onsite"]["arrived"] < stats["onsite"]["registered"]  # some already checked in
    guest_id, manage_token = links["a participant's page (Nguyễn Thị Thu Hà)"].split("/registrations/")[1].split("#token=")
    guest = requests.get(f"{registration}/api/v1/registrations/{guest_id}",
                         headers={"Authorization": f"Bearer {manage_token}"}, timeout=10).json()
    assert guest["full_name"] == "Nguyễn Thị Thu Hà" and guest["status"] == "confirmed"
    programme = requests.get(f"{registration}/api/v1/forums/{slug}/sessions", timeout=10).json()["sessions"]
    assert [s["kind"] for s in programme] == ["plenary", "workshop", "workshop", "workshop", "ceremony"]
    signed_up = requests.get(f"{registration}/api/v1/registrations/{guest_id}/sessions",
                             headers={"Authorization": f"Bearer {manage_token}"}, timeout=10).json()["sessions"]
    assert [(s["code"], s["status"]) for s in signed_up] == [("ws-stem", "confirmed")]  # picked on her page
    for verify in ("verify her certificate", "verify an award"):
        assert 'data-status="valid"' in requests.get(links[verify], timeout=10).text
    certificates = f"http://127.0.0.1:{ports['CERTIFICATES_PORT']}"
    hers = requests.get(f"{certificates}/api/v1/certificates/{links['verify her certificate'].rsplit('/', 1)[1]}",
                        timeout=10).json()["certificate"]
    assert hers["hours"] >= 2 and [s["code"] for s in hers["sessions"]] == ["khai-mac"]  # the plenary, stated
    assert requests.get(links["metrics (checkin)"], timeout=10).status_code == 401
    assert "forumops_consumer_lag_messages" in requests.get(links["metrics (checkin)"], headers=organiser,
                                                            timeout=10).text


def _check_the_awards_programme(links: dict[str, str], token: str, ports: dict[str, int]) -> None:
    """The demo programme went from the call to the honour roll: every application reviewed by
    the jury, a tie at a cut and a disagreement shown to the organiser, the results published and
    one award certificate per winner, linked from the honour roll."""
    organiser = {"Authorization": f"Bearer {token}"}
    awards = f"http://127.0.0.1:{ports['AWARDS_PORT']}"
    slug = links["awards: the programme"].rsplit("/", 1)[1]
    programme = requests.get(f"{awards}/api/v1/programmes/{slug}", headers=organiser, timeout=10).json()
    assert programme["phase"] == "published" and programme["applications"]["submitted"] >= 25
    assert len(programme["categories"]) == 3 and len(programme["criteria"]) == 6
    assert programme["forum"] == links["register for the forum"].rsplit("/", 1)[1]
    ranking = requests.get(f"{awards}/api/v1/programmes/{slug}/ranking", headers=organiser, timeout=10).json()
    ranked = [a for c in ranking["categories"] for a in c["applications"]]
    assert len(ranked) == programme["applications"]["submitted"] and {a["reviews_done"] for a in ranked} == {3}
    assert any(a["outcome"] == "tied" for a in ranked) and any(a["jurors_disagree"] for a in ranked)
    juror = links[next(label for label in links if label.startswith("awards: a juror's page"))].split("#token=")[1]
    queue = requests.get(f"{awards}/api/v1/jurors/me/assignments", headers={"Authorization": f"Bearer {juror}"},
                         timeout=10).json()
    assert queue["assignments"] and {a["review"]["state"] for a in queue["assignments"]} <= {"submitted", "conflict"}
    roll = requests.get(f"{awards}/api/v1/programmes/{slug}/results", timeout=10).json()
    winners = [w for c in roll["categories"] for w in c["winners"]]
    assert [len(c["winners"]) for c in roll["categories"]] == [c["awards"] for c in roll["categories"]]
    listed = requests.get(links["awards: award certificates (organiser API)"], headers=organiser, timeout=10).json()
    held = listed["certificates"]
    assert {c["programme"] for c in held} == {slug}  # the programme's, apart from the forum's other awards
    assert sorted(c["recipient_name"] for c in held) == sorted(w["name"] for w in winners)  # one each
    assert {c["serial"] for c in held} == {w["certificate"]["serial"] for w in winners}
    assert {c["status"] for c in held} == {"valid"}
    assert 'data-status="valid"' in requests.get(links["awards: verify a winner's certificate"], timeout=10).text
