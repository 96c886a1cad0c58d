"""Devices and scans."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from forumops_shared.db import write_transaction
from forumops_shared.http import Refusal, bearer_token, json_body, tokens_equal

from ..schemas import DeviceSchema, ScanSchema
from ..services import devices, scans

bp = Blueprint("checkin", __name__, url_prefix="/api/v1")
_device_schema, _scan_schema = DeviceSchema(), ScanSchema()


def _engine():
    return current_app.extensions["forumops"]["engine"]


def _body(schema):
    return json_body(schema, limit=current_app.extensions["checkin"].json_body_limit)


def _require_admin() -> None:
    token = bearer_token()
    if token is None:
        raise Refusal("unauthenticated")
    if not tokens_equal(token, current_app.extensions["checkin"].admin_token):
        raise Refusal("forbidden")


@bp.post("/forums/<slug>/points/<code>/devices")
def enrol_device(slug: str, code: str):
    """Organiser: a staff device for one point; its token is shown only in this answer."""
    _require_admin()
    data = _body(_device_schema)
    with write_transaction(_engine()) as conn:
        device_id, token = devices.enrol(conn, slug, code, data["label"])
    return jsonify({"device_id": device_id, "token": token, "forum": slug, "point": code}), 201


@bp.post("/devices/<device_id>/revoke")
def revoke_device(device_id: str):
    """Organiser: the device's token stops working at once."""
    _require_admin()
    with write_transaction(_engine()) as conn:
        devices.revoke(conn, device_id)
    return jsonify({"device_id": device_id, "revoked": True})


@bp.post("/forums/<slug>/points/<code>/checkins")
def check_in(slug: str, code: str):
    """Device: one scan (QR payload or typed code); the outcome is in the answer."""
    data = _body(_scan_schema)
    with write_transaction(_engine()) as conn:
        device = devices.device_for(conn, bearer_token(), slug, code)
        body = scans.scan(conn, device, scans.ScanCommand(data["ticket"], data["scan_id"], data["scanned_at"]))
    return jsonify(body)
