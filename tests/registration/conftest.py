"""A registration app on a fresh database, the test broker's topics, and an API helper."""
from __future__ import annotations

import itertools

import pytest
from forumops_shared.db import make_engine
from forumops_shared.service_app import close_service_app, context_of
from registration.app import create_app

from ..support.services import migrate
from ..support.staged import staged_events

ADMIN_TOKEN = "organiser-secret-token-for-tests-0123456789"
_numbers = itertools.count(1)


class Api:
    """Calls the registration API the way its clients do."""

    def __init__(self, app, engine):
        self.app, self.client, self.engine = app, app.test_client(), engine
        self.context = context_of(app)  # what the API works with: settings, keys, caches
        self.admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    def create_forum(self, slug="dien-dan-giao-duc-2026", **overrides):
        body = {"slug": slug, "title": {"vi": "Diễn đàn Giáo dục 2026", "en": "Education Forum 2026"},
                "starts_at": "2026-12-10T08:00:00+07:00", "ends_at": "2026-12-10T17:00:00+07:00",
                "timezone": "Asia/Ho_Chi_Minh", "online_url": "https://meet.example.vn/forum",
                "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 60}, **overrides}
        response = self.client.post("/api/v1/forums", json=body, headers=self.admin)
        assert response.status_code == 201, response.json
        return slug

    def put_point(self, slug, code, capacity=100, name=None, province="Hà Nội"):
        response = self.client.put(f"/api/v1/forums/{slug}/points/{code}", headers=self.admin,
                                   json={"name": name or f"Điểm cầu {code}", "province": province,
                                         "capacity": capacity})
        assert response.status_code in (200, 201), response.json
        return response.json

    def person(self, point=None, **overrides):
        n = next(_numbers)
        body = {"full_name": "Nguyễn Thị Ánh Tuyết", "email": f"tuyet.{n}@truong.edu.vn",
                "organisation": "Trường THPT Chu Văn An", "attendance": "onsite" if point else "online",
                "language": "vi", "consent": True}
        if point:
            body["point"] = point
        return {**body, **overrides}

    def register(self, slug, body, headers=None):
        return self.client.post(f"/api/v1/forums/{slug}/registrations", json=body, headers=headers or {})

    def as_holder(self, token):
        return {"Authorization": f"Bearer {token}"}

    def events(self, event_type=None):
        """Events staged in the outbox, decoded and validated as a consumer would."""
        return staged_events(self.engine, event_type)


@pytest.fixture
def reg_settings(settings_for):
    def make(**extra):
        settings = settings_for("registration", extra={"REGISTRATION_ADMIN_TOKEN": ADMIN_TOKEN,
                                                      "REGISTRATION_RATE_LIMIT": "10000/second", **extra})
        migrate(settings)
        return settings
    return make


@pytest.fixture
def api(reg_settings):
    settings = reg_settings()
    app = create_app(settings)
    engine = make_engine(settings.database_url)
    yield Api(app, engine)
    close_service_app(app)
    engine.dispose()
