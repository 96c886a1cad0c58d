"""HTTP payloads: one schema per shape, unknown fields refused, text NFC-normalised and trimmed."""
from __future__ import annotations

from zoneinfo import available_timezones

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from forumops_shared.events.schemas import ATTENDANCE_MODES, LANGUAGES, SESSION_KINDS, WALK_IN
from forumops_shared.payloads import (
    EmailAddress, LongText, Moment, Name, PointCode, StrictBoolean, StrictInteger, StrictSchema, Text,
)


SLUG = validate.Regexp(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$",
                       error="Lower-case letters, digits and dashes, 1 to 100 characters.")
PHONE = validate.Regexp(r"^\+?[0-9][0-9 ().-]{5,24}$", error="Not a phone number.")


def _valid_timezone(name: str) -> None:
    """An IANA zone by its name: not a file that happens to lie in the zone folder ("localtime",
    which is whatever the host is set to)."""
    if name not in _IANA_ZONES:
        raise ValidationError("Not an IANA time zone, e.g. Asia/Ho_Chi_Minh.")


_IANA_ZONES = frozenset(available_timezones()) - {"localtime", "Factory"}


class Title(fields.Field):
    """A title per language, {"vi": ..., "en": ...}, or a plain string: the title in the forum's
    first language (domain/forums.py)."""

    _per_language = fields.Dict(keys=fields.String(validate=validate.OneOf(LANGUAGES)),
                                values=Text(validate=validate.Length(min=1, max=300)),
                                validate=validate.Length(min=1))
    _plain = Text(validate=validate.Length(min=1, max=300))

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            return self._plain.deserialize(value, attr, data, **kwargs)
        return self._per_language.deserialize(value, attr, data, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return value


TITLE_DOC = {"oneOf": [{"type": "string", "minLength": 1, "maxLength": 300},
                       {"type": "object", "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 300},
                        "minProperties": 1}]}


class Hours(fields.Float):
    """A JSON number of hours: "6" and true are refused, not read as 6 or 1."""

    def _validated(self, value):
        if isinstance(value, (bool, str)):
            raise self.make_error("invalid")
        return super()._validated(value)


HOURS_STEPS = (1, 5, 10, 15, 20, 30, 60)  # minutes the printed total is rounded down to


def _distinct(codes: list[str]) -> None:
    if len(set(codes)) != len(codes):
        raise ValidationError("Each code once.")


class CertificateRuleSchema(StrictSchema):
    onsite_checkin = StrictBoolean(required=True)
    online_min_minutes = StrictInteger(required=True, validate=validate.Range(min=0, max=24 * 60))
    # The hours rule: with min_hours or required_sessions set, certificates decide by the time
    # attended per session instead of the two parts above (certificates/domain/rules.py).
    min_hours = Hours(load_default=None, allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=1000),
                      metadata={"description": "Hours attended (sessions' minutes) a certificate needs; null: none."})
    required_sessions = fields.List(PointCode(), load_default=list, validate=[validate.Length(max=100), _distinct],
        metadata={"description": "Session codes a certificate needs attended (four fifths of each)."})
    hours_step_minutes = StrictInteger(load_default=None, allow_none=True, validate=validate.OneOf(HOURS_STEPS),
                                       metadata={"description": "The printed total is rounded down to this many "
                                                                "minutes; null: 30."})


class ForumSchema(StrictSchema):
    slug = fields.String(required=True, validate=SLUG)
    title = Title(required=True, metadata=TITLE_DOC)
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    timezone = fields.String(required=True, validate=_valid_timezone)
    online_url = fields.Url(schemes={"http", "https"}, allow_none=True, load_default=None)
    certificate_rule = fields.Nested(CertificateRuleSchema, required=True)
    languages = fields.List(fields.String(validate=validate.OneOf(LANGUAGES)),
                            validate=validate.Length(min=1, max=2), load_default=lambda: ["vi", "en"])

    @validates_schema
    def _ends_after_start(self, data, **_kwargs):
        if "starts_at" in data and "ends_at" in data and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("Must be after starts_at.", "ends_at")


