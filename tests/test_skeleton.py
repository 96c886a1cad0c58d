"""The skeleton a new service is copied from (docs/skeleton/) works as docs/services.md says: it
migrates, its app answers, its worker is built, and it keeps the layers."""
import shutil
import sys
from datetime import timedelta

import pytest

from forumops_shared.service import load_service
from forumops_shared.service_app import close_service_app
from forumops_shared.worker import build_worker

from .support.clock import FakeClock
from .support.processes import ROOT
from .support.services import migrate
from .test_layers import DATABASE, KAFKA, WEB, imported_by, modules_of

TOKEN = {"Authorization": "Bearer organiser-token-of-the-example"}


@pytest.fixture
def example(tmp_path, monkeypatch):
    """The skeleton copied out as a new service would be, importable as `example`."""
    shutil.copytree(ROOT / "docs" / "skeleton", tmp_path / "skeleton")
    monkeypatch.syspath_prepend(str(tmp_path / "skeleton"))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "skeleton"))
    yield load_service("example")
    for name in [m for m in sys.modules if m == "example" or m.startswith("example.")]:
        del sys.modules[name]


def test_the_skeleton_migrates_answers_and_builds_its_worker(example, settings_for):
    from example.app import create_app

    settings = settings_for("example", extra={"EXAMPLE_ADMIN_TOKEN": TOKEN["Authorization"].split()[1]})
    migrate(settings)
    clock = FakeClock()
    app = create_app(settings, clock=clock)
    try:
        client = app.test_client()
        assert client.get("/healthz").json == {"status": "ok"}
        later = (clock.now() + timedelta(hours=1)).isoformat()
        posted = client.post("/api/v1/forums/f/notices", json={"text": " Phòng họp  đổi sang tầng 3 ",
                                                               "visible_from": later}, headers=TOKEN)
        assert posted.status_code == 201, posted.json
        assert client.get("/api/v1/forums/f/notices").json == {"notices": []}
        assert client.get(f"/api/v1/notices/{posted.json['id']}").json["reason"] == "notice_not_found"
        clock.advance(3600)
        assert [n["text"] for n in client.get("/api/v1/forums/f/notices").json["notices"]] == [
            "Phòng họp  đổi sang tầng 3"]
        assert client.post("/api/v1/forums/f/notices", json={"text": "x"}).status_code == 401
        assert "/api/v1/forums/{slug}/notices" in client.get("/api/v1/openapi.json").json["paths"]
    finally:
        close_service_app(app)
    worker = build_worker(example, settings)
    assert worker.service.consumes == [] and worker.relay() is not None
    worker.engine.dispose()


def test_the_skeleton_keeps_the_layers(example):
    assert imported_by(modules_of("example.domain")) & (WEB | KAFKA | DATABASE | {"marshmallow"}) == set()
    assert imported_by(modules_of("example.services") + ["example.projection"]) & (WEB | KAFKA) == set()
