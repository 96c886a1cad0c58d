"""Organisers' routes: the forum's certificates (a page at a time, or all as CSV), revocation,
award certificates in bulk."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import ValidationError

from forumops_shared import audit
from forumops_shared.audit import ORGANISER
from forumops_shared.http import csv_download, json_body, query_args, uploaded_text
from forumops_shared.refusals import Refusal

from ..schemas import AwardsCsvSchema, AwardsSchema, FilterSchema, ListQuerySchema, RevokeSchema
from ..services import awards, documents, issuing
from .context import ctx

bp = Blueprint("certificates_organisers", __name__)
_revoke, _list, _filters = RevokeSchema(), ListQuerySchema(), FilterSchema()
_awards, _awards_csv, _audit = AwardsSchema(), AwardsCsvSchema(), audit.AuditQuerySchema()


@bp.before_request
def _organisers_only():
    ctx().require_organiser()


@bp.post("/api/v1/certificates/<serial>/revoke")
def revoke(serial: str):
    """Revoke with a reason; the verification shows it at once and the PDF is no longer served."""
    data = json_body(_revoke, limit=ctx().config.json_body_limit)
    with ctx().write() as conn:
        row = documents.find(conn, serial)
        if not issuing.revoke(conn, row.serial, data["reason"], ctx().clock.now()):
            raise Refusal("already_revoked")
        # The organiser's reason is free text and may name the person: it stays with the certificate.
        audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action="certificate.revoked",
                     object_kind="certificate", object_id=row.serial, forum=row.forum)
        return jsonify(documents.document(documents.find(conn, serial)))


@bp.get("/api/v1/forums/<slug>/certificates")
def forum_certificates(slug: str):
    """The forum's certificates by serial, a page at a time, filtered by status, kind, mode, programme."""
    query = query_args(_list)
    with ctx().read() as conn:
        return jsonify(documents.page(conn, slug, **query))


@bp.get("/api/v1/forums/<slug>/certificates/export")
def export_certificates(slug: str):
    """Every certificate of the forum (same filters) as CSV, with its verification link."""
    filters = query_args(_filters)
    with ctx().write() as conn:
        audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action="certificates.exported", object_kind="forum",
                     object_id=slug, forum=slug, count=documents.count(conn, slug, **filters), detail=filters)
    rows = documents.export_rows(ctx().engine, slug, ctx().config.public_url, **filters)
    return csv_download(f"{slug}-certificates.csv", documents.EXPORT_COLUMNS, rows)


@bp.get("/api/v1/forums/<slug>/audit")
def forum_audit(slug: str):
    """Who revoked, exported or issued awards here, and the erasures applied (ids only)."""
    query = query_args(_audit)
    with ctx().read() as conn:
        return jsonify(audit.page(conn, slug, **query))


@bp.post("/api/v1/forums/<slug>/awards")
def issue_awards(slug: str):
    """Award certificates for one category: JSON {category, language, recipients}, or a CSV
    (name,organisation,kind,ref,language) with category_vi, category_en, language as form fields
    or query parameters. One report row per recipient; the same list again issues nothing."""
    limit = ctx().config.awards_body_limit
    if request.mimetype == "application/json":
        data = json_body(_awards, limit=limit)
        category, language, recipients = data["category"], data["language"], awards.from_json(data)
    elif request.mimetype in ("text/csv", "multipart/form-data"):
        params = _csv_params()
        category = {"vi": params["category_vi"], "en": params["category_en"]}
        language, recipients = params["language"], awards.from_csv(uploaded_text(limit=limit))
    else:
        raise Refusal("unsupported_media_type")
    with ctx().write() as conn:
        report = awards.issue(conn, slug, category, language, recipients, ctx().clock.now())
        totals = {outcome: sum(r["outcome"] == outcome for r in report) for outcome in ("issued", "existing", "refused")}
        audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action="awards.imported", object_kind="forum",
                     object_id=slug, forum=slug, count=len(report), detail=totals)
    return jsonify({**totals, "rows": report})


def _csv_params() -> dict:
    try:
        return _awards_csv.load({k: v for k, v in request.values.items() if k != "file"})
    except ValidationError as exc:
        raise Refusal("validation_failed", exc.messages) from exc
