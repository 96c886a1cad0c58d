"""Organisers' lists, exports, participant imports and key rotation."""
import csv
import io

import pytest
from sqlalchemy import event

from forumops_shared.events.registry import FORUM_PUBLISHED, PARTICIPANT_REGISTERED
from forumops_shared.tickets import unb64, verify
from registration.keys_cli import rotate_and_republish

from ..support.key_files import seeds_kept



@pytest.fixture
def forum(api):
    slug = api.create_forum()
    api.put_point(slug, "CT-01", capacity=3, province="Cần Thơ")
    api.put_point(slug, "CT-02", capacity=100, province="Cần Thơ")
    return slug


def teachers_csv(n: int, start: int = 0, point: str = "CT-02") -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["full_name", "email", "organisation", "role", "point"])
    for i in range(start, start + n):
        writer.writerow([f"Lê Thị Thu Hà {i}", f"giaovien{i}@sgd-cantho.edu.vn", "Sở GD&ĐT Cần Thơ", "Giáo viên", point])
    return out.getvalue()


def test_the_list_pages_in_order_and_filters_by_point_and_status(api, forum):
    people = [api.register(forum, api.person("CT-01")).json for _ in range(5)]
    first = api.client.get(f"/api/v1/forums/{forum}/registrations?limit=2", headers=api.admin).json
    second = api.client.get(f"/api/v1/forums/{forum}/registrations?limit=2&cursor={first['next_cursor']}",
                            headers=api.admin).json
    assert [r["id"] for r in first["items"] + second["items"]] == [p["id"] for p in people[:4]]
    waiting = api.client.get(f"/api/v1/forums/{forum}/registrations?status=waitlisted&point=CT-01",
                             headers=api.admin).json
    assert [r["id"] for r in waiting["items"]] == [p["id"] for p in people[3:]] and waiting["next_cursor"] is None
    bad = api.client.get(f"/api/v1/forums/{forum}/registrations?cursor=%%%", headers=api.admin)
    assert bad.status_code == 422 and bad.json["reason"] == "invalid_cursor"
    unknown = api.client.get(f"/api/v1/forums/{forum}/registrations?sort=name", headers=api.admin)
    assert unknown.status_code == 422 and "sort" in unknown.json["errors"]


def test_the_export_is_a_csv_with_every_registration_exact_and_formula_safe(api, forum):
    api.register(forum, api.person("CT-01", full_name="Phạm Thị Ngọc Ánh"))
    api.register(forum, api.person(full_name="=HYPERLINK(\"x\")"))
    response = api.client.get(f"/api/v1/forums/{forum}/registrations/export", headers=api.admin)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["full_name"] for r in rows] == ["Phạm Thị Ngọc Ánh", "'=HYPERLINK(\"x\")"]
    assert rows[0]["point"] == "CT-01" and rows[1]["attendance"] == "online"


def test_a_department_imports_its_teachers_and_a_reupload_creates_nothing(api, forum):
    text = teachers_csv(40) + "Không có email,,Sở,Giáo viên,CT-02\nSai điểm,x@y.vn,Sở,Giáo viên,ZZ-99\n"
    first = api.client.post(f"/api/v1/forums/{forum}/registrations/import", headers=api.admin,
                            data=text.encode(), content_type="text/csv").json
    assert (first["created"], first["existing"], first["refused"]) == (40, 0, 2)
    refused = [r for r in first["rows"] if r["outcome"] == "refused"]
    assert [(r["line"], r["reason"]) for r in refused] == [(42, "validation_failed"), (43, "unknown_point")]
    again = api.client.post(f"/api/v1/forums/{forum}/registrations/import", headers=api.admin,
                            data=text.encode(), content_type="text/csv").json
    assert (again["created"], again["existing"]) == (0, 40)
    assert len(api.events(PARTICIPANT_REGISTERED)) == 40


def test_an_import_stores_its_rows_together_with_places_in_order_and_a_repeated_email_once(api, forum):
    text = teachers_csv(4, point="CT-01") + "Lê Thị Thu Hà 0,GIAOVIEN0@sgd-cantho.edu.vn,Sở,Giáo viên,CT-01\n"
    commits = []
    event.listen(api.context.engine, "commit", lambda conn: commits.append(1))
    report = api.client.post(f"/api/v1/forums/{forum}/registrations/import", headers=api.admin,
                             data=text.encode(), content_type="text/csv").json
    assert (report["created"], report["existing"], len(commits)) == (4, 1, 1)
    rows = report["rows"]
    # CT-01 holds three places: the fourth row waits, in file order; the last row is the first one again.
    assert [(r["outcome"], r["status"]) for r in rows] == [("created", "confirmed")] * 3 + [
        ("created", "waitlisted"), ("existing", "confirmed")]
    assert (rows[4]["id"], rows[4]["ticket_code"]) == (rows[0]["id"], rows[0]["ticket_code"])
    assert len(api.events(PARTICIPANT_REGISTERED)) == 4
    listed = api.client.get(f"/api/v1/forums/{forum}/registrations", headers=api.admin).json["items"]
    assert sorted((r["id"], r["status"]) for r in listed) == sorted((r["id"], r["status"]) for r in rows[:4])


