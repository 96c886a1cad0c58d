"""Registrations: the public submit, the participant's own view, organiser lists."""
from __future__ import annotations

import base64

from flask import Blueprint, Response, jsonify, request
from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forumops_shared import audit
from forumops_shared.audit import ORGANISER
from forumops_shared.http import bearer_token, csv_download, query_args
from forumops_shared.ratelimit import client_address
from forumops_shared.refusals import Refusal

from ..schemas import ExportQuerySchema, ListQuerySchema, RegistrationChangeSchema, RegistrationSchema
from ..services import idempotency, imports, lifecycle, registrations as cases, tickets
from ..services.forums import get_forum
from .context import ctx
from .requests import authorised_registration, caller, csv_body, json_body, require_admin

bp = Blueprint("registrations", __name__, url_prefix="/api/v1")
_new_schema, _change_schema, _list_schema = RegistrationSchema(), RegistrationChangeSchema(), ListQuerySchema()
_export_schema, _audit_schema = ExportQuerySchema(), audit.AuditQuerySchema()


@bp.post("/forums/<slug>/registrations")
def register(slug: str):
    """Public: register for a forum. An Idempotency-Key header makes retries safe.

    Every submit counts against its address's limit: one to store is counted in the transaction
    that stores it (cases.store_all), one refused before or while storing on its own."""
    limit, client = ctx().rate_limit, client_address()
    refused = limit.refused(client)  # refused a moment ago: not worth preparing
    if refused:
        raise refused
    try:
        data = json_body(_new_schema)
        signing_key = ctx().keys.active()  # before any transaction: a first load writes the key
        key = request.headers.get("Idempotency-Key", "").strip()[:200] or None
        scope, fingerprint = f"register:{slug}", idempotency.request_fingerprint(data)
        forum = ctx().forums.forum(slug)
        draft = cases.prepare(lambda code: ctx().forums.point(slug, code), forum, data, signing_key,
                              consent_version=ctx().config.consent_version)
        submit = cases.Submit(draft, forum.slug, (scope, key, fingerprint) if key else None, (limit, client))
        # Stored with the other submits arriving meanwhile, in one short transaction (GroupCommit).
        http_status, body = ctx().commits.run(submit)
    except cases.OverLimit as over:
        raise over.refusal from None
    except Exception as exc:  # refused before or while storing (rolled back with its count)
        limit.check(client)  # over the limit, the 429 is the answer
        if isinstance(exc, IntegrityError) and cases.is_duplicate_email(exc):
            raise Refusal("already_registered") from exc
        raise
    return jsonify(body), http_status


@bp.post("/forums/<slug>/registrations/import")
def import_registrations(slug: str):
    """Organiser: a CSV of participants (full_name,email[,phone,organisation,role,attendance,point,
    language]); one report line per row; re-uploading the same file creates nothing new."""
    require_admin()
    text = csv_body()
    signing_key = ctx().keys.active()
    with ctx().write() as conn:
        forum = get_forum(conn, slug)
        rows = imports.import_participants(conn, forum, text, signing_key,
                                           consent_version=ctx().config.consent_version)
        totals = {outcome: sum(r["outcome"] == outcome for r in rows) for outcome in ("created", "existing", "refused")}
        audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action="registrations.imported",
                     object_kind="forum", object_id=slug, forum=slug, count=len(rows), detail=totals)
    return jsonify({**totals, "rows": rows})


@bp.get("/registrations/<registration_id>")
def show(registration_id: str):
    """The participant (manage token) or an organiser: the registration and its ticket."""
    signing_key = ctx().keys.active()
    with ctx().read() as conn:
        row = authorised_registration(conn, registration_id)
        return jsonify(cases.view(conn, row, signing_key))


@bp.get("/registrations/<registration_id>/ticket.svg")
def ticket_image(registration_id: str):
    """The participant (manage token) or an organiser: the ticket's QR code as an SVG image."""
    signing_key = ctx().keys.active()
    with ctx().read() as conn:
        ticket = cases.view(conn, authorised_registration(conn, registration_id), signing_key)["ticket"]
    if ticket is None:
        raise Refusal("no_ticket")
    return Response(tickets.qr_svg(ticket["qr_payload"]), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})


