"""The certificates worker on the real broker: registration's and check-in's events in, one certificate out."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from certificates.tables import certificates
from forumops_shared.db import readonly

from ..checkin.conftest import Door
from ..registration.conftest import ADMIN_TOKEN
from ..support.processes import service_worker
from ..support.relaying import relaying
from ..support.services import migrate
from ..support.staged import staged_events
from ..support.tiers import settings_on_kafka  # noqa: F401 - these tests run on the broker
from ..support.waiting import wait_until


@pytest.fixture
def certificates_db(settings_for, tmp_path, api):
    """The certificates worker running in its own process on the same topics as `api`'s relay."""
    with service_worker(settings_for("certificates"), tmp_path / "certificates-worker.log") as engine:
        yield engine


def issued(engine):
    with readonly(engine).connect() as conn:
        return conn.execute(select(certificates)).all()


def test_a_scan_at_the_door_becomes_a_certificate_through_the_broker(api, settings_for, certificates_db):
    checkin_settings = settings_for("checkin", extra={"CHECKIN_ADMIN_TOKEN": ADMIN_TOKEN, "CHECKIN_STATS_MAX_AGE": "0"})
    migrate(checkin_settings)
    door = Door(api, checkin_settings)
    person = api.register(door.slug, api.person("HN-01", full_name="Phạm Minh Đức")).json
    door.deliver()
    device = door.device()
    assert door.scan(device, person["ticket"]["qr_payload"], "s-1").json["outcome"] == "accepted"
    late = (datetime.now(timezone.utc) - timedelta(minutes=10)).isoformat()
    door.batch(door.device("HP-01"), [{"ticket": person["ticket"]["qr_payload"], "scan_id": "off-1",
                                        "scanned_at": late}])  # the same person, again, offline elsewhere
    with relaying(api.context.settings), relaying(checkin_settings):
        wait_until(lambda: len(issued(certificates_db)) == 1, message="one certificate for the scanned person")
        [cert] = issued(certificates_db)
        assert (cert.registration_id, cert.recipient_name, cert.mode) == (person["id"], "Phạm Minh Đức", "onsite")
        wait_until(lambda: len(staged_events(certificates_db, "certificates.certificate-issued.v1")) == 1,
                   message="the issue announced")
    assert len(issued(certificates_db)) == 1
