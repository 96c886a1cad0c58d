"""The check-in API: devices, scans, offline batches, online attendance, stats and conflicts."""
from __future__ import annotations

import contextlib

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from forumops_shared import audit
from forumops_shared.audit import ORGANISER
from forumops_shared.http import bearer_token, csv_download, json_body, query_args, refuse_caller, uploaded_file
from forumops_shared.refusals import Refusal
from forumops_shared.tokens import hash_token

from .. import schemas as s
from ..services import batches, devices, hours_export, kits, online, overview, scans
from .context import ctx

bp = Blueprint("checkin", __name__, url_prefix="/api/v1")
_device, _scan, _batch = s.DeviceSchema(), s.ScanSchema(), s.BatchSchema()
_page, _stats_query, _import_query = s.PageSchema(), s.StatsQuerySchema(), s.AttendanceImportQuerySchema()
_hours_query = s.HoursQuerySchema()
_audit_query = audit.AuditQuerySchema()


def _require_admin() -> None:
    ctx().require_organiser()


@contextlib.contextmanager
def _the_one_rule(token: str | None):
    """A use case refusing a token it does not know (`unauthenticated`): 401 still when the token
    is valid nowhere here, 403 when it is another party's (http.refuse_caller)."""
    try:
        yield
    except Refusal as refusal:
        if refusal.reason != "unauthenticated" or token is None:
            raise
        refuse_caller(token, ctx().recognises)


def _device_here(conn, slug: str, code: str):
    """The calling device, allowed at this point, within its rate limit."""
    token = bearer_token()
    with _the_one_rule(token):
        device = devices.device_for(conn, token, slug, code)
    ctx().device_limit.check(device.id)
    return device


# -- organisers: devices ---------------------------------------------------------------------

@bp.post("/forums/<slug>/points/<code>/devices")
def enrol_device(slug: str, code: str):
    """Organiser: a staff device for one point; its token is shown only in this answer."""
    _require_admin()
    data = json_body(_device, limit=ctx().config.json_body_limit)
    with ctx().write() as conn:
        device_id, token = devices.enrol(conn, slug, code, data["label"])
        audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action="device.enrolled", object_kind="device",
                     object_id=device_id, forum=slug, detail={"point": code})
    return jsonify({"device_id": device_id, "token": token, "forum": slug, "point": code}), 201


@bp.post("/devices/<device_id>/revoke")
def revoke_device(device_id: str):
    """Organiser: the device's token stops working at once."""
    _require_admin()
    with ctx().write() as conn:
        forum = devices.revoke(conn, device_id)
        if forum is not None:
            audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action="device.revoked", object_kind="device",
                         object_id=device_id, forum=forum)
    return jsonify({"device_id": device_id, "revoked": True})


# -- devices: scans ----------------------------------------------------------------------------

@bp.get("/forums/<slug>/points/<code>/device")
def device_kit(slug: str, code: str):
    """Device: what the scanner needs to decide offline — keys, doors' opening, its point's roster."""
    with ctx().read() as conn:
        return jsonify(kits.kit(conn, _device_here(conn, slug, code)))


@bp.post("/forums/<slug>/points/<code>/checkins")
def check_in(slug: str, code: str):
    """Device: one scan (QR payload or typed code); the outcome is in the answer."""
    token = bearer_token()
    if token is None:  # before the body, as on every path; a wrong token is told with the scan's read
        raise Refusal("unauthenticated")
    data = json_body(_scan, limit=ctx().config.json_body_limit)
    command = scans.ScanCommand(data["ticket"], data["scan_id"], data["scanned_at"], data["session"], data["direction"])
    request = scans.ScanRequest(hash_token(token), slug, code, command, scans.read_ahead(slug, data["ticket"]))
    # The device checked, the person read and the scan recorded together with other doors' scans
    # arriving meanwhile: one short transaction of a few statements (GroupCommit).
    outcome = ctx().scans.run(request)
    if isinstance(outcome, Refusal):
        with _the_one_rule(token):
            raise outcome
    return jsonify(outcome)


