"""Faults while people keep registering and doors keep scanning: the broker away, workers killed,
messages delivered twice, poison on every topic. Each test counts what was sent and what arrived
(printed at the end of the run) and ends with nothing lost and nothing doubled."""
from __future__ import annotations

import json
import threading
import time
import uuid

import pytest

from forumops_shared import topics

from ..support.forums import check_in, enrol_device, new_forum, register
from ..support.kafka_io import produce_raw, read_to_end
from ..support.metrics import read_figures
from ..support.quiet import in_flight, wait_until_quiet
from ..support.system import System
from ..support.waiting import wait_until


def _certificates(system: System, slug: str) -> list[dict]:
    found, after = [], None
    while True:
        page = system.admin("GET", "certificates", f"/api/v1/forums/{slug}/certificates",
                            params={"limit": 1000, **({"after": after} if after else {})}).json()
        found += page["certificates"]
        after = page["next_after"]
        if not after:
            return found


def _effects(system: System, slug: str) -> dict:
    """What people and organisers see: registrations, arrivals, certificates (by registration)."""
    export = system.admin("GET", "registration", f"/api/v1/forums/{slug}/registrations/export").content
    stats = system.admin("GET", "checkin", f"/api/v1/forums/{slug}/stats").json()
    certificates = _certificates(system, slug)
    return {"registrations": export.decode("utf-8-sig").strip().count("\n"),
            "known_to_checkin": stats["total"]["registered"] + stats["total"]["waitlisted"], "arrived": stats["total"]["arrived"],
            "certificates": len(certificates),
            "certified_people": len({(c["recipient_name"], c["organisation"]) for c in certificates})}


def _person(n: int) -> dict:
    return {"email": f"nguoi.{n}.{uuid.uuid4().hex[:8]}@truong.edu.vn", "organisation": f"Trường số {n}"}


def _expect(effects: dict, registered: int, scanned: int) -> dict:
    """Counts for the report: what was sent, what arrived, lost and doubled."""
    assert effects == {"registrations": registered, "known_to_checkin": registered, "arrived": scanned,
                       "certificates": scanned, "certified_people": scanned}
    return {"registrations sent": registered, "scans accepted": scanned,
            "registrations at check-in": effects["known_to_checkin"], "arrivals counted": effects["arrived"],
            "certificates issued": effects["certificates"], "lost": 0, "doubled": 0}


@pytest.mark.broker_restart
def test_the_broker_away_for_10_seconds_apis_keep_answering_and_everything_arrives_after(system, tally):
    if not system.broker.controllable:
        pytest.fail("this run does not control its broker (KAFKA_BOOTSTRAP_SERVERS is set)", pytrace=False)
    slug = new_forum(system, points_per_province=1, capacity=100_000)
    device = enrol_device(system, slug)
    early = [register(system, slug, f"Nguyễn Văn Sớm {n}", **_person(n)) for n in range(20)]
    wait_until_quiet(system)

    system.broker.stop()
    late, scanned, away_until = [], 0, time.monotonic() + 10
    try:
        while time.monotonic() < away_until:  # every call must be answered while the broker is away
            late.append(register(system, slug, f"Trần Thị Muộn {len(late)}", **_person(100 + len(late))))
            if scanned < len(early):
                assert check_in(system, slug, "P00-00", device, early[scanned])["outcome"] == "accepted"
                scanned += 1
        assert any(in_flight(system)[0].values())  # events wait in the outboxes
    finally:
        system.broker.start()
    wait_until_quiet(system, timeout_s=180)
    tally(**_expect(_effects(system, slug), len(early) + len(late), scanned), **{"broker away (s)": 10})


