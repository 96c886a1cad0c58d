"""The production shape broken while people keep registering and doors keep scanning: three
brokers, PostgreSQL, two of every API and worker (`./forumops up --cluster`). Each test counts
what was sent and what arrived (printed at the end of the run) and ends with nothing lost and
nothing doubled.

The clients are as the real ones are: a registration carries an Idempotency-Key and a scan its
scan_id, and both are sent again when a call fails (a connection cut, an answer 5xx), so a call
may fail while something is away, but no person is registered twice and no scan counts twice.

The cluster brings its own PostgreSQL, so these tests run once per CI, in the PostgreSQL pass."""
from __future__ import annotations

import csv
import importlib
import io
import os
import signal
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import requests

from forumops_shared import topics

from ..support.cluster import SERVICES, Cluster, running_cluster
from ..support.forums import enrol_device, new_forum
from ..support.quiet import wait_until_quiet
from ..support.system import bearer
from ..support.waiting import wait_until
from .test_faults import _effects, _expect, _person

pytestmark = pytest.mark.skipif(
    os.environ.get("FORUMOPS_TEST_DATABASE", "sqlite") != "postgresql",
    reason="the cluster brings its own PostgreSQL: its tests run once, in the PostgreSQL pass (--db postgresql)")

USED = (topics.FORUMS, topics.REGISTRATIONS, topics.ATTENDANCE, topics.CERTIFICATES)


@pytest.fixture(scope="module")
def kafka_cluster(tmp_path_factory) -> Cluster:
    with running_cluster(tmp_path_factory.mktemp("cluster")) as running:
        yield running


@pytest.fixture
def cluster(kafka_cluster) -> Cluster:
    return kafka_cluster


@dataclass
class Stream:
    """People registering and arriving at one door, steadily, each call sent again until answered."""

    cluster: Cluster
    slug: str
    device: str
    people: list[dict] = field(default_factory=list)  # registered and scanned in, acknowledged
    failed_calls: dict[str, int] = field(default_factory=dict)  # what the clients saw fail, by kind
    problems: list[BaseException] = field(default_factory=list)

    def __post_init__(self):
        self._enough = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Stream":
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._enough.set()
        self._thread.join(timeout=300)

    def wait_for(self, count: int, timeout_s: float = 120) -> None:
        wait_until(lambda: len(self.people) >= count or self.problems, timeout_s=timeout_s, interval_s=0.2,
                   message=f"{count} people through the stream")
        assert not self.problems, self.problems

    def more(self, count: int, timeout_s: float = 120) -> None:
        self.wait_for(len(self.people) + count, timeout_s)

    def _run(self):
        try:
            while not self._enough.is_set():
                n = len(self.people)
                person = self._send("registration", f"/api/v1/forums/{self.slug}/registrations", 201, json={
                    "full_name": f"Lê Thị Dòng {n}", "attendance": "onsite", "point": "P00-00", "language": "vi",
                    "consent": True, **_person(n)}, headers={"Idempotency-Key": uuid.uuid4().hex})
                scan = self._send("checkin", f"/api/v1/forums/{self.slug}/points/P00-00/checkins", 200,
                                  json={"ticket": person["ticket"]["qr_payload"], "scan_id": uuid.uuid4().hex},
                                  headers=bearer(self.device))
                assert scan["outcome"] == "accepted", scan
                self.people.append(person)
                self._enough.wait(0.02)  # a steady stream, not a flood
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.problems.append(exc)

    def _send(self, service: str, path: str, expected: int, **kwargs) -> dict:
        """POST until answered `expected`; the same body and keys each time (safe to repeat)."""
        deadline = time.monotonic() + 120
        while True:
            try:
                answer = requests.post(self.cluster.url(service, path), timeout=10, **kwargs)
                if answer.status_code == expected:
                    return answer.json()
                assert answer.status_code >= 500, answer.text  # a refusal would be a bug here
                assert answer.json().get("reason"), answer.text  # failures say why, as JSON
                kind = f"{service} {answer.status_code} {answer.json()['reason']}"
            except requests.ConnectionError:
                kind = f"{service} connection cut"
            self.failed_calls[kind] = self.failed_calls.get(kind, 0) + 1
            assert time.monotonic() < deadline, f"{path} failing for 2 minutes: {self.failed_calls}"
            time.sleep(0.2)


