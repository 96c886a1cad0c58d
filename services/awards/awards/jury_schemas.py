"""HTTP payloads of the jury: the juror invited, the review given (and the answers, for OpenAPI)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from forumops_shared.events.schemas import LANGUAGES
from forumops_shared.payloads import EmailAddress, LongText, Name, StrictBoolean, StrictSchema, Text

from .schemas import CODE, AttachmentOut


class JurorSchema(StrictSchema):
    TEXT_FIELDS = ("email",)
    name = Name(required=True, validate=validate.Length(min=1, max=300))
    email = EmailAddress(required=True, validate=validate.Length(max=320))
    organisation = Text(load_default=None, validate=validate.Length(max=300))
    province = Text(load_default=None, validate=validate.Length(max=100))
    categories = fields.List(fields.String(validate=CODE), required=True, validate=validate.Length(min=1, max=50))
    language = fields.String(load_default="vi", validate=validate.OneOf(LANGUAGES))


class ReviewSchema(StrictSchema):
    """Scores (every criterion, judged by domain/ranking.py) with an optional comment; or a
    declared conflict with its reason."""

    scores = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=64)),
                         values=fields.Raw(allow_none=True), validate=validate.Length(max=100),
                         metadata={"description": "{criterion code: number in its scale}"})
    comment = LongText(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    conflict = StrictBoolean(load_default=False)
    reason = Text(load_default=None, validate=validate.Length(min=1, max=1000))

    @validates_schema
    def _scores_or_a_conflict(self, data, **_kwargs):
        if data.get("conflict"):
            if data.get("scores") is not None or data.get("comment") is not None:
                raise ValidationError("A conflict carries a reason, not scores.", "scores")
            if not data.get("reason"):
                raise ValidationError("Say why (the organiser reads it).", "reason")
        elif data.get("scores") is None:
            raise ValidationError("Missing data for required field.", "scores")
        elif data.get("reason") is not None:
            raise ValidationError("A reason goes with a conflict only.", "reason")


# -- answers -------------------------------------------------------------------------------------

class CreatedOut(Schema):
    id = fields.String()


class JurorOut(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
    organisation = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    categories = fields.List(fields.String())
    language = fields.String()
    load = fields.Integer(metadata={"description": "Reviews assigned, every category counted."})
    submitted = fields.Integer()
    invited_at = fields.DateTime()


class JurorsOut(Schema):
    jurors = fields.List(fields.Nested(JurorOut))


class LoadOut(Schema):
    juror = fields.String()
    name = fields.String()
    load = fields.Integer()


class ShortOut(Schema):
    application = fields.String()
    category = fields.String()
    needed = fields.Integer()
    assigned = fields.Integer()
    jurors_in_category = fields.Integer()
    own_organisation = fields.Integer()
    conflicts = fields.Integer()
    reason = fields.String()


class ReleasedOut(Schema):
    application = fields.String()
    juror = fields.String()
    reason = fields.String(metadata={"description": "application_gone, juror_gone, conflict, not_eligible or surplus"})


class ReviewerOut(Schema):
    juror = fields.String()
    state = fields.String()


class AssignedOut(Schema):
    application = fields.String()
    category = fields.String()
    needed = fields.Integer()
    reviewers = fields.List(fields.Nested(ReviewerOut))


class AssignmentOut(Schema):
    applications = fields.Integer()
    reviews = fields.Integer()
    added = fields.Integer()
    released = fields.List(fields.Nested(ReleasedOut))
    loads = fields.List(fields.Nested(LoadOut))
    short = fields.List(fields.Nested(ShortOut))
    assignments = fields.List(fields.Nested(AssignedOut))


class ReviewOut(Schema):
    application = fields.String()
    state = fields.String(metadata={"description": "assigned, submitted or conflict"})
    scores = fields.Dict(allow_none=True)
    comment = fields.String(allow_none=True)
    score = fields.Float(allow_none=True, metadata={"description": "The weighted score, 0–100."})
    submitted_at = fields.DateTime(allow_none=True)
    replaced = fields.Boolean(metadata={"description": "A conflict: the review went to another juror."})


class QueueItemOut(Schema):
    id = fields.String()
    category = fields.String()
    title = fields.String()
    summary = fields.String()
    applicant = fields.Dict(metadata={"description": "Only when the review is not blind (no email)."})
    attachments = fields.List(fields.Nested(AttachmentOut))
    review = fields.Nested(ReviewOut)


class DeclaredConflictOut(Schema):
    application = fields.String()
    category = fields.String()
    title = fields.String()
    reason = fields.String()
    declared_at = fields.DateTime()


class QueueOut(Schema):
    programme = fields.Dict()
    juror = fields.Dict()
    assignments = fields.List(fields.Nested(QueueItemOut))
    conflicts = fields.List(fields.Nested(DeclaredConflictOut),
                            metadata={"description": "The applications the juror declared a conflict with."})
    counts = fields.Dict()


class RankedApplicantOut(Schema):
    id = fields.String()
    title = fields.String()
    applicant = fields.String()
    organisation = fields.String(allow_none=True)
    province = fields.String(allow_none=True)


class RankedOut(RankedApplicantOut):
    rank = fields.Integer()
    outcome = fields.String()  # proposed, tied (the organiser decides), not_proposed
    mean = fields.Float(allow_none=True)  # weighted, 0–100
    median = fields.Float(allow_none=True)
    spread = fields.Float(allow_none=True)  # highest minus lowest review
    reviews_done = fields.Integer()
    reviews_needed = fields.Integer()
    jurors_disagree = fields.Boolean()
    scores = fields.List(fields.Float())


class RankedCategoryOut(Schema):
    code = fields.String()
    name = fields.Dict(keys=fields.String(), values=fields.String())
    awards = fields.Integer()
    places_to_fill = fields.Integer()
    applications = fields.List(fields.Nested(RankedOut))
    incomplete = fields.List(fields.Nested(RankedApplicantOut))


class RankingOut(Schema):
    categories = fields.List(fields.Nested(RankedCategoryOut))


class DecisionSchema(StrictSchema):
    """The winners per category (application ids), and why, when they depart from the proposal."""
    winners = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=64)),
                          values=fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                                             validate=validate.Length(max=1000)),
                          required=True)
    reason = LongText(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class DepartureOut(Schema):
    added = fields.List(fields.String())  # winners the ranking did not propose
    left_out = fields.List(fields.String())  # proposed applications not chosen


class DecisionOut(Schema):
    version = fields.Integer()
    winners = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    departures = fields.Dict(keys=fields.String(), values=fields.Nested(DepartureOut))
    reason = fields.String(allow_none=True)
    decided_at = fields.String()


class DecisionsOut(Schema):
    current = fields.Nested(DecisionOut, allow_none=True)
    history = fields.List(fields.Nested(DecisionOut))


class PublishSchema(StrictSchema):
    """Publishing the decision in force; a correction (results already out) says why."""
    reason = LongText(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class PublishedOut(Schema):
    version = fields.Integer()  # 1, then one more per correction
    published_at = fields.String()
    decision_version = fields.Integer()
    winners = fields.Integer()
    results_url = fields.String()  # the public honour roll page


class CertificateLinkOut(Schema):
    serial = fields.String()
    verify_url = fields.String()


class WinnerOut(Schema):
    application_id = fields.String()
    category = fields.String()
    kind = fields.String()
    name = fields.String()
    organisation = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    title = fields.String()
    certificate = fields.Nested(CertificateLinkOut, allow_none=True)  # null until issued


class ResultsCategoryOut(Schema):
    code = fields.String()
    name = fields.Dict(keys=fields.String(), values=fields.String())
    awards = fields.Integer()
    winners = fields.List(fields.Nested(WinnerOut))


class ResultsOut(Schema):
    programme = fields.Dict()
    version = fields.Integer()
    decision_version = fields.Integer()  # the organiser's decision it published
    published_at = fields.String()
    corrected = fields.Boolean()
    categories = fields.List(fields.Nested(ResultsCategoryOut))
