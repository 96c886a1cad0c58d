"""A person erased is gone from every copy: topics (dead letters included), the broker's files,
every database file and every log.

The topics here get test-sized cleaner settings (segments closing after half a second instead
of a day); everything else is as production runs it: gunicorn APIs, workers, the real broker."""
from __future__ import annotations

import contextlib
import sqlite3
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Iterator

import pytest
import requests
from sqlalchemy import Engine, MetaData, create_engine, select

from forumops_shared.db import make_engine
from forumops_shared.dead_letters import DeadLetters
from forumops_shared.kafka_clients import make_producer
from forumops_shared.topics import CHECKIN_DLQ, REGISTRATIONS, TOPICS
from registration.services.lifecycle import ERASURE_SENT_AGAIN_AFTER, send_erasures_again
from registration.tables import registrations

from ..support.forums import check_in, enrol_device, new_forum, register
from ..support.kafka_io import read_to_end
from ..support.system import System, bearer, running_system
from ..support.waiting import wait_until

SEGMENT_MS = 500
CLEANER_SETTINGS = {
    "segment.ms": str(SEGMENT_MS), "max.compaction.lag.ms": str(SEGMENT_MS), "min.cleanable.dirty.ratio": "0.01",
    "delete.retention.ms": "0", "file.delete.delay.ms": "0",
}


@pytest.fixture(scope="module")
def system(kafka_broker, tmp_path_factory) -> System:
    with running_system(kafka_broker, tmp_path_factory.mktemp("erasure"), topic_settings=CLEANER_SETTINGS) as running:
        yield running


def test_an_erased_person_is_readable_nowhere_once_the_cleaner_has_run(system):
    slug = new_forum(system, points_per_province=1)
    tag = uuid.uuid4().hex[:8]
    name, email, phone = f"Phạm Thị Thu Hằng {tag}", f"hang.{tag}@truong.edu.vn", f"09{int(tag, 16) % 10**8:08d}"
    stays = register(system, slug, f"Người Ở Lại {tag}")
    person = register(system, slug, name, email=email, phone=phone, organisation=f"Trường Hằng {tag}")
    check_in(system, slug, "P00-00", enrol_device(system, slug), person)
    serial = wait_until(lambda: _certificate_serial(system, person), timeout_s=30, message="the certificate")
    pdf = requests.get(system.url("certificates", f"/api/v1/certificates/{serial}/pdf"),
                       headers=bearer(person["manage_token"]), timeout=30)
    assert pdf.status_code == 200
    _dead_letter_a_copy_of(system, person["id"])
    needles = [name.encode(), email.encode(), phone.encode()]

    # What the search below looks at holds the person before the erasure (it can find them).
    assert _readable_in_topics(system, needles), "the search of the topics finds nothing even before erasure"
    assert _readable_in_broker_files(system, needles) or system.broker.data_dir is None
    assert _readable_in_databases(system, needles)

    erased = requests.post(system.url("registration", f"/api/v1/registrations/{person['id']}/erase"),
                           headers=bearer(person["manage_token"]), timeout=30)
    assert erased.status_code == 200
    wait_until(lambda: _verification_status(system, serial) == "revoked", timeout_s=30, message="the revocation")
    wait_until(lambda: not _readable_in_databases(system, needles), timeout_s=30,
               message="every service's erasure of the person")

    # The worker sends each erasure again once its segment has had time to close. Here: once the
    # broker's clock (which this test does not control) is past the first erasure's segment.
    last = max(r.timestamp for topic in (REGISTRATIONS, CHECKIN_DLQ)
               for r in read_to_end(system.broker.bootstrap, system.prefix + topic))
    wait_until(lambda: time.time() * 1000 > last + 2 * SEGMENT_MS, timeout_s=10, message="the broker's segment time")
    erased_at = _erased_at(system, person["id"])
    with _engine(system, "registration") as engine:  # as the worker's chore would, a day and more later
        assert send_erasures_again(engine, now=erased_at + 2 * ERASURE_SENT_AGAIN_AFTER) == 1
        assert send_erasures_again(engine, now=erased_at + 3 * ERASURE_SENT_AGAIN_AFTER) == 0  # once

    wait_until(lambda: not _readable_in_topics(system, needles), timeout_s=60,
               message="the cleaner removing the person from every topic")
    wait_until(lambda: not _readable_in_broker_files(system, needles), timeout_s=30,
               message="the broker deleting the cleaned segments")
    assert not _readable_in_databases(system, needles)
    assert not _readable_in_logs(system, needles)
    # The person who stayed is still there for any consumer starting afresh.
    assert _readable_in_topics(system, [f"Người Ở Lại {tag}".encode()])
    assert requests.get(system.url("registration", f"/api/v1/registrations/{stays['id']}"),
                        headers=bearer(stays["manage_token"]), timeout=10).status_code == 200


