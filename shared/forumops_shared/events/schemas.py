"""Data schemas of the v1 event types. Consumers ignore unknown fields (EXCLUDE)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

ATTENDANCE_MODES = ("onsite", "online")
LANGUAGES = ("vi", "en")
REGISTRATION_STATUSES = ("confirmed", "waitlisted", "cancelled")


class EventData(Schema):
    class Meta:
        unknown = EXCLUDE


def _text(required: bool = True, max_len: int = 500, **kw) -> fields.String:
    return fields.String(required=required, validate=validate.Length(max=max_len), **kw)


class CertificateRule(EventData):
    onsite_checkin = fields.Boolean(required=True)
    online_min_minutes = fields.Integer(required=True, validate=validate.Range(min=0))


class Point(EventData):
    code = _text(max_len=64)
    name = _text()
    province = _text(max_len=100)
    capacity = fields.Integer(required=True, validate=validate.Range(min=0))


class TicketKey(EventData):
    kid = _text(max_len=64)
    alg = fields.String(required=True, validate=validate.Equal("Ed25519"))
    public_key = _text(max_len=128)  # raw 32-byte key, base64url without padding


class ForumPublished(EventData):
    slug = _text(max_len=100)
    title = fields.Dict(keys=fields.String(validate=validate.OneOf(LANGUAGES)),
                        values=fields.String(), required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    timezone = _text(max_len=64)
    online_url = fields.Url(required=False, allow_none=True)
    languages = fields.List(fields.String(validate=validate.OneOf(LANGUAGES)), required=True)
    certificate_rule = fields.Nested(CertificateRule, required=True)
    points = fields.List(fields.Nested(Point), required=True)
    ticket_keys = fields.List(fields.Nested(TicketKey), required=True)
    published_at = fields.AwareDateTime(required=True)


class Registration(EventData):
    """The state of one registration; personal fields travel only in these events."""

    registration_id = _text(max_len=64)
    forum = _text(max_len=100)
    status = fields.String(required=True, validate=validate.OneOf(REGISTRATION_STATUSES))
    attendance = fields.String(required=True, validate=validate.OneOf(ATTENDANCE_MODES))
    point = _text(required=False, max_len=64, allow_none=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    full_name = _text()
    email = fields.Email(required=True)
    phone = _text(required=False, max_len=40, allow_none=True)
    organisation = _text(required=False, allow_none=True)
    role = _text(required=False, max_len=200, allow_none=True)
    ticket_code = _text(max_len=32)
    ticket_version = fields.Integer(required=True, validate=validate.Range(min=1))
    # SHA-256 of the participant's manage token (not the token): lets check-in admit their online join.
    manage_token_hash = _text(required=False, max_len=64, allow_none=True)
    occurred_at = fields.AwareDateTime(required=True)


class ParticipantRegistered(Registration):
    pass


class RegistrationChanged(Registration):
    changed = fields.List(fields.String(), required=True)


class RegistrationCancelled(EventData):
    registration_id = _text(max_len=64)
    forum = _text(max_len=100)
    occurred_at = fields.AwareDateTime(required=True)


class PersonalDataErased(RegistrationCancelled):
    pass


class ParticipantCheckedIn(EventData):
    checkin_id = _text(max_len=64)
    registration_id = _text(max_len=64)
    forum = _text(max_len=100)
    mode = fields.String(required=True, validate=validate.OneOf(ATTENDANCE_MODES))
    point = _text(required=False, max_len=64, allow_none=True)
    checked_in_at = fields.AwareDateTime(required=True)
    forced = fields.Boolean(required=True)
    source = fields.String(required=True, validate=validate.OneOf(("scan", "offline_batch", "online_join")))


class OnlineAttendanceRecorded(EventData):
    registration_id = _text(max_len=64)
    forum = _text(max_len=100)
    minutes = fields.Integer(required=True, validate=validate.Range(min=0))
    source = _text(max_len=40)
    recorded_at = fields.AwareDateTime(required=True)


class CertificateIssued(EventData):
    serial = _text(max_len=32)
    kind = fields.String(required=True, validate=validate.OneOf(("attendance", "award")))
    forum = _text(max_len=100)
    registration_id = _text(required=False, max_len=64, allow_none=True)
    award_id = _text(required=False, max_len=64, allow_none=True)
    issued_at = fields.AwareDateTime(required=True)


class CertificateRevoked(EventData):
    serial = _text(max_len=32)
    forum = _text(max_len=100)
    reason = _text(max_len=1000)
    revoked_at = fields.AwareDateTime(required=True)
