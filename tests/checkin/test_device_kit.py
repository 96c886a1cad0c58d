"""What a scanner keeps for offline decisions says until when it may keep it."""
from datetime import datetime, timedelta

from sqlalchemy import select

from checkin.tables import forums
from forumops_shared.db import as_utc


def test_the_kit_names_the_forums_end_so_the_phone_can_drop_the_roster_then(door):
    door.deliver()
    device = door.device()
    kit = door.client.get(f"/api/v1/forums/{door.slug}/points/HN-01/device",
                          headers={"Authorization": f"Bearer {device['token']}"})
    assert kit.status_code == 200
    with door.engine.connect() as conn:
        forum = conn.execute(select(forums.c.starts_at, forums.c.ends_at).where(forums.c.slug == door.slug)).one()
    ends_at = datetime.fromisoformat(kit.json["forum"]["ends_at"])
    doors_open_at = datetime.fromisoformat(kit.json["forum"]["doors_open_at"])
    assert ends_at.utcoffset() == timedelta(0) and ends_at == as_utc(forum.ends_at)  # an instant, not a local time
    assert doors_open_at.utcoffset() == timedelta(0) and doors_open_at < as_utc(forum.starts_at)
