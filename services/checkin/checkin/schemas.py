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
