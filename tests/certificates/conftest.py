"""Certificates tests: registration's real events, and check-in's events as its contract has them
(decoded as a consumer reads them)."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from certificates.app import create_app
from certificates.projection import HANDLERS
from certificates.tables import certificates
from forumops_shared.db import make_engine, readonly
from forumops_shared.events import decode_event, encode_event, new_event
from forumops_shared.events.registry import HOURS_RECORDED, ONLINE_ATTENDANCE_RECORDED, PARTICIPANT_CHECKED_IN
from forumops_shared.service_app import close_service_app

from ..registration.conftest import ADMIN_TOKEN, api, reg_settings  # noqa: F401 - fixtures shared with these tests
from ..support.handlers import HandlerFeed
from ..support.services import migrate
from ..support.staged import staged_events


ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PUBLIC_URL = "https://chungnhan.example.vn"


class Office:
    """The certificates service's projection and issuing, fed event by event, each once."""

    def __init__(self, api, settings):
        self.api, self.engine = api, make_engine(settings.database_url)
        self.database_url, self.settings = settings.database_url, settings
        self.feed = HandlerFeed(self.engine, HANDLERS)

    def apply(self, events):
        self.feed.apply(events)

    def redeliver(self, events):
        """As a consumer that lost its record of them would: the handlers run again."""
        self.feed.apply(events, again=True)

    def registration_events(self, *types):
        return [e for e in self.api.events() if not types or e.type in types]

    def certificates(self, **where):
        with readonly(self.engine).connect() as conn:
            stmt = select(certificates)
            for column, value in where.items():
                stmt = stmt.where(certificates.c[column] == value)
            return conn.execute(stmt.order_by(certificates.c.issued_at)).all()

    def issued(self, event_type="certificates.certificate-issued.v1"):
        return staged_events(self.engine, event_type)


def checked_in(person: dict, forum: str, *, mode="onsite", point="HN-01", forced=False, at=None):
    """A check-in event as check-in's scans stage it."""
    at = at or datetime.now(timezone.utc)
    return _as_read(new_event(PARTICIPANT_CHECKED_IN, person["id"], {
        "checkin_id": f"c-{person['id'][:8]}-{at.timestamp()}", "registration_id": person["id"], "forum": forum,
        "mode": mode, "point": point if mode == "onsite" else None, "checked_in_at": at.isoformat(),
        "forced": forced, "source": "offline_batch" if forced else "scan"}, source="/forumops/checkin"))


def minutes(person: dict, forum: str, total: int):
    return _as_read(new_event(ONLINE_ATTENDANCE_RECORDED, person["id"], {
        "registration_id": person["id"], "forum": forum, "minutes": total, "source": "attendance_report",
        "recorded_at": datetime.now(timezone.utc).isoformat()}, source="/forumops/checkin"))


def hours(person: dict, forum: str, at: datetime | None = None, **minutes):
    """Check-in's hours-recorded event for `person`: minutes per session (WS_A for WS-A), recorded
    `at`; decoded as the consumer reads it."""
    return _as_read(hours_sent(person, forum, at, **minutes))


def hours_sent(person: dict, forum: str, at: datetime | None = None, **minutes):
    """The same event as check-in sends it."""
    sessions = [{"code": code.replace("_", "-"), "minutes": m} for code, m in minutes.items()]
    return new_event(HOURS_RECORDED, person["id"], {
        "registration_id": person["id"], "forum": forum, "sessions": sessions,
        "minutes": sum(s["minutes"] for s in sessions),
        "recorded_at": (at or datetime.now(timezone.utc)).isoformat()}, source="/forumops/checkin")


def _as_read(event):
    return decode_event(encode_event(event), topic=event.topic)


@pytest.fixture
def office(api, settings_for):
    settings = settings_for("certificates")
    migrate(settings)
    office = Office(api, settings)
    yield office
    office.engine.dispose()


@pytest.fixture
def service(office, settings_for):
    """The certificates API on the office's database."""
    settings = settings_for("certificates", database_url=office.database_url,
                            extra={"CERTIFICATES_ADMIN_TOKEN": ADMIN_TOKEN, "CERTIFICATES_PUBLIC_URL": PUBLIC_URL})
    app = create_app(settings)
    yield app.test_client()
    close_service_app(app)


def issue(office, n=1, **person):
    """A forum with one point, `n` people registered there and checked in: (slug, people, serials)."""
    api = office.api
    slug = api.create_forum()
    api.put_point(slug, "HN-01", capacity=100)
    people = [api.register(slug, api.person("HN-01", **person)).json for _ in range(n)]
    office.apply(office.registration_events() + [checked_in(p, slug) for p in people])
    return slug, people, [c.serial for c in office.certificates()]
