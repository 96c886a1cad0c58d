"""The certificates API's OpenAPI document, generated from its marshmallow schemas."""
from __future__ import annotations

from forumops_shared.audit import AuditPageOut, AuditQuerySchema
from forumops_shared.mail_api import MAIL_ROUTE
from forumops_shared.openapi import Route, openapi_blueprint

from .. import schemas as s
from ..reasons import REASONS

CALLERS = {"admin": "Organiser token.",
           "holder": "The participant's manage token, or an organiser token (award certificates: organisers only)."}
ROUTES = [
    Route("/api/v1/certificates/{serial}", "get", "Verify a certificate: a signed document, valid or revoked",
          answer=s.VerificationOut),
    Route("/api/v1/certificates/{serial}/revoke", "post", "Revoke a certificate with a reason", "admin",
          s.RevokeSchema, answer=s.CertificateOut),
    Route("/api/v1/registrations/{registration_id}/certificate", "get", "A registration's attendance certificate",
          "holder", answer=s.CertificateOut),
    Route("/api/v1/certificates/{serial}/pdf", "get", "The certificate as a PDF (ETag; 410 once revoked)", "holder",
          answer="application/pdf"),
    Route("/api/v1/forums/{slug}/certificates", "get", "The forum's certificates, a page at a time", "admin",
          answer=s.CertificatePageOut, query=s.ListQuerySchema),
    Route("/api/v1/forums/{slug}/certificates/export", "get", "The forum's certificates as CSV", "admin",
          answer="text/csv", query=s.FilterSchema),
    Route("/api/v1/forums/{slug}/audit", "get",
          "Who revoked, exported or issued awards, and erasures applied here (ids only)", "admin",
          answer=AuditPageOut, query=AuditQuerySchema),
    Route("/api/v1/forums/{slug}/awards", "post",
          "Issue award certificates for one category: JSON, or CSV (name,organisation,kind,ref,language) with "
          "category_vi, category_en, language as query parameters; idempotent", "admin",
          (s.AwardsSchema, "csv"), answer=s.AwardsReportOut, query=s.AwardsCsvSchema),
    MAIL_ROUTE,
]

bp = openapi_blueprint("ForumOps certificates", ROUTES, REASONS, CALLERS)
