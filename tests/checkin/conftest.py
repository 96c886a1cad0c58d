"""Check-in tests drive the real registration service to produce the events check-in consumes."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from checkin.services import counts, hours
from checkin.app import create_app as create_checkin_app
from checkin.projection import HANDLERS
from forumops_shared.clock import SYSTEM_CLOCK
from forumops_shared.db import make_engine, readonly
from forumops_shared.service_app import close_service_app, context_of

from ..registration.conftest import ADMIN_TOKEN
from ..registration.conftest import api, reg_settings  # noqa: F401 - fixtures shared with these tests
from ..support.handlers import HandlerFeed
from ..support.services import migrate
from ..support.staged import staged_events

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


class Door:
    """The check-in service, fed with registration's events, and its devices."""

    def __init__(self, api, settings, clock=SYSTEM_CLOCK):
        self.api, self.app = api, create_checkin_app(settings, clock=clock)
        self.client, self.engine = self.app.test_client(), make_engine(settings.database_url)
        self.context = context_of(self.app)
        self.feed = HandlerFeed(self.engine, HANDLERS)
        now = datetime.now(timezone.utc)  # a forum under way: its doors are open
        self.slug = api.create_forum(starts_at=(now - timedelta(hours=1)).isoformat(),
                                     ends_at=(now + timedelta(hours=8)).isoformat())
        api.put_point(self.slug, "HN-01", capacity=100)
        api.put_point(self.slug, "HP-01", capacity=100, province="Hải Phòng")

    def deliver(self, types=None):
        """Apply registration's new events through the handlers check-in's worker runs, each once."""
        self.feed.apply(e for e in self.api.events() if types is None or e.type in types)

    def device(self, point="HN-01"):
        response = self.client.post(f"/api/v1/forums/{self.slug}/points/{point}/devices", json={"label": "Cửa A"},
                                    headers=ADMIN)
        assert response.status_code == 201, response.json
        return response.json

    def scan(self, device, ticket, scan_id, point=None):
        return self.client.post(f"/api/v1/forums/{self.slug}/points/{point or device['point']}/checkins",
                                json={"ticket": ticket, "scan_id": scan_id},
                                headers={"Authorization": f"Bearer {device['token']}"})

    def batch(self, device, scans, point=None):
        return self.client.post(f"/api/v1/forums/{self.slug}/points/{point or device['point']}/checkins/batch",
                                json={"scans": scans}, headers={"Authorization": f"Bearer {device['token']}"})

    def organiser(self, path, **params):
        return self.client.get(f"/api/v1/forums/{self.slug}/{path}", query_string=params, headers=ADMIN)

    def kept_and_recounted(self):
        """The live counts as kept, and as the stored facts give them: always equal."""
        with readonly(self.engine).connect() as conn:
            return counts.stored(conn, self.slug), counts.recount(conn, self.slug)

    def count(self, table) -> int:
        with readonly(self.engine).connect() as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar_one()

    def events(self):
        return staged_events(self.engine)

    def work_out_hours(self, now=None) -> int:
        """What check-in's worker does every second, at `now` (the clock's time by default): the
        hours of the people due by then."""
        return hours.catch_up(self.engine, now=now)


@pytest.fixture
def door(api, settings_for):
    settings = settings_for("checkin", extra={"CHECKIN_ADMIN_TOKEN": ADMIN_TOKEN, "CHECKIN_STATS_MAX_AGE": "0"})
    migrate(settings)
    door = Door(api, settings)
    yield door
    close_service_app(door.app)
    door.engine.dispose()