def _certificate_serial(system, person) -> str | None:
    answer = requests.get(system.url("certificates", f"/api/v1/registrations/{person['id']}/certificate"),
                          headers=bearer(person["manage_token"]), timeout=10)
    return answer.json()["serial"] if answer.status_code == 200 else None


def _verification_status(system, serial: str) -> str:
    return requests.get(system.url("certificates", f"/api/v1/certificates/{serial}"),
                        timeout=10).json()["certificate"]["status"]


def _dead_letter_a_copy_of(system, registration_id: str) -> None:
    """As check-in's worker would if the person's event could not be applied there."""
    record = next(r for r in read_to_end(system.broker.bootstrap, system.prefix + REGISTRATIONS)
                  if r.key == registration_id.encode() and r.value)
    settings = system.settings["checkin"]
    dead_letters = DeadLetters(settings.dlq_topic, "checkin", lambda: make_producer(settings, "test"), settings.topic_prefix)
    try:
        dead_letters.publish(record, RuntimeError("a handler failed"), attempts=3)
    finally:
        dead_letters.close()


def _readable_in_topics(system, needles: list[bytes]) -> bool:
    """Every topic of this system read from its beginning, dead letters included."""
    for spec in TOPICS:
        for record in read_to_end(system.broker.bootstrap, spec.prefixed(system.prefix)):
            blob = b"".join([record.key or b"", record.value or b"", *(v for _, v in record.headers or [])])
            if any(needle in blob for needle in needles):
                return True
    return False


def _readable_in_broker_files(system, needles: list[bytes]) -> bool:
    if system.broker.data_dir is None:  # a broker this run did not start: its files are out of reach
        return False
    folders = [p for p in system.broker.data_dir.iterdir() if p.name.startswith(system.prefix)]
    assert folders, "no partition folders of this system's topics in the broker's data"
    return any(_holds(f, needles) for folder in folders for f in folder.iterdir() if f.is_file())


def _readable_in_databases(system, needles: list[bytes]) -> bool:
    """SQLite: the files themselves, after a checkpoint of the WAL. PostgreSQL: every row of every table."""
    for service, settings in system.settings.items():
        url = settings.database_url
        if url.startswith("sqlite"):
            path = Path(url.removeprefix("sqlite:///"))
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
            if any(_holds(f, needles) for f in files):
                return True
        else:
            engine = create_engine(url)
            try:
                tables = MetaData()
                tables.reflect(engine)
                with engine.connect() as conn:
                    for table in tables.sorted_tables:
                        for row in conn.execute(select(table)):
                            text = " ".join(str(value) for value in row)
                            if any(needle.decode() in text for needle in needles):
                                return True
            finally:
                engine.dispose()
    return False


def _readable_in_logs(system, needles: list[bytes]) -> bool:
    logs = list(system.home.glob("*.log"))
    if system.broker.home is not None:
        logs += list(system.broker.home.glob("*.log"))
    assert logs
    return any(_holds(f, needles) for f in logs)


def _holds(path: Path, needles: list[bytes]) -> bool:
    try:
        data = path.read_bytes()
    except FileNotFoundError:  # deleted while we looked
        return False
    return any(needle in data for needle in needles)


def _erased_at(system, registration_id: str) -> datetime:
    with _engine(system, "registration") as engine, engine.connect() as conn:
        return conn.execute(select(registrations.c.erased_at).where(registrations.c.id == registration_id)).scalar_one()


@contextlib.contextmanager
def _engine(system, service: str) -> Iterator[Engine]:
    engine = make_engine(system.settings[service].database_url)
    try:
        yield engine
    finally:
        engine.dispose()