@bp.patch("/registrations/<registration_id>")
def change(registration_id: str):
    """Change details, attendance or point; a new point or mode re-issues the ticket."""
    if bearer_token() is None:  # before the body, as on every path
        raise Refusal("unauthenticated")
    data = json_body(_change_schema, partial=True)
    signing_key = ctx().keys.active()
    with ctx().write() as conn:
        row = authorised_registration(conn, registration_id)
        forum = get_forum(conn, row.forum_slug)
        row = lifecycle.change(conn, forum, row, data)
        return jsonify(cases.view(conn, row, signing_key))


@bp.delete("/registrations/<registration_id>")
def cancel(registration_id: str):
    """Cancel; the place goes to the next person waiting."""
    signing_key = ctx().keys.active()
    with ctx().write() as conn:
        row = authorised_registration(conn, registration_id)
        row = lifecycle.cancel(conn, get_forum(conn, row.forum_slug), row)
        return jsonify(cases.view(conn, row, signing_key))


@bp.post("/registrations/<registration_id>/erase")
def erase(registration_id: str):
    """Erase the person's data here; every other service is told to do the same."""
    with ctx().write() as conn:
        row = authorised_registration(conn, registration_id)
        if row.erased_at is None:
            audit.record(conn, at=ctx().clock.now(), actor=caller(registration_id), action="registration.erased",
                         object_kind="registration", object_id=row.id, forum=row.forum_slug)
        lifecycle.erase(conn, get_forum(conn, row.forum_slug), row)
    return jsonify({"id": registration_id, "status": "erased"})


@bp.get("/forums/<slug>/registrations")
def list_registrations(slug: str):
    """Organiser: registrations in order, filtered by point and status, a page at a time."""
    require_admin()
    query = _load_query()
    signing_key = ctx().keys.active()
    with ctx().read() as conn:
        forum = get_forum(conn, slug)
        stmt = cases.listing(forum.id, after=query.get("after", 0), status=query.get("status"),
                             point=query.get("point")).limit(query["limit"] + 1)
        rows = conn.execute(stmt).all()
        items = [cases.view(conn, row, signing_key) for row in rows[: query["limit"]]]
    next_cursor = _cursor(rows[query["limit"] - 1].seq) if len(rows) > query["limit"] else None
    return jsonify({"items": items, "next_cursor": next_cursor})


EXPORT_COLUMNS = ("id", "status", "attendance", "point", "full_name", "email", "phone", "organisation",
                  "role", "language", "ticket_code", "created_at")


@bp.get("/forums/<slug>/registrations/export")
def export_registrations(slug: str):
    """Organiser: the registrations as CSV (UTF-8 with BOM, so spreadsheets show Vietnamese),
    filtered by point and status as the list is."""
    require_admin()
    filters = query_args(_export_schema)
    with ctx().write() as conn:
        forum_id = get_forum(conn, slug).id
        count = conn.execute(select(func.count()).select_from(cases.listing(forum_id, **filters).subquery())).scalar_one()
        audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action="registrations.exported",
                     object_kind="forum", object_id=slug, forum=slug, count=count, detail=filters)

    def rows():
        after = 0
        while True:
            with ctx().read() as conn:
                batch = conn.execute(cases.listing(forum_id, after=after, **filters).limit(1000)).all()
            if not batch:
                return
            for row in batch:
                yield [row.id, row.status, row.attendance, row.point_code, row.full_name, row.email, row.phone,
                       row.organisation, row.role, row.language, row.ticket_code, row.created_at.isoformat()]
            after = batch[-1].seq

    return csv_download(f"{slug}-registrations.csv", EXPORT_COLUMNS, rows())


@bp.get("/forums/<slug>/audit")
def forum_audit(slug: str):
    """Organiser: who erased, exported or imported what here, and when (ids only)."""
    require_admin()
    query = query_args(_audit_schema)
    with ctx().read() as conn:
        return jsonify(audit.page(conn, slug, **query))


def _load_query() -> dict:
    try:
        query = _list_schema.load(request.args.to_dict())
    except ValidationError as exc:
        raise Refusal("validation_failed", exc.messages) from exc
    if "cursor" in query:
        try:
            query["after"] = int(base64.urlsafe_b64decode(query["cursor"].encode()).decode())
        except (ValueError, UnicodeDecodeError) as exc:
            raise Refusal("invalid_cursor") from exc
    return query


def _cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(str(seq).encode()).decode()