def _forum(cluster: Cluster) -> tuple[str, str]:
    slug = new_forum(cluster, points_per_province=1, capacity=100_000)
    return slug, enrol_device(cluster, slug, "P00-00")


def _settled(cluster: Cluster, stream: Stream) -> dict:
    """Once everything in flight has arrived (and every partition is whole again): the counts."""
    assert not stream.problems, stream.problems
    cluster.wait_fully_replicated(USED)
    wait_until_quiet(cluster, timeout_s=240)
    counts = _expect(_effects(cluster, stream.slug), len(stream.people), len(stream.people))
    return {**counts, **({"calls failed and sent again": stream.failed_calls} if stream.failed_calls else {})}


def test_the_cluster_is_the_production_shape(cluster):
    partitions = cluster.partitions(USED)
    assert {len(p["replica_nodes"]) for p in partitions} == {3}
    assert {p["leader_id"] for p in partitions} == {1, 2, 3}  # the partitions' leadership is spread over the three nodes
    admin = cluster.kafka_admin()
    try:
        consuming = [name for name in SERVICES if importlib.import_module(f"{name}.service").SERVICE.handlers]
        groups = admin.describe_groups(consuming)
    finally:
        admin.close()
    # each consuming service's two workers are members of its one group, sharing its partitions
    assert consuming and {name: len(group["members"]) for name, group in groups.items()} == {n: 2 for n in consuming}
    state = cluster.state()
    for service in SERVICES:
        for part in ("api", "worker"):
            pids = [state[f"{service}-{part}-{n}"]["pid"] for n in (1, 2)]
            assert all(pids) and pids[0] != pids[1]
        assert requests.get(cluster.url(service, "/readyz"), timeout=10).status_code == 200


def test_two_instances_never_hand_out_one_place_twice_nor_admit_one_ticket_twice(cluster, tally):
    """40 people at once for a point of 10 places, through both registration APIs on one port;
    then one ticket scanned 20 times at once at two doors, through both check-in APIs."""
    slug = new_forum(cluster, points_per_province=1, capacity=10)
    point, doors = "P00-00", [enrol_device(cluster, slug, "P00-00") for _ in range(2)]

    def register(n: int) -> dict:
        answer = requests.post(cluster.url("registration", f"/api/v1/forums/{slug}/registrations"), timeout=30,
                               json={"full_name": f"Đỗ Thị Chỗ {n}", "attendance": "onsite", "point": point,
                                     "language": "vi", "consent": True, **_person(n)})
        assert answer.status_code == 201, answer.text
        return answer.json()
    with ThreadPoolExecutor(max_workers=40) as pool:
        people = list(pool.map(register, range(40)))
    statuses = Counter(p["status"] for p in people)
    assert statuses == {"confirmed": 10, "waitlisted": 30}, statuses

    first = next(p for p in people if p["status"] == "confirmed")

    def scan(n: int) -> str:
        answer = requests.post(cluster.url("checkin", f"/api/v1/forums/{slug}/points/{point}/checkins"), timeout=30,
                               json={"ticket": first["ticket"]["qr_payload"], "scan_id": uuid.uuid4().hex},
                               headers=bearer(doors[n % 2]))
        assert answer.status_code == 200, answer.text
        return answer.json()["outcome"]
    wait_until(lambda: cluster.admin("GET", "checkin", f"/api/v1/forums/{slug}/stats").json()["total"]["registered"]
               == 10, timeout_s=60, interval_s=0.3, message="check-in to know the ten")
    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = Counter(pool.map(scan, range(20)))
    assert outcomes == {"accepted": 1, "duplicate": 19}, outcomes
    wait_until_quiet(cluster, timeout_s=120)
    effects = _effects(cluster, slug)
    assert (effects["registrations"], effects["arrived"], effects["certificates"]) == (40, 1, 1), effects
    tally(**{"registrations sent at once": 40, "confirmed (10 places)": statuses["confirmed"],
             "waitlisted": statuses["waitlisted"], "one ticket scanned at once": 20, "admitted": outcomes["accepted"],
             "certificates": effects["certificates"], "doubled": 0})