def test_an_import_whose_email_was_registered_meanwhile_stores_each_row_alone(api, forum):
    """What a registration committing between the import's look-up and its store does (on PostgreSQL):
    the batch fails on the email's index and each row is then stored or found on its own."""
    from registration.services import imports
    from registration.services.forums import get_forum
    from registration.services.registrations import points_of, prepare

    taken = api.register(forum, api.person("CT-02", email="giaovien1@sgd-cantho.edu.vn")).json
    with api.context.engine.begin() as conn:
        row = get_forum(conn, forum)
        drafts = [({"line": n + 2}, prepare(points_of(conn, row), row, {
            "full_name": f"Lê Thị Thu Hà {n}", "email": f"giaovien{n}@sgd-cantho.edu.vn", "attendance": "onsite",
            "point": "CT-02", "language": "vi", "consent": True}, api.context.keys.active(), consent_version="v1",
            consent_source="organiser_import")) for n in range(3)]
        imports._store(conn, row, drafts)
    assert [(entry["outcome"], entry["id"] == taken["id"]) for entry, _ in drafts] == [
        ("created", False), ("existing", True), ("created", False)]
    assert len(api.events(PARTICIPANT_REGISTERED)) == 3


def test_rotating_the_key_republishes_forums_and_old_tickets_still_verify(api, forum):
    old = api.register(forum, api.person("CT-02")).json
    new_kid = rotate_and_republish(api.engine, api.context.keys.seeds)
    api.context.keys.refresh_s = 0  # this process re-reads the key now
    new = api.register(forum, api.person("CT-02")).json
    keys = {k["kid"]: unb64(k["public_key"]) for k in api.events(FORUM_PUBLISHED)[-1].data["ticket_keys"]}
    assert len(keys) == 2 and new_kid in keys
    assert verify(old["ticket"]["qr_payload"], keys).registration_id == old["id"]
    assert verify(new["ticket"]["qr_payload"], keys).registration_id == new["id"]
    assert new["ticket"]["qr_payload"].split(".")[1] != old["ticket"]["qr_payload"].split(".")[1]


def test_stored_idempotency_answers_are_purged_after_a_day(api, forum):
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import select, update

    from registration.tables import idempotency_keys
    from registration.services.idempotency import purge_expired_answers

    api.register(forum, api.person(), headers={"Idempotency-Key": "old"})
    api.register(forum, api.person(), headers={"Idempotency-Key": "new"})
    with api.engine.begin() as conn:
        conn.execute(update(idempotency_keys).where(idempotency_keys.c.key == "old")
                     .values(created_at=datetime.now(timezone.utc) - timedelta(hours=25)))
    purge_expired_answers(api.engine)
    with api.engine.connect() as conn:
        keys = conn.execute(select(idempotency_keys.c.key)).scalars().all()
    assert keys == ["new"]


def test_processes_starting_together_agree_on_one_signing_key(reg_settings, monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import func, select

    from forumops_shared.db import make_engine
    from forumops_shared import signing_keys as keys
    from forumops_shared.key_files import KeyFile
    from registration.tables import ticket_keys

    settings = reg_settings()
    seeds = KeyFile(settings.var_dir / "keys" / "registration-signing-keys.json")
    engines = [make_engine(settings.database_url) for _ in range(8)]  # as if eight processes
    # The worst interleaving, made certain: all eight see "no key yet" before any of them writes.
    barrier, first_look, seen = threading.Barrier(8), keys._active, threading.local()

    def look_then_wait(engine, table):
        row = first_look(engine, table)
        if not getattr(seen, "done", False):
            seen.done = True
            barrier.wait(timeout=30)
        return row

    monkeypatch.setattr(keys, "_active", look_then_wait)
    with ThreadPoolExecutor(max_workers=8) as pool:
        kids = set(pool.map(lambda engine: keys.ensure_signing_key(engine, ticket_keys, seeds, None).kid, engines))
    with engines[0].connect() as conn:
        active = conn.execute(select(func.count()).select_from(ticket_keys).where(ticket_keys.c.active.is_(True))).scalar_one()
    for engine in engines:
        engine.dispose()
    assert len(kids) == 1 and active == 1
    assert seeds_kept(seeds.path) == kids  # the losers took their seeds back out of the file
