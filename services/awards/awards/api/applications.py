"""Applications: anyone applies while a programme is open (multipart: a JSON part `application`
and up to five files); the holder (manage token) reads, edits, adds and removes files, withdraws;
organisers read them all; a juror reads those assigned to them (services/reviews.py: blind).
Attachments are served to the holder, organisers and the jurors assigned only."""
from __future__ import annotations

import contextlib
import json
from typing import Iterator

from flask import Blueprint, Response, current_app, jsonify, request, send_file
from marshmallow import ValidationError

from forumops_shared.http import CLOSE, attachment, bearer_token, json_body, query_args, refuse_caller
from forumops_shared.jsonbody import read_json
from forumops_shared.refusals import Refusal
from forumops_shared.tokens import hash_token, tokens_equal

from ..schemas import ApplicationChangeSchema, ApplicationSchema, PageQuerySchema
from ..services import applications as cases, attachments, idempotency, jurors, programmes, reviews
from .context import ctx

bp = Blueprint("applications", __name__, url_prefix="/api/v1")
_new, _change, _page = ApplicationSchema(), ApplicationChangeSchema(), PageQuerySchema()


def _is_organiser(token: str | None) -> bool:
    return tokens_equal(token, ctx().organiser_token)


def _application_part() -> tuple[dict, list]:
    """The JSON part `application` and the files of a multipart body (a JSON body: no files)."""
    limit = ctx().config.json_body_limit
    if request.mimetype == "multipart/form-data":
        raw = request.form.get("application")
        if raw is None and "application" in request.files:
            raw = request.files["application"].stream.read(limit + 1)
        if raw is None:
            raise Refusal("validation_failed", {"application": ["Missing the JSON part `application`."]})
        raw = raw.encode() if isinstance(raw, str) else raw
        if len(raw) > limit:
            raise Refusal("body_too_large", headers=CLOSE)
        payload = read_json(raw)
        files = [(f.filename, f.stream) for name, f in request.files.items(multi=True) if name != "application"]
    elif request.is_json:
        return json_body(_new, limit=limit), []
    else:
        raise Refusal("unsupported_media_type", message="Send multipart/form-data (or application/json without files).")
    if not isinstance(payload, dict):
        raise Refusal("validation_failed", {"application": ["Must be a JSON object."]})
    try:
        return _new.load(payload), files
    except ValidationError as exc:
        raise Refusal("validation_failed", exc.messages) from exc


def _files_only() -> list:
    if request.mimetype != "multipart/form-data":
        raise Refusal("unsupported_media_type", message="Send the files as multipart/form-data.")
    return [(f.filename, f.stream) for _name, f in request.files.items(multi=True)]


def _as_json(value) -> dict:
    """What the answer's JSON will be: kept as such for a retry with the same Idempotency-Key."""
    return json.loads(current_app.json.dumps(value))


@bp.post("/programmes/<slug>/applications")
def apply(slug: str):
    """Public while applications are open: 201 with the application and its manage token.
    An Idempotency-Key header makes retries safe (the same key and body: the same answer)."""
    ctx().apply_limit.check()
    data, files = _application_part()
    config, now = ctx().config, ctx().clock.now()
    uploads = attachments.read_uploads(files, limit=config.attachment_limit)
    key = request.headers.get("Idempotency-Key", "").strip()[:200] or None
    scope = f"apply:{slug}"
    fingerprint = idempotency.request_fingerprint(data, [(u.file_name, u.digest) for u in uploads])
    with ctx().read() as conn:
        programme = programmes.find(conn, slug)
        stored = idempotency.peek(conn, scope, key, fingerprint) if key else None
    if stored is not None:  # a retry: the first answer, even once applications have closed
        return jsonify(stored.body), stored.status
    cases.check_new(programme, data, now)  # refused before any file is written
    with _kept(uploads) as names, ctx().write() as conn:
        if key:
            stored = idempotency.claim(conn, scope, key, fingerprint)
            if stored is not None:  # the same request, answered meanwhile: its files are the first's
                names.clear()
                return jsonify(stored.body), stored.status
        body = _as_json(cases.submit(conn, programme, data, uploads, names, now))
        if key:
            idempotency.remember(conn, scope, key, 201, body)
    return jsonify(body), 201


@contextlib.contextmanager
def _kept(uploads: list) -> Iterator[list[str]]:
    """The uploads written to the files folder, and removed again unless the block commits them
    (a refusal, a failure; or a block that empties the list of names: they are not needed)."""
    names = [ctx().files.keep(u) for u in uploads]
    written = list(names)
    try:
        yield names
    except BaseException:
        ctx().files.discard(written)
        raise
    if not names:
        ctx().files.discard(written)