def test_the_broker_leading_the_partitions_in_use_killed_mid_load_then_back(cluster, tally):
    slug, device = _forum(cluster)
    with Stream(cluster, slug, device) as stream:
        stream.wait_for(30)
        leaders = list(cluster.leaders(topics.REGISTRATIONS).values())
        leader = max(set(leaders), key=leaders.count)
        killed = cluster.kill(f"kafka-{leader}")
        stream.more(40)  # the APIs keep answering while it is down and while it comes back
        cluster.wait_restarted(f"kafka-{leader}", killed)
        stream.more(30)
    tally(**_settled(cluster, stream), **{"broker killed": f"kafka-{leader} (led {leaders.count(leader)} of "
                                                           f"{len(leaders)} partitions)"})


def test_a_rolling_restart_of_the_three_brokers_under_load(cluster, tally):
    slug, device = _forum(cluster)
    with Stream(cluster, slug, device) as stream:
        stream.wait_for(20)
        for node in (1, 2, 3):  # one after the other: each back and in sync before the next
            stopped = cluster.kill(f"kafka-{node}", signal.SIGTERM)  # a controlled shutdown
            stream.more(10)
            cluster.wait_restarted(f"kafka-{node}", stopped)
            cluster.wait_fully_replicated(USED)
        stream.more(20)
    tally(**_settled(cluster, stream), **{"brokers restarted in turn": 3})


def test_one_worker_of_each_service_killed_mid_stream(cluster, tally):
    slug, device = _forum(cluster)
    with Stream(cluster, slug, device) as stream:
        stream.wait_for(20)
        with cluster.supervision_paused():  # so that the killed stay dead: the others alone carry on
            before = len(stream.people)
            killed = {f"{s}-worker-1": cluster.kill(f"{s}-worker-1") for s in ("registration", "checkin", "certificates")}
            stream.more(30)
            # Their partitions and their relays' leases moved to the second workers: everyone
            # so far gets their certificate with every first worker dead.
            so_far = len(stream.people)
            wait_until(lambda: _effects(cluster, slug)["certificates"] >= so_far, timeout_s=120, interval_s=0.5,
                       message="the second workers to carry the flow alone")
        for name, pid in killed.items():
            cluster.wait_restarted(name, pid)
        stream.more(20)
    tally(**_settled(cluster, stream), **{"workers killed": 3, "people through while they were dead": so_far - before})


def test_one_api_instance_killed_while_requests_flow(cluster, tally):
    slug, device = _forum(cluster)
    with Stream(cluster, slug, device) as stream:
        stream.wait_for(20)
        for service in ("registration", "checkin"):
            pid = cluster.pid(f"{service}-api-1")
            os.killpg(pid, signal.SIGKILL)  # the instance: gunicorn and its web workers
            stream.more(20)  # the other instance on the same port answers
            cluster.wait_restarted(f"{service}-api-1", pid)
        stream.more(20)
    export = cluster.admin("GET", "registration", f"/api/v1/forums/{slug}/registrations/export").content
    emails = [row["email"] for row in csv.DictReader(io.StringIO(export.decode("utf-8-sig")))]
    assert len(emails) == len(set(emails)) == len(stream.people)  # none registered twice
    tally(**_settled(cluster, stream), **{"API instances killed": 2})


def test_postgresql_restarted_under_load(cluster, tally):
    slug, device = _forum(cluster)
    with Stream(cluster, slug, device) as stream:
        stream.wait_for(20)
        acknowledged_before = len(stream.people)
        stopped = cluster.kill("postgres", signal.SIGINT)  # its fast shutdown: every connection cut
        cluster.wait_restarted("postgres", stopped)
        stream.more(30)
    assert acknowledged_before <= len(stream.people)
    # The restart was felt, and said clearly: the calls that failed were 503 database_unavailable
    # (or, on a connection a dying server cut, no answer at all), each sent again and then answered.
    assert stream.failed_calls and all(kind.endswith((" 503 database_unavailable", " connection cut"))
                                       for kind in stream.failed_calls), stream.failed_calls
    tally(**_settled(cluster, stream), **{"PostgreSQL restarted": 1})