def test_each_worker_killed_mid_stream_and_restarted_loses_nothing_and_doubles_nothing(system, tally):
    slug = new_forum(system, points_per_province=1, capacity=100_000)
    device = enrol_device(system, slug)
    sent, enough = [], threading.Event()
    failures: list[BaseException] = []

    def stream():  # people keep registering and arriving until the kills are over
        try:
            while not enough.is_set():
                n = len(sent)
                person = register(system, slug, f"Lê Thị Dòng {n}", **_person(n))
                assert check_in(system, slug, "P00-00", device, person)["outcome"] == "accepted"
                sent.append(person)
                enough.wait(0.02)  # a steady stream, not a flood
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)

    flow = threading.Thread(target=stream)
    flow.start()
    killed_at = {}
    try:
        for worker in ("registration-worker", "checkin-worker", "certificates-worker"):
            wait_until(lambda: len(sent) >= 30 * (len(killed_at) + 1) or failures, timeout_s=60, message="the stream")
            system.kill(worker)
            killed_at[worker] = len(sent)
            # It stays dead while ten more people register and arrive: their events wait for it.
            wait_until(lambda: len(sent) >= killed_at[worker] + 10 or failures, timeout_s=60, message="the stream")
            system.start(worker)
        wait_until(lambda: len(sent) >= killed_at["certificates-worker"] + 30 or failures, timeout_s=60,
                   message="the stream after the last restart")
    finally:
        enough.set()
        flow.join(timeout=60)
    assert not failures, failures
    wait_until_quiet(system, timeout_s=180)
    tally(**_expect(_effects(system, slug), len(sent), len(sent)),
          **{f"{worker} killed after": f"{n} people" for worker, n in killed_at.items()})


def test_every_message_delivered_twice_has_no_second_effect(system, tally):
    slug = new_forum(system, points_per_province=1, capacity=100_000)
    device = enrol_device(system, slug)
    people = [register(system, slug, f"Phạm Văn Hai {n}", **_person(n)) for n in range(40)]
    for person in people[:25]:
        check_in(system, slug, "P00-00", device, person)
    wait_until_quiet(system)
    before = _effects(system, slug)

    bootstrap, prefix = system.broker.bootstrap, system.settings["checkin"].topic_prefix
    resent = 0
    for topic in (topics.FORUMS, topics.REGISTRATIONS, topics.ATTENDANCE):
        messages = [(m.key, m.value) for m in read_to_end(bootstrap, prefix + topic)]
        produce_raw(bootstrap, prefix + topic, messages)
        resent += len(messages)
    wait_until_quiet(system, timeout_s=120)
    assert resent >= 40 + 25
    tally(**_expect(_effects(system, slug), 40, 25), **{"messages delivered again": resent})
    assert _effects(system, slug) == before


def _dead_letters(system: System) -> dict[str, int]:
    found = {}
    for service in ("checkin", "certificates"):
        scraped = read_figures(system.admin("GET", service, "/metrics").text)
        found[service] = int(sum(scraped["forumops_dead_letter_messages"].values()))
    return found


def test_a_poison_message_on_every_topic_is_set_aside_and_the_flow_goes_on(system, tally):
    slug = new_forum(system, points_per_province=1, capacity=100_000)
    device = enrol_device(system, slug)
    wait_until_quiet(system)
    dead_before = _dead_letters(system)

    bootstrap, prefix = system.broker.bootstrap, system.settings["checkin"].topic_prefix
    malformed = json.dumps({"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/nowhere",
                            "type": "registration.participant-registered.v1", "time": "2026-11-23T09:00:00Z",
                            "subject": "x", "datacontenttype": "application/json", "data": {"forum": 7}}).encode()
    poison = [(b"x", b"\x00not json at all"), (b"x", malformed)]
    every_topic = (topics.FORUMS, topics.REGISTRATIONS, topics.ATTENDANCE, topics.CERTIFICATES)
    for topic in every_topic:
        produce_raw(bootstrap, prefix + topic, poison)

    people = [register(system, slug, f"Hoàng Thị Sau {n}", **_person(n)) for n in range(10)]
    for person in people:
        check_in(system, slug, "P00-00", device, person)
    wait_until_quiet(system, timeout_s=120)
    dead = {service: n - dead_before[service] for service, n in _dead_letters(system).items()}
    # check-in reads forums and registrations; certificates also reads attendance; no one reads certificates'
    assert dead == {"checkin": 2 * 2, "certificates": 3 * 2}
    tally(**_expect(_effects(system, slug), 10, 10), **{"poison messages sent": len(poison) * len(every_topic),
                                                         "dead-lettered (check-in, certificates)": tuple(dead.values())})
