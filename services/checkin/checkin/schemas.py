"""HTTP payloads of the check-in API; unknown fields refused."""
from __future__ import annotations

from datetime import datetime

from marshmallow import Schema, ValidationError, fields, validate

from forumops_shared.payloads import Moment, PointCode, StrictBoolean, StrictSchema, Text

from .domain.scans import DIRECTIONS


class DeviceSchema(StrictSchema):
    label = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ScanSchema(StrictSchema):
    ticket = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    scan_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scanned_at = Moment(load_default=None, allow_none=True)
    session = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "The session the scanner works in (a code); absent: for a check-in, the one session held "
                       "at this point running at the scan's time, else none; for a check-out, none (they left)."})
    direction = fields.String(load_default="in", validate=validate.OneOf(DIRECTIONS), metadata={
        "description": "in: a check-in (the default); out: a check-out, where the forum counts hours by them."})


class OfflineScanSchema(StrictSchema):
    ticket = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    scan_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scanned_at = Moment(required=True, metadata={"description": "When the door scanned it."})
    admitted = StrictBoolean(load_default=True, metadata={
        "description": "Did the offline door let the person in? (Not asked of a check-out.)"})
    session = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "The session the scanner worked in; absent: for a check-in, the one running at this point "
                       "then, else none; for a check-out, none."})
    direction = fields.String(load_default="in", validate=validate.OneOf(DIRECTIONS), metadata={
        "description": "in (the default) or out: a check-out."})


class OfflineScans(fields.List):
    """A list of OfflineScanSchema items, loaded fast: 10,000 nested loads take marshmallow a second.

    An item in the plain form (strings, an ISO time with its offset, a real boolean) is taken by
    `_plain` after the same checks; anything else goes through OfflineScanSchema itself, so the
    answers (values and error messages) are marshmallow's. A test holds the two paths equal."""

    _schema = OfflineScanSchema()
    _limits = {"ticket": 2000, "scan_id": 100}
    _keys = frozenset({"ticket", "scan_id", "scanned_at", "admitted", "session", "direction"})

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise ValidationError("Not a valid list.")
        loaded, errors = [], {}
        for index, item in enumerate(value):
            plain = self._plain(item)
            if plain is None:
                try:
                    plain = self._schema.load(item)
                except ValidationError as exc:
                    errors[index] = exc.messages
                    continue
            loaded.append(plain)
        if errors:
            raise ValidationError(errors)
        return loaded

    def _plain(self, item) -> dict | None:
        if not isinstance(item, dict) or not {"ticket", "scan_id", "scanned_at"} <= item.keys() <= self._keys:
            return None
        session = item.get("session")
        if session is not None and (not isinstance(session, str) or not 1 <= len(session) <= 64):
            return None
        for name, longest in self._limits.items():
            if not isinstance(item[name], str) or not 1 <= len(item[name]) <= longest:
                return None
        admitted, direction = item.get("admitted", True), item.get("direction", "in")
        if not isinstance(admitted, bool) or direction not in DIRECTIONS or not isinstance(item["scanned_at"], str):
            return None
        try:
            at = datetime.fromisoformat(item["scanned_at"])
        except ValueError:
            return None
        if at.tzinfo is None:
            return None
        return {"ticket": item["ticket"], "scan_id": item["scan_id"], "scanned_at": at, "admitted": admitted,
                "session": session, "direction": direction}


class BatchSchema(StrictSchema):
    scans = OfflineScans(fields.Nested(OfflineScanSchema), required=True, validate=validate.Length(min=1, max=10_000))


class PageSchema(StrictSchema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1),  # the ids' column type
                           metadata={"description": "The last id of the previous page."})
    point = PointCode(load_default=None)


class StatsQuerySchema(StrictSchema):
    province = fields.String(load_default=None, validate=validate.Length(max=100))


class AttendanceImportQuerySchema(StrictSchema):
    day_first = fields.Boolean(load_default=False,
                               metadata={"description": "Dates are day/month/year (the report's locale)."})
    session = fields.String(load_default=None, validate=validate.Length(min=1, max=64), metadata={
        "description": "The session the report is for; absent: the one its meeting's time window overlaps most."})


class HoursQuerySchema(StrictSchema):
    format = fields.String(load_default=None, validate=validate.OneOf(("json", "csv")),
                           metadata={"description": "csv: a file for training records (also by Accept: text/csv)."})


# -- answers, for the OpenAPI document ---------------------------------------------------------

class DeviceOut(Schema):
    device_id = fields.String()
    token = fields.String(metadata={"description": "Shown only in this answer."})
    forum = fields.String()
    point = fields.String()


class RosterEntryOut(Schema):
    id = fields.String()
    full_name = fields.String(allow_none=True)
    ticket_code = fields.String()
    status = fields.String()
    ticket_version = fields.Integer()
    arrived = fields.Boolean(metadata={"description": "Already checked in."})
    sessions = fields.List(fields.String(), metadata={"description": "Sessions the person holds a place in."})
    in_sessions = fields.List(fields.String(), metadata={"description": "Sessions the person is checked in to."})


