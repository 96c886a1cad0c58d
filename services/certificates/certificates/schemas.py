"""HTTP payloads of the certificates API; unknown fields refused."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class RevokeSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class ListQuerySchema(StrictSchema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    after = fields.String(load_default=None, validate=validate.Length(max=20),
                          metadata={"description": "The last serial of the previous page."})
    status = fields.String(load_default=None, validate=validate.OneOf(("valid", "revoked")))


class CertificateOut(Schema):
    serial = fields.String()
    status = fields.String(metadata={"description": "valid | revoked"})
    kind = fields.String()
    forum = fields.String()
    forum_title = fields.Dict()
    recipient_name = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    mode = fields.String(allow_none=True)
    language = fields.String()
    issued_at = fields.String()
    revoked_at = fields.String(allow_none=True)
    revoke_reason = fields.String(allow_none=True)


class SignatureOut(Schema):
    alg = fields.String()
    kid = fields.String()
    value = fields.String(metadata={"description": "base64url Ed25519 signature of the canonical JSON of `certificate` "
                                                   "(keys sorted, no spaces, UTF-8)"})


class VerificationOut(Schema):
    certificate = fields.Nested(CertificateOut)
    signature = fields.Nested(SignatureOut)


class CertificatePageOut(Schema):
    certificates = fields.List(fields.Nested(CertificateOut))
    next_after = fields.String(allow_none=True)
