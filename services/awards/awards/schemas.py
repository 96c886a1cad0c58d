"""HTTP payloads: one schema per shape, unknown fields refused, text NFC-normalised and trimmed."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from forumops_shared.events.schemas import LANGUAGES
from forumops_shared.payloads import EmailAddress, LongText, Moment, Name, StrictBoolean, StrictInteger, StrictSchema, Text

SLUG = validate.Regexp(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$",
                       error="Lower-case letters, digits and dashes, 1 to 100 characters.")
CODE = validate.Regexp(r"^[A-Za-z0-9_-]{1,64}$", error="Letters A-Z, digits, '-' and '_', 1 to 64 characters.")
APPLICANTS = ("unit", "person", "both")
KINDS = ("unit", "person")
_NUMBER = fields.Float(allow_nan=False)


class Names(StrictSchema):
    """A text in each language: both Vietnamese and English."""

    vi = Text(required=True, validate=validate.Length(min=1, max=300))
    en = Text(required=True, validate=validate.Length(min=1, max=300))


class CategorySchema(StrictSchema):
    code = fields.String(required=True, validate=CODE)
    name = fields.Nested(Names, required=True)
    awards = StrictInteger(required=True, validate=validate.Range(min=0, max=10_000))


class CriterionSchema(StrictSchema):
    """A scoring criterion: its scale runs from `min` (0 unless given) to `max`."""

    code = fields.String(required=True, validate=CODE)
    name = fields.Nested(Names, required=True)
    weight = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, min_inclusive=False, max=1000))
    min = fields.Float(load_default=0, allow_nan=False, validate=validate.Range(min=-1000, max=1000))
    max = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=-1000, max=1000))


class ProgrammeSchema(StrictSchema):
    slug = fields.String(required=True, validate=SLUG)
    title = fields.Nested(Names, required=True)
    forum = fields.String(validate=SLUG, allow_none=True, load_default=None)
    applications_open_at = Moment(required=True)
    applications_close_at = Moment(required=True)
    review_close_at = Moment(required=True)
    # The announced results date (domain/phases.py's fourth date); a week after review close unless given.
    results_at = Moment(load_default=None)
    categories = fields.List(fields.Nested(CategorySchema), required=True, validate=validate.Length(min=1, max=50))
    criteria = fields.List(fields.Nested(CriterionSchema), required=True, validate=validate.Length(min=1, max=30))
    applicants = fields.String(load_default="both", validate=validate.OneOf(APPLICANTS))
    reviews_per_application = StrictInteger(load_default=3, validate=validate.Range(min=1, max=50))
    blind = StrictBoolean(load_default=False)


class ProgrammeChangeSchema(ProgrammeSchema):
    """Any programme field but the slug; only the fields sent change."""

    class Meta:
        unknown = RAISE
        exclude = ("slug",)


class ApplicantSchema(StrictSchema):
    TEXT_FIELDS = ("email",)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    name = Name(required=True, validate=validate.Length(min=1, max=300))
    organisation = Text(load_default=None, validate=validate.Length(max=300))
    province = Text(load_default=None, validate=validate.Length(max=100))
    email = EmailAddress(required=True, validate=validate.Length(max=320))

    @validates_schema
    def _a_unit_names_its_organisation(self, data, **_kwargs):
        if data.get("kind") == "unit" and not data.get("organisation"):
            raise ValidationError("A unit applies in the name of its organisation.", "organisation")


class ApplicationSchema(StrictSchema):
    applicant = fields.Nested(ApplicantSchema, required=True)
    category = fields.String(required=True, validate=CODE)
    title = Text(required=True, validate=validate.Length(min=1, max=300))
    summary = LongText(required=True, validate=validate.Length(min=1, max=10_000))
    consent = StrictBoolean(required=True)
    language = fields.String(load_default="vi", validate=validate.OneOf(LANGUAGES))


class ApplicationChangeSchema(ApplicationSchema):
    """What the holder may change (only the fields sent change); consent stays as given."""

    class Meta:
        unknown = RAISE
        exclude = ("consent",)


class PageQuerySchema(StrictSchema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**63 - 1))
    category = fields.String(load_default=None, validate=CODE)
    status = fields.String(load_default=None, validate=validate.OneOf(("submitted", "withdrawn")))


# -- answers (for the OpenAPI document) ----------------------------------------------------------

class CategoryOut(Schema):
    code = fields.String()
    name = fields.Dict()
    awards = fields.Integer()


class CriterionOut(Schema):
    code = fields.String()
    name = fields.Dict()
    weight = fields.Float()
    min = fields.Float()
    max = fields.Float()


class ProgrammeOut(Schema):
    slug = fields.String()
    title = fields.Dict()
    forum = fields.String(allow_none=True)
    applications_open_at = fields.DateTime()
    applications_close_at = fields.DateTime()
    review_close_at = fields.DateTime()
    results_at = fields.DateTime()
    phase = fields.String(metadata={"description": "before, applications, review, deciding or published"})
    categories = fields.List(fields.Nested(CategoryOut))
    criteria = fields.List(fields.Nested(CriterionOut))
    applicants = fields.String()
    blind = fields.Boolean()
    reviews_per_application = fields.Integer(metadata={"description": "Organisers only."})
    applications = fields.Dict(metadata={"description": "Organisers only: submitted and withdrawn counts."})


class AttachmentOut(Schema):
    id = fields.String()
    file_name = fields.String()
    content_type = fields.String()
    size = fields.Integer()


class ApplicantOut(Schema):
    kind = fields.String()
    name = fields.String()
    organisation = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    email = fields.String()


class ApplicationOut(Schema):
    id = fields.String()
    programme = fields.String()
    applicant = fields.Nested(ApplicantOut)
    category = fields.String()
    title = fields.String()
    summary = fields.String()
    language = fields.String()
    status = fields.String()
    attachments = fields.List(fields.Nested(AttachmentOut))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    withdrawn_at = fields.DateTime(allow_none=True)


class ApplicationCreatedOut(ApplicationOut):
    manage_token = fields.String(metadata={"description": "Shown once; keep it to edit or withdraw."})


class ApplicationsOut(Schema):
    applications = fields.List(fields.Nested(ApplicationOut))
    next_after = fields.Integer(allow_none=True)


class AttachmentsOut(Schema):
    attachments = fields.List(fields.Nested(AttachmentOut))