@bp.post("/forums/<slug>/points/<code>/checkins/batch")
def check_in_batch(slug: str, code: str):
    """Device: scans made offline, each with its own time; a re-upload changes nothing."""
    token = bearer_token()
    with _the_one_rule(token), ctx().read() as conn:  # before reading up to 8 MB for a stranger
        devices.device_for(conn, token, slug, code)
    data = json_body(_batch, limit=ctx().config.upload_body_limit)
    batch = [batches.OfflineScan(**item) for item in data["scans"]]

    def upload():
        with ctx().write() as conn:
            return jsonify(batches.upload(conn, _device_here(conn, slug, code), batch))
    try:
        return upload()
    except IntegrityError:  # a concurrent upload of the same scans committed first: now they are stored
        return upload()


# -- online attendance -------------------------------------------------------------------------

@bp.post("/forums/<slug>/online/join")
def join_online(slug: str):
    """Participant (manage token): an online check-in; the answer holds the meeting URL to open."""
    ctx().join_limit.check()
    token = bearer_token()
    with _the_one_rule(token), ctx().write() as conn:
        return jsonify(online.join(conn, slug, token))


@bp.post("/forums/<slug>/online/attendance/import")
def import_attendance(slug: str):
    """Organiser: a Zoom or Teams attendance report; minutes per participant, unmatched rows listed."""
    _require_admin()
    query = query_args(_import_query)
    raw = uploaded_file(limit=ctx().config.upload_body_limit)
    with ctx().write() as conn:
        report = online.import_report(conn, slug, raw, day_first=query["day_first"], session=query["session"])
        audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action="attendance.imported", object_kind="forum",
                     object_id=slug, forum=slug, count=report["rows"],
                     detail={"format": report["format"], "matched_rows": report["matched_rows"],
                             "unmatched_rows": len(report["unmatched"]), "session": report["session"]})
    return jsonify(report)


# -- organisers: what is happening -------------------------------------------------------------

@bp.get("/forums/<slug>/stats")
def forum_stats(slug: str):
    """Organiser: registered, waitlisted and arrived per point, on site, online and in total.

    Each process answers from what it computed within the last CHECKIN_STATS_MAX_AGE seconds
    (`as_of` says when): dashboards refresh every few seconds, and 600 points are then read
    about once a second however many dashboards watch."""
    _require_admin()
    query = query_args(_stats_query)

    def compute() -> str:
        with ctx().read() as conn:
            return current_app.json.dumps(overview.stats(conn, slug, query["province"], ctx().clock.now()))
    body = ctx().stats.get((slug, query["province"]), compute)
    return current_app.response_class(body, mimetype="application/json")


@bp.get("/forums/<slug>/hours")
def forum_hours(slug: str):
    """Organiser: minutes per session and hours per participant, as announced; JSON, or CSV
    (`?format=csv`, or Accept: text/csv) for training records."""
    _require_admin()
    query = query_args(_hours_query)
    with ctx().read() as conn:
        found = hours_export.report(conn, slug)
    wants_csv = query["format"] == "csv" or (query["format"] is None and request.accept_mimetypes.best_match(
        ["application/json", "text/csv"]) == "text/csv")
    if wants_csv:
        return csv_download(f"{slug}-hours.csv", hours_export.csv_columns(found), hours_export.csv_rows(found))
    return jsonify(found)


@bp.get("/forums/<slug>/audit")
def forum_audit(slug: str):
    """Organiser: who enrolled or revoked which device, imported attendance, and erasures here (ids only)."""
    _require_admin()
    query = query_args(_audit_query)
    with ctx().read() as conn:
        return jsonify(audit.page(conn, slug, **query))


@bp.get("/forums/<slug>/conflicts")
def forum_conflicts(slug: str):
    """Organiser: people admitted at two points by offline doors, a page at a time."""
    _require_admin()
    query = query_args(_page)
    with ctx().read() as conn:
        return jsonify(overview.list_conflicts(conn, slug, **query))
