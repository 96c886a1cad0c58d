"""Data schemas of the v1 event types. Consumers ignore unknown fields (EXCLUDE)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

ATTENDANCE_MODES = ("onsite", "online")
AWARDEE_KINDS = ("unit", "person")
LANGUAGES = ("vi", "en")
REGISTRATION_STATUSES = ("confirmed", "waitlisted", "cancelled")
SESSION_KINDS = ("plenary", "workshop", "ceremony", "other")
WALK_IN = ("admit", "refuse")  # what the door does with a participant not signed up for a session


class EventData(Schema):
    class Meta:
        unknown = EXCLUDE


def _text(required: bool = True, max_len: int = 500, **kw) -> fields.String:
    return fields.String(required=required, validate=validate.Length(max=max_len), **kw)


class CertificateRule(EventData):
    onsite_checkin = fields.Boolean(required=True)
    online_min_minutes = fields.Integer(required=True, validate=validate.Range(min=0))
    # The hours rule (added later, so optional): when min_hours or required_sessions is set it
    # decides instead of the two above, by checkin.hours-recorded.v1; the printed total is rounded
    # down to hours_step_minutes (null: 30).
    min_hours = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0))
    required_sessions = fields.List(fields.String(validate=validate.Length(max=64)), load_default=list)
    hours_step_minutes = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1))


class Point(EventData):
    code = _text(max_len=64)
    name = _text()
    province = _text(max_len=100)
    capacity = fields.Integer(required=True, validate=validate.Range(min=0))


class TicketKey(EventData):
    kid = _text(max_len=64)
    alg = fields.String(required=True, validate=validate.Equal("Ed25519"))
    public_key = _text(max_len=128)  # raw 32-byte key, base64url without padding


class Session(EventData):
    """One session of the forum's programme (registration owns them)."""
    code = _text(max_len=64)
    title = fields.Dict(keys=fields.String(validate=validate.OneOf(LANGUAGES)),
                        values=fields.String(), required=True)
    kind = fields.String(required=True, validate=validate.OneOf(SESSION_KINDS))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    points = fields.List(fields.String(validate=validate.Length(max=64)), required=True, allow_none=True)  # None: every point
    online_url = fields.Url(required=False, allow_none=True, load_default=None)
    capacity = fields.Integer(required=True, allow_none=True, validate=validate.Range(min=1))
    signup = fields.Boolean(required=True)
    walk_in = fields.String(required=True, validate=validate.OneOf(WALK_IN))


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
    # The programme, in start order; added later, so optional (an older event has none).
    sessions = fields.List(fields.Nested(Session), load_default=list)


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
    # Codes of the sessions the person holds a confirmed sign-up for (added later: optional).
    sessions = fields.List(fields.String(validate=validate.Length(max=64)), load_default=list)


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
    # The session the scan admitted the person into (added later: optional); None: no session.
    session = _text(required=False, max_len=64, allow_none=True, load_default=None)


class OnlineAttendanceRecorded(EventData):
    registration_id = _text(max_len=64)
    forum = _text(max_len=100)
    minutes = fields.Integer(required=True, validate=validate.Range(min=0))
    source = _text(max_len=40)
    recorded_at = fields.AwareDateTime(required=True)


class SessionTime(EventData):
    code = _text(max_len=64)
    minutes = fields.Integer(required=True, validate=validate.Range(min=0))


class HoursRecorded(EventData):
    """A participant's attended time per session, whole: the latest (by recorded_at) replaces the rest."""
    registration_id = _text(max_len=64)
    forum = _text(max_len=100)
    sessions = fields.List(fields.Nested(SessionTime), required=True)  # those with a minute or more
    minutes = fields.Integer(required=True, validate=validate.Range(min=0))  # the total: their sum
    recorded_at = fields.AwareDateTime(required=True)


class CertificateIssued(EventData):
    serial = _text(max_len=32)
    kind = fields.String(required=True, validate=validate.OneOf(("attendance", "award")))
    forum = _text(max_len=100)
    registration_id = _text(required=False, max_len=64, allow_none=True)
    award_id = _text(required=False, max_len=64, allow_none=True)
    # An award issued for an awards programme's results: which programme and which application.
    programme = _text(required=False, max_len=100, allow_none=True)
    application_id = _text(required=False, max_len=64, allow_none=True)
    issued_at = fields.AwareDateTime(required=True)


class CertificateRevoked(EventData):
    serial = _text(max_len=32)
    forum = _text(max_len=100)
    reason = _text(max_len=1000)
    revoked_at = fields.AwareDateTime(required=True)


def _titles() -> fields.Dict:
    return fields.Dict(keys=fields.String(validate=validate.OneOf(LANGUAGES)),
                       values=fields.String(validate=validate.Length(max=500)), required=True)


class Programme(EventData):
    slug = _text(max_len=100)
    title = _titles()
    forum = _text(max_len=100, allow_none=True)  # the forum where the awards are given, if any


class ResultCategory(EventData):
    code = _text(max_len=64)
    name = _titles()
    awards = fields.Integer(required=True, validate=validate.Range(min=0))


class Winner(EventData):
    """One honoured application: the name is public by nature, the email is personal data."""

    application_id = _text(max_len=64)
    category = _text(max_len=64)
    kind = fields.String(required=True, validate=validate.OneOf(AWARDEE_KINDS))
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    organisation = _text(allow_none=True)
    province = _text(max_len=100, allow_none=True)
    email = fields.Email(required=True, allow_none=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))


class ResultsPublished(EventData):
    """A programme's whole list of winners as published; a correction republishes it whole with
    the next version and its reason, so a consumer needs only the latest version."""

    programme = fields.Nested(Programme, required=True)
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    published_at = fields.AwareDateTime(required=True)
    categories = fields.List(fields.Nested(ResultCategory), required=True)
    winners = fields.List(fields.Nested(Winner), required=True)
    correction_reason = fields.String(required=True, allow_none=True, validate=validate.Length(min=1, max=1000))

    @validates_schema
    def _consistent(self, data: dict, **_) -> None:
        codes = [c["code"] for c in data.get("categories", [])]
        if len(set(codes)) != len(codes):
            raise ValidationError("category codes repeat", "categories")
        ids = [w["application_id"] for w in data.get("winners", [])]
        if len(set(ids)) != len(ids):
            raise ValidationError("an application wins once", "winners")
        if any(w["category"] not in codes for w in data.get("winners", [])):
            raise ValidationError("a winner's category is not among the categories", "winners")
        if data.get("version", 1) > 1 and not data.get("correction_reason"):
            raise ValidationError("a correction (version above 1) says why", "correction_reason")
