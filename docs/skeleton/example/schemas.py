"""HTTP payloads: one schema per shape, unknown fields refused, text NFC-normalised and trimmed."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from forumops_shared.payloads import StrictSchema


class NoticeSchema(StrictSchema):
    TEXT_FIELDS = ("text",)
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    visible_from = fields.AwareDateTime(load_default=None)


class NoticeOut(Schema):
    id = fields.Integer()
    forum = fields.String()
    text = fields.String()
    visible_from = fields.DateTime()


class NoticesOut(Schema):
    notices = fields.List(fields.Nested(NoticeOut))