class ForumChangeSchema(ForumSchema):
    """Any forum field but the slug; only the fields sent change."""

    class Meta:
        unknown = RAISE
        exclude = ("slug",)


class PointSchema(StrictSchema):
    name = Text(required=True, validate=validate.Length(min=1, max=300))
    province = Text(required=True, validate=validate.Length(min=1, max=100))
    capacity = StrictInteger(required=True, validate=validate.Range(min=0, max=1_000_000))


class PointRowSchema(PointSchema):
    """A row of a points CSV: the capacity is a cell's text, "120"."""
    capacity = fields.Integer(required=True, validate=validate.Range(min=0, max=1_000_000))


class SessionSchema(StrictSchema):
    """A session of the forum's programme (PUT /forums/{slug}/sessions/{code}: create or replace)."""
    title = Title(required=True, metadata=TITLE_DOC)
    kind = fields.String(required=True, validate=validate.OneOf(SESSION_KINDS))
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    points = fields.List(PointCode(), allow_none=True, load_default=None,
                         validate=validate.Length(min=1, max=1000),
                         metadata={"description": "Point codes where it is held; null: every point."})
    online_url = fields.Url(schemes={"https"}, allow_none=True, load_default=None)
    capacity = StrictInteger(allow_none=True, load_default=None, validate=validate.Range(min=1, max=1_000_000),
                             metadata={"description": "Places for sign-ups; null: no limit."})
    signup = StrictBoolean(load_default=False,
                           metadata={"description": "Participants sign up; full sessions waitlist."})
    walk_in = fields.String(load_default="admit", validate=validate.OneOf(WALK_IN),
                            metadata={"description": "What the door does with someone not signed up."})


class SignupSchema(StrictSchema):
    """The sessions a participant signs up for: the whole set, replacing the one before."""
    codes = fields.List(PointCode(), required=True, validate=validate.Length(max=100))


class RegistrationSchema(StrictSchema):
    TEXT_FIELDS = ("email", "phone", "point")  # and every Text field
    full_name = Name(required=True, validate=validate.Length(min=1, max=200))
    email = EmailAddress(required=True, validate=validate.Length(max=320))
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    organisation = Name(load_default=None, allow_none=True, validate=validate.Length(max=300))
    role = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))
    attendance = fields.String(required=True, validate=validate.OneOf(ATTENDANCE_MODES))
    point = PointCode(load_default=None, allow_none=True)
    language = fields.String(load_default="vi", validate=validate.OneOf(LANGUAGES))
    consent = StrictBoolean(required=True)


class RegistrationChangeSchema(RegistrationSchema):
    """What a participant may change; email and consent stay as given."""

    class Meta:
        unknown = RAISE
        exclude = ("email", "consent")


class RecoverSchema(StrictSchema):
    """A lost link: the address the registration was made with."""
    TEXT_FIELDS = ("email",)
    email = EmailAddress(required=True, validate=validate.Length(max=320))


def _per_language(text: fields.Field) -> fields.Dict:
    return fields.Dict(keys=fields.String(validate=validate.OneOf(LANGUAGES)), values=text, required=True,
                       validate=validate.Length(min=1))


class RecipientsSchema(StrictSchema):
    """Who an announcement goes to: every active registration, or those the filters pick (each
    filter a list of values, any of which matches; filters combine with "and")."""
    points = fields.List(PointCode(), load_default=list, validate=validate.Length(max=1000))
    provinces = fields.List(Text(validate=validate.Length(min=1, max=100)), load_default=list,
                            validate=validate.Length(max=100))
    attendance = fields.List(fields.String(validate=validate.OneOf(ATTENDANCE_MODES)), load_default=list)
    status = fields.List(fields.String(validate=validate.OneOf(("confirmed", "waitlisted"))), load_default=list)


class AnnouncementSchema(StrictSchema):
    subject = _per_language(Text(validate=validate.Length(min=1, max=200)))
    body = _per_language(LongText(validate=validate.Length(min=1, max=20_000)))
    recipients = fields.Nested(RecipientsSchema, load_default=lambda: RecipientsSchema().load({}))

    @validates_schema
    def _same_languages(self, data, **_kwargs):
        if set(data["subject"]) != set(data["body"]):
            raise ValidationError("The subject and the body must be given in the same languages.", "body")


class ListQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    point = PointCode()
    status = fields.String(validate=validate.OneOf(("confirmed", "waitlisted", "cancelled")))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(validate=validate.Length(max=40))


class ExportQuerySchema(Schema):
    """The list's filters, for the CSV export."""

    class Meta:
        unknown = RAISE

    point = fields.String(validate=validate.Length(max=64))
    status = fields.String(validate=validate.OneOf(("confirmed", "waitlisted", "cancelled")))


# -- answers, for the OpenAPI document ---------------------------------------------------------

class TicketOut(Schema):
    code = fields.String()
    qr_payload = fields.String()


class RegistrationOut(Schema):
    id = fields.String()
    forum = fields.String()
    status = fields.String()
    attendance = fields.String()
    point = fields.String(allow_none=True)
    language = fields.String()
    full_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    ticket = fields.Nested(TicketOut, allow_none=True)
    waitlist_position = fields.Integer(allow_none=True)
    manage_token = fields.String(metadata={"description": "Only in the answer to the registration."})
    created_at = fields.DateTime()


class PointOut(PointSchema):
    code = fields.String()
    confirmed = fields.Integer()
    waitlisted = fields.Integer()
    outcome = fields.String(metadata={"description": "created | updated | unchanged"})
    promoted = fields.Integer(metadata={"description": "People moved from the waiting list by a larger capacity."})


class ForumPointOut(Schema):
    code = fields.String()
    name = fields.String()
    province = fields.String()
    capacity = fields.Integer()


class ForumOut(Schema):
    """A forum as the API answers it (times in ISO 8601 with their offset)."""
    slug = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    timezone = fields.String()
    online = fields.Boolean(metadata={"description": "Whether the forum has an online meeting."})
    online_url = fields.String(allow_none=True, metadata={
        "description": "Organisers only; participants reach the meeting through check-in's /join/{slug}."})
    languages = fields.List(fields.String())
    certificate_rule = fields.Nested(CertificateRuleSchema)
    points = fields.List(fields.Nested(ForumPointOut))


class SessionOut(Schema):
    """A session as the API answers it: times in ISO 8601 with the forum's UTC offset."""
    code = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    kind = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    points = fields.List(fields.String(), allow_none=True)
    online = fields.Boolean(metadata={"description": "Whether the session has an online meeting."})
    online_url = fields.String(allow_none=True, metadata={"description": "Organisers only."})
    capacity = fields.Integer(allow_none=True)
    signup = fields.Boolean()
    walk_in = fields.String()
    confirmed = fields.Integer(metadata={"description": "Confirmed sign-ups."})
    waitlisted = fields.Integer(metadata={"description": "Sign-ups in line."})
    outcome = fields.String(metadata={"description": "In the answer to PUT: created | updated | unchanged."})
    promoted = fields.Integer(metadata={"description": "In the answer to PUT: people moved in from the line."})


class ProgrammeOut(Schema):
    sessions = fields.List(fields.Nested(SessionOut))


class SignupOut(Schema):
    code = fields.String()
    title = fields.Dict(keys=fields.String(), values=fields.String())
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    status = fields.String(metadata={"description": "confirmed | waitlisted"})
    waitlist_position = fields.Integer(allow_none=True)


class SignupsOut(Schema):
    registration_id = fields.String()
    sessions = fields.List(fields.Nested(SignupOut))


class RecipientsCountOut(Schema):
    recipients = fields.Integer()


class RecoverOut(Schema):
    status = fields.String()  # "sent_if_registered", whether or not it was


class AnnouncementOut(Schema):
    id = fields.String()
    recipients = fields.Integer()  # how many it goes to
    queued = fields.Integer()  # of those: waiting to go, gone, refused for good
    sent = fields.Integer()
    failed = fields.Integer()
    subject = fields.Dict(keys=fields.String(), values=fields.String())
    body = fields.Dict(keys=fields.String(), values=fields.String())
    filter = fields.Nested(RecipientsSchema)  # the recipients it was sent with
    created_at = fields.String()


class AnnouncementListOut(Schema):
    items = fields.List(fields.Nested(AnnouncementOut))
