"""HTTP payloads of the check-in API; unknown fields refused."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class DeviceSchema(StrictSchema):
    label = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ScanSchema(StrictSchema):
    ticket = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    scan_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scanned_at = fields.AwareDateTime(load_default=None, allow_none=True)


class OfflineScanSchema(StrictSchema):
    ticket = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    scan_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scanned_at = fields.AwareDateTime(required=True, metadata={"description": "When the door scanned it."})
    admitted = fields.Boolean(load_default=True, metadata={"description": "Did the offline door let the person in?"})


class BatchSchema(StrictSchema):
    scans = fields.List(fields.Nested(OfflineScanSchema), required=True,
                        validate=validate.Length(min=1, max=10_000))


class PageSchema(StrictSchema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    after = fields.Integer(load_default=0, validate=validate.Range(min=0),
                           metadata={"description": "The last id of the previous page."})
    point = fields.String(load_default=None, validate=validate.Length(max=64))


class StatsQuerySchema(StrictSchema):
    province = fields.String(load_default=None, validate=validate.Length(max=100))


class AttendanceImportQuerySchema(StrictSchema):
    day_first = fields.Boolean(load_default=False,
                               metadata={"description": "Dates are day/month/year (the report's locale)."})


# -- answers, for the OpenAPI document ---------------------------------------------------------

class DeviceOut(Schema):
    device_id = fields.String()
    token = fields.String(metadata={"description": "Shown only in this answer."})
    forum = fields.String()
    point = fields.String()


class ScanOut(Schema):
    scan_id = fields.String()
    outcome = fields.String(metadata={"description": "accepted | duplicate | rejected"})
    reason = fields.String()
    message = fields.Dict(keys=fields.String(), values=fields.String())
    known_to_checkin = fields.Boolean()
    registration = fields.Dict(allow_none=True)
    first = fields.Dict(allow_none=True)


class ScanResultOut(Schema):
    scan_id = fields.String()
    outcome = fields.String()
    reason = fields.String()
    registration_id = fields.String(allow_none=True)
    forced = fields.Boolean(metadata={"description": "Admitted offline although the service refuses the ticket."})
    conflict = fields.Boolean(metadata={"description": "The person was admitted at another point first."})


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


class StatsOut(Schema):
    forum = fields.String()
    total = fields.Nested(CountsOut, metadata={"description": "On site and online together."})
    onsite = fields.Nested(CountsOut)
    online = fields.Nested(CountsOut)
    points = fields.List(fields.Nested(PointStatsOut))
    as_of = fields.DateTime()


class AttendanceImportOut(Schema):
    rows = fields.Integer()
    format = fields.String(metadata={"description": "zoom | teams"})
    matched_rows = fields.Integer()
    unmatched = fields.List(fields.Dict(), metadata={"description": "{row, email, reason} per row not counted."})
    participants = fields.List(fields.Dict(), metadata={"description": "{registration_id, minutes, changed}."})
