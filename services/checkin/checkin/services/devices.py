"""Staff devices: enrolled for one point, known by a token shown once and stored hashed."""
from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Iterable

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import rows_for_keys
from forumops_shared.refusals import Refusal
from forumops_shared.tokens import hash_token

from ..tables import devices, forums, points


def enrol(conn: Connection, forum: str, point: str, label: str | None) -> tuple[str, str]:
    """A new device for `point`; returns its id and its token (the only time the token is shown)."""
    if conn.execute(select(points.c.code).where(points.c.forum == forum, points.c.code == point)).first() is None:
        raise Refusal("point_not_found")
    device_id, token = secrets.token_hex(16), secrets.token_urlsafe(32)
    conn.execute(devices.insert().values(id=device_id, forum=forum, point=point, label=label,
                                         token_hash=hash_token(token), created_at=datetime.now(timezone.utc)))
    return device_id, token


def revoke(conn: Connection, device_id: str) -> str | None:
    """Takes effect at once: every request checks the device, none caches it. The device's forum
    when this revoked it; None when it was revoked already."""
    done = conn.execute(update(devices).where(devices.c.id == device_id, devices.c.revoked_at.is_(None))
                        .values(revoked_at=datetime.now(timezone.utc)).returning(devices.c.forum)).first()
    if done is None and conn.execute(select(devices.c.id).where(devices.c.id == device_id)).first() is None:
        raise Refusal("device_not_found")
    return None if done is None else done.forum


# The forum's publication time comes along: scans use it to know their cached forum view is current.
_DEVICES = (select(devices, forums.c.published_at.label("forum_published_at"))
            .outerjoin(forums, forums.c.slug == devices.c.forum))
_BY_TOKEN = _DEVICES.where(devices.c.token_hash == bindparam("token_hash"))
_BY_TOKENS = _DEVICES.where(devices.c.token_hash.in_(bindparam("keys", expanding=True)))


def device_for(conn: Connection, token: str | None, forum: str, point: str) -> Row:
    """The device behind `token`, allowed here; 401 unknown or revoked, 403 another point."""
    device = conn.execute(_BY_TOKEN, {"token_hash": hash_token(token)}).first() if token else None
    return allowed(device, forum, point)


def by_token_hashes(conn: Connection, token_hashes: Iterable[str]) -> dict[str, Row]:
    """Devices by the hashes of their tokens, revoked ones included (`allowed` tells)."""
    return {row.token_hash: row for row in rows_for_keys(conn, _BY_TOKENS, token_hashes)}


def allowed(device: Row | None, forum: str, point: str) -> Row:
    """`device` if it may act at this point; 401 unknown or revoked, 403 another point."""
    if device is None:
        raise Refusal("unauthenticated")
    if device.revoked_at is not None:
        raise Refusal("device_revoked")
    if (device.forum, device.point) != (forum, point):
        raise Refusal("device_scope")
    return device
