"""HTTP payloads of the certificates API; unknown fields refused."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from forumops_shared.events.schemas import LANGUAGES
from forumops_shared.payloads import EmailAddress, Name, StrictSchema, Text

MAX_RECIPIENTS = 5000


class RevokeSchema(StrictSchema):
    reason = Text(required=True, validate=validate.Length(min=3, max=1000))


class FilterSchema(StrictSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(("valid", "revoked")))
    kind = fields.String(load_default=None, validate=validate.OneOf(("attendance", "award")))
    mode = fields.String(load_default=None, validate=validate.OneOf(("onsite", "online")))
    programme = fields.String(load_default=None, validate=validate.Length(min=1, max=100),
                              metadata={"description": "An awards programme's slug: its award certificates."})


class ListQuerySchema(FilterSchema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    after = fields.String(load_default=None, validate=validate.Length(max=20),
                          metadata={"description": "The last serial of the previous page."})


class CategorySchema(StrictSchema):
    vi = Text(required=True, validate=validate.Length(min=1, max=300))
    en = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=300))


class RecipientSchema(StrictSchema):
    TEXT_FIELDS = ("ref",)  # and every Text field
    name = Name(required=True, validate=validate.Length(min=1, max=300))
    organisation = Name(load_default=None, allow_none=True, validate=validate.Length(max=500))
    kind = fields.String(load_default="person", validate=validate.OneOf(("unit", "person")),
                         metadata={"description": "unit (a school, a department) or person"})
    ref = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                        metadata={"description": "The organiser's own id for this recipient (an application "
                                                 "number): with it, a corrected name is not a new award."})
    language = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LANGUAGES))
    email = EmailAddress(load_default=None, allow_none=True, validate=validate.Length(max=320),
                         metadata={"description": "A contact address: the certificate, once issued, is emailed there "
                                                  "(in its language), with its PDF and verification link."})


class AwardsSchema(StrictSchema):
    category = fields.Nested(CategorySchema, required=True)
    language = fields.String(load_default="vi", validate=validate.OneOf(LANGUAGES),
                             metadata={"description": "The certificates' language unless a recipient says"})
    recipients = fields.List(fields.Nested(RecipientSchema), required=True,
                             validate=validate.Length(min=1, max=MAX_RECIPIENTS))


class AwardsCsvSchema(StrictSchema):
    """The form fields (or query parameters) beside an awards CSV with columns
    name[,organisation,kind,ref,language,email]."""
    category_vi = Text(required=True, validate=validate.Length(min=1, max=300))
    category_en = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=300))
    language = fields.String(load_default="vi", validate=validate.OneOf(LANGUAGES))


class StatedSessionOut(Schema):
    code = fields.String()
    title = fields.Dict(metadata={"description": "The session's title {vi, en} when the certificate was issued"})
    minutes = fields.Integer(metadata={"description": "The minutes attended in it"})


class CertificateOut(Schema):
    serial = fields.String()
    status = fields.String(metadata={"description": "valid | revoked"})
    kind = fields.String(metadata={"description": "attendance | award"})
    forum = fields.String(metadata={"description": "The forum it belongs to; a programme's award without a forum: "
                                                   "the programme's slug"})
    programme = fields.String(allow_none=True, metadata={"description": "The awards programme whose results issued it"})
    forum_title = fields.Dict(metadata={"description": "What it was given at {vi, en}: the programme's title for a "
                                                       "programme's award, else the forum's"})
    category = fields.Dict(allow_none=True, metadata={"description": "An award's category {vi, en}"})
    recipient_kind = fields.String(allow_none=True, metadata={"description": "An award's recipient: unit | person"})
    recipient_name = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    mode = fields.String(allow_none=True)
    language = fields.String()
    issued_at = fields.String()
    revoked_at = fields.String(allow_none=True)
    revoke_reason = fields.String(allow_none=True)
    issued_on = fields.String(metadata={"description": "The day of issue where the forum is held (its timezone), "
                                                       "YYYY-MM-DD: the date the page and the PDF show"})
    revoked_on = fields.String(allow_none=True, metadata={"description": "The day of revocation, as issued_on"})
    sessions = fields.List(fields.Nested(StatedSessionOut), metadata={
        "description": "An attendance certificate under an hours rule: the sessions attended (four fifths of each "
                       "at least), in the programme's order; [] otherwise"})
    hours = fields.Float(allow_none=True, metadata={
        "description": "The total hours attended as printed: rounded down to the forum's step (30 minutes unless "
                       "set); null without an hours rule or below one step"})
    replaces = fields.String(allow_none=True, metadata={
        "description": "The certificate this one was issued in place of (revoked with `hours_changed`)"})
    replaced_by = fields.String(allow_none=True, metadata={
        "description": "A certificate revoked with `hours_changed`: the one issued in its place"})


class SignatureOut(Schema):
    alg = fields.String()
    kid = fields.String()
    value = fields.String(metadata={"description": "base64url Ed25519 signature of the canonical JSON of `certificate` "
                                                   "(keys sorted, no spaces, UTF-8)"})


class VerificationOut(Schema):
    certificate = fields.Nested(CertificateOut)
    signature = fields.Nested(SignatureOut)


class ListedCertificateOut(CertificateOut):
    """A certificate as organisers list it: the public document, and whose it is."""

    registration_id = fields.String(allow_none=True, metadata={"description": "An attendance certificate's registration"})
    award_id = fields.String(allow_none=True, metadata={"description": "An award's id (derived from forum, category, recipient)"})


class CertificatePageOut(Schema):
    certificates = fields.List(fields.Nested(ListedCertificateOut))
    next_after = fields.String(allow_none=True)


class AwardRowOut(Schema):
    line = fields.Integer(allow_none=True, metadata={"description": "The CSV line, for a CSV upload"})
    index = fields.Integer(allow_none=True, metadata={"description": "The position in `recipients`, for JSON"})
    outcome = fields.String(metadata={"description": "issued | existing | refused"})
    name = fields.String(allow_none=True)
    serial = fields.String(allow_none=True)
    award_id = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    errors = fields.Dict(allow_none=True)


class AwardsReportOut(Schema):
    issued = fields.Integer()
    existing = fields.Integer()
    refused = fields.Integer()
    rows = fields.List(fields.Nested(AwardRowOut))