class DeviceKitOut(Schema):
    device_id = fields.String()
    forum = fields.Dict(metadata={"description": "slug, title {vi, en}, doors_open_at, ends_at (keep the kit until then)"})
    point = fields.Dict(metadata={"description": "code, name, province"})
    keys = fields.Dict(keys=fields.String(), values=fields.String(),
                       metadata={"description": "Ed25519 public keys by key id (base64url)."})
    roster = fields.List(fields.Nested(RosterEntryOut), metadata={"description": "On-site registrations at this point."})
    reasons = fields.Dict(metadata={"description": "Each scan reason's text, {vi, en}."})
    sessions = fields.List(fields.Dict(), metadata={
        "description": "The programme: code, title {vi, en}, starts_at, ends_at, points (null: every point), signup, "
                       "walk_in."})
    as_of = fields.DateTime()


class ScanOut(Schema):
    scan_id = fields.String()
    outcome = fields.String(metadata={"description": "accepted | duplicate | rejected"})
    reason = fields.String()
    message = fields.Dict(keys=fields.String(), values=fields.String())
    known_to_checkin = fields.Boolean()
    registration = fields.Dict(allow_none=True)
    first = fields.Dict(allow_none=True, metadata={"description": "A duplicate: the first admission (into the "
                                                                  "session, for a scan for one)."})
    session = fields.String(allow_none=True, metadata={"description": "The session the scan was for; null: none."})
    not_signed_up = fields.Boolean(metadata={"description": "Admitted into a sign-up session without a place "
                                                            "(the session admits walk-ins): tell the person."})
    direction = fields.String(metadata={"description": "in | out (a check-out)"})


class ScanResultOut(Schema):
    scan_id = fields.String()
    outcome = fields.String()
    reason = fields.String()
    registration_id = fields.String(allow_none=True)
    forced = fields.Boolean(metadata={"description": "Admitted offline although the service refuses the ticket."})
    conflict = fields.Boolean(metadata={"description": "The person was admitted at another point first."})
    session = fields.String(allow_none=True)
    not_signed_up = fields.Boolean()
    direction = fields.String(metadata={"description": "in | out (a check-out)"})


class BatchOut(Schema):
    received = fields.Integer()
    recorded = fields.Integer()
    repeated = fields.Integer(metadata={"description": "scan_ids already recorded: nothing changed for them."})
    accepted = fields.Integer()
    duplicate = fields.Integer()
    rejected = fields.Integer()
    forced = fields.Integer()
    conflicts = fields.Integer()
    results = fields.List(fields.Nested(ScanResultOut))


class ConflictOut(Schema):
    id = fields.Integer()
    registration_id = fields.String()
    full_name = fields.String(allow_none=True)
    point = fields.String()
    scanned_at = fields.DateTime()
    first_point = fields.String()
    first_at = fields.DateTime()


class ConflictPageOut(Schema):
    conflicts = fields.List(fields.Nested(ConflictOut))
    next_after = fields.Integer(allow_none=True)


class CountsOut(Schema):
    registered = fields.Integer(metadata={"description": "Confirmed registrations."})
    waitlisted = fields.Integer()
    arrived = fields.Integer(metadata={"description": "Checked in (on site) or joined (online)."})


class PointStatsOut(CountsOut):
    code = fields.String()
    name = fields.String()
    province = fields.String()
    capacity = fields.Integer()


class SessionStatsOut(Schema):
    code = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    arrived = fields.Integer(metadata={"description": "People checked in to the session (on site)."})
    points = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "Of them, per point code (points with none left out)."})


class StatsOut(Schema):
    forum = fields.String()
    total = fields.Nested(CountsOut, metadata={"description": "On site and online together."})
    onsite = fields.Nested(CountsOut)
    online = fields.Nested(CountsOut)
    points = fields.List(fields.Nested(PointStatsOut))
    sessions = fields.List(fields.Nested(SessionStatsOut), metadata={"description": "The programme in start order."})
    as_of = fields.DateTime()


class AttendanceImportOut(Schema):
    rows = fields.Integer()
    format = fields.String(metadata={"description": "zoom | teams"})
    matched_rows = fields.Integer()
    unmatched = fields.List(fields.Dict(), metadata={"description": "{row, email, reason} per row not counted."})
    participants = fields.List(fields.Dict(), metadata={"description": "{registration_id, minutes, changed}."})
    session = fields.String(allow_none=True, metadata={"description": "The session the report's joins count for."})
    session_matched_by = fields.String(allow_none=True, metadata={
        "description": "named (the `session` asked) | time_window (the meeting's) | null (no session)."})


class SessionHoursOut(Schema):
    code = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    kind = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    participants = fields.Integer(metadata={"description": "People with a minute or more in it."})
    minutes = fields.Integer(metadata={"description": "Their minutes in it, together."})


class ParticipantHoursOut(Schema):
    registration_id = fields.String()
    full_name = fields.String(allow_none=True)
    ticket_code = fields.String(allow_none=True)
    sessions = fields.Dict(keys=fields.String(), values=fields.Integer(),
                           metadata={"description": "Minutes per session code (sessions with a minute or more)."})
    minutes = fields.Integer(metadata={"description": "The total: the sum of the sessions' minutes."})
    hours = fields.Float(metadata={"description": "minutes / 60, two decimals."})


class HoursOut(Schema):
    forum = fields.String()
    sessions = fields.List(fields.Nested(SessionHoursOut))
    participants = fields.List(fields.Nested(ParticipantHoursOut),
                               metadata={"description": "As last announced in checkin.hours-recorded.v1."})