@bp.get("/programmes/<slug>/applications")
def list_applications(slug: str):
    """Organiser: the programme's applications in the order received, a page at a time (`next_after`)."""
    ctx().require_organiser()
    args = query_args(_page)
    with ctx().read() as conn:
        programme = programmes.find(conn, slug)
        return jsonify(cases.page(conn, programme, **args))


def _authorised(conn, application_id: str, *, holder_only: bool = False):
    """The application, if the caller holds its manage token (or is an organiser, unless
    `holder_only`); 401 for a missing or unknown token, 403 for another valid one."""
    token = bearer_token()
    if token is None:
        raise Refusal("unauthenticated")
    row = cases.find(conn, application_id)
    if _is_organiser(token) and not holder_only:
        if row is None:
            raise Refusal("application_not_found")
        return row
    if row is None or not tokens_equal(hash_token(token), row.manage_token_hash):
        refuse_caller(token, ctx().recognises)
    return row


def _reader(conn, application_id: str):
    """(the application, the juror reading it or None): the holder, an organiser, or a juror it
    is assigned to (and not withdrawn); 401/403 by the one rule otherwise."""
    token = bearer_token()
    juror = jurors.by_token(conn, token)
    if juror is None:
        return _authorised(conn, application_id), None
    row = cases.find(conn, application_id)
    if row is None or reviews.review_of(conn, juror.id, application_id) is None:
        refuse_caller(token, ctx().recognises)
    return row, juror


@bp.get("/applications/<application_id>")
def show(application_id: str):
    """The holder, an organiser, or a juror it is assigned to (without the applicant when the
    review is blind): the application and its attachments."""
    with ctx().read() as conn:
        row, juror = _reader(conn, application_id)
        programme = cases.programme_of(conn, row)
        if juror is not None:
            return jsonify(reviews.application_view(conn, row, programme))
        return jsonify(cases.view(conn, row, programme.slug))


@bp.patch("/applications/<application_id>")
def change(application_id: str):
    """The holder, until applications close: change the fields sent (consent stays as given)."""
    with ctx().write() as conn:
        row = _authorised(conn, application_id, holder_only=True)  # the caller before the body
        data = json_body(_change, limit=ctx().config.json_body_limit, partial=tuple(_change.fields))
        return jsonify(cases.change(conn, row, data, ctx().clock.now()))


@bp.post("/applications/<application_id>/withdraw")
def withdraw(application_id: str):
    """The holder, until the review closes (domain/phases.py): the application leaves the programme."""
    with ctx().write() as conn:
        row = _authorised(conn, application_id, holder_only=True)
        return jsonify(cases.withdraw(conn, row, ctx().clock.now()))


@bp.post("/applications/<application_id>/attachments")
def add_attachments(application_id: str):
    """The holder, until applications close: more files (multipart), five at most in all."""
    with ctx().read() as conn:
        row = _authorised(conn, application_id, holder_only=True)
        cases.require_editable(conn, row, ctx().clock.now())
        already = attachments.count(conn, application_id)
    uploads = attachments.read_uploads(_files_only(), limit=ctx().config.attachment_limit, already=already)
    with _kept(uploads) as names, ctx().write() as conn:
        row = _authorised(conn, application_id, holder_only=True)
        attachments.require_room(attachments.count(conn, application_id) + len(uploads))  # added meanwhile?
        added = cases.add_attachments(conn, row, uploads, names, ctx().clock.now())
    return jsonify({"attachments": added}), 201


@bp.delete("/applications/<application_id>/attachments/<attachment_id>")
def remove_attachment(application_id: str, attachment_id: str):
    """The holder, until applications close: a file removed."""
    with ctx().write() as conn:
        row = _authorised(conn, application_id, holder_only=True)
        stored = cases.remove_attachment(conn, row, attachment_id, ctx().clock.now())
    ctx().files.discard([stored])  # once the removal is committed
    return Response(status=204)


@bp.get("/applications/<application_id>/attachments/<attachment_id>")
def download(application_id: str, attachment_id: str):
    """The holder, an organiser or an assigned juror: the file as uploaded, under its original
    name (a neutral one for a juror in a blind review)."""
    with ctx().read() as conn:
        row, juror = _reader(conn, application_id)
        found = attachments.find(conn, row.id, attachment_id)
        name = found.file_name if juror is None else reviews.attachment_name(
            conn, row.id, found.id, cases.programme_of(conn, row), found.file_name, found.content_type)
    response = send_file(ctx().files.open(found.stored_as), mimetype=found.content_type, conditional=False,
                         max_age=None)
    response.headers["Content-Disposition"] = attachment(name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
