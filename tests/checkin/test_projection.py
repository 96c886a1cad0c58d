"""Check-in keeps its own copy of forums and registrations from registration's events."""
import json

import pytest
from sqlalchemy import select

from checkin.tables import forums, points, registrations, ticket_keys
from forumops_shared.db import readonly

from ..support.processes import service_worker
from ..support.relaying import relaying
from ..support.tiers import settings_on_kafka  # noqa: F401 - these tests run on the broker
from ..support.waiting import wait_until


@pytest.fixture
def checkin_db(settings_for, tmp_path, api):
    """The check-in worker running in its own process on the same topics as `api`'s relay."""
    with service_worker(settings_for("checkin"), tmp_path / "checkin-worker.log") as engine:
        yield engine


def rows(engine, table, **where):
    with readonly(engine).connect() as conn:
        stmt = select(table)
        for column, value in where.items():
            stmt = stmt.where(table.c[column] == value)
        return conn.execute(stmt).all()


def test_forums_points_keys_and_people_arrive_and_follow_every_change(api, reg_settings, checkin_db):
    slug = api.create_forum()
    api.put_point(slug, "HN-01", capacity=1, name="Bộ Giáo dục và Đào tạo")
    api.put_point(slug, "HP-01", capacity=50, province="Hải Phòng")
    a = api.register(slug, api.person("HN-01", full_name="Nguyễn Thị Ánh Tuyết")).json
    b = api.register(slug, api.person("HN-01", full_name="Trần Văn Đức")).json  # waits: one place
    c = api.register(slug, api.person(full_name="Lê Hoàng Phương")).json
    settings = api.context.settings
    with relaying(settings):
        # Forums and people travel on different topics: either may arrive first, so wait for both.
        wait_until(lambda: len(rows(checkin_db, registrations)) == 3 and len(rows(checkin_db, points)) == 2,
                   message="the forum's points and three people at check-in")
        [forum] = rows(checkin_db, forums)
        assert json.loads(forum.titles)["vi"] == "Diễn đàn Giáo dục 2026" and forum.online_min_minutes == 60
        assert {(p.code, p.capacity) for p in rows(checkin_db, points)} == {("HN-01", 1), ("HP-01", 50)}
        assert len(rows(checkin_db, ticket_keys, forum=slug)) == 1
        [seen_a] = rows(checkin_db, registrations, id=a["id"])
        assert (seen_a.full_name, seen_a.point, seen_a.status, seen_a.ticket_code) == (
            "Nguyễn Thị Ánh Tuyết", "HN-01", "confirmed", a["ticket"]["code"])

        # A moves (new ticket), B is promoted into the freed place, C cancels.
        moved = api.client.patch(f"/api/v1/registrations/{a['id']}", headers=api.as_holder(a["manage_token"]),
                                 json={"point": "HP-01"}).json
        api.client.delete(f"/api/v1/registrations/{c['id']}", headers=api.as_holder(c["manage_token"]))
        # Three people's events, keyed apart, may sit in different partitions: wait for all three.
        def settled():
            seen = {r.id: r for r in rows(checkin_db, registrations)}
            return (seen[c["id"]].status == "cancelled" and seen[b["id"]].status == "confirmed"
                    and seen[a["id"]].ticket_version == 2)
        wait_until(settled, message="the move, the promotion and the cancellation at check-in")
        [seen_a] = rows(checkin_db, registrations, id=a["id"])
        assert (seen_a.point, seen_a.ticket_code) == ("HP-01", moved["ticket"]["code"])

        # Erasure reaches check-in too: the name it shows at the door is gone.
        api.client.post(f"/api/v1/registrations/{b['id']}/erase", headers=api.as_holder(b["manage_token"]))
        wait_until(lambda: rows(checkin_db, registrations, id=b["id"])[0].erased, message="the erasure at check-in")
    [seen_b] = rows(checkin_db, registrations, id=b["id"])
    assert seen_b.full_name is None and seen_b.email_key is None and seen_b.status == "cancelled"
