"""The certificates API: public verification, holders' certificates and PDFs (organisers'
routes in `organisers`)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, Response, jsonify, request

from forumops_shared.http import bearer_token
from forumops_shared.pages import page_language, render_page
from forumops_shared.refusals import Refusal
from forumops_shared.signing_keys import published_keys
from forumops_shared.tokens import hash_token, tokens_equal

from ..domain.wording import day_in, hours_in
from ..printing import render
from ..services import documents, pdfs
from ..tables import signing_keys
from .context import ctx

bp = Blueprint("certificates", __name__)
KEYS_PATH = "/.well-known/forumops-certificate-keys.json"


def is_admin(token: str | None) -> bool:
    return tokens_equal(token, ctx().config.admin_token)


@bp.get("/api/v1/certificates/<serial>")
def verify(serial: str):
    """Public: the certificate as a document signed with the service's Ed25519 key, valid or revoked."""
    ctx().verify_limit.check()
    key = ctx().keys.active()  # before the read: a first load writes
    with ctx().read() as conn:
        return jsonify(documents.signed(documents.find(conn, serial), key))


@bp.get(KEYS_PATH)
def public_keys():
    """Public: the keys verification documents are signed with (older ones stay listed)."""
    ctx().keys.active()  # makes sure one exists
    with ctx().read() as conn:
        return jsonify({"keys": published_keys(conn, signing_keys)})


@bp.get("/verify/<serial>")
def verify_page(serial: str):
    """Public: the same as a page a person can read and print."""
    ctx().verify_limit.check()
    with ctx().read() as conn:
        try:
            found = documents.document(documents.find(conn, serial))
        except Refusal:
            return render_page("verify.html", certificate=None, serial=serial, status=404)
    lang = page_language()
    return render_page("verify.html", certificate=found, serial=serial,
                       day=lambda iso: day_in(lang, date.fromisoformat(iso)),
                       hours=lambda figure: hours_in(lang, Decimal(str(figure))))


@bp.get("/api/v1/registrations/<registration_id>/certificate")
def holder_certificate(registration_id: str):
    """The participant (manage token) or an organiser: the registration's attendance certificate."""
    token = _caller()
    with ctx().read() as conn:
        _may_see(conn, token, registration_id)
        row = documents.of_registration(conn, registration_id)
        if row is None:
            raise documents.not_earned(conn, registration_id)
        return jsonify(documents.document(row))


@bp.get("/api/v1/certificates/<serial>/pdf")
def certificate_pdf(serial: str):
    """The holder (manage token) or an organiser: the certificate as a PDF, drawn once and kept."""
    token = _caller()
    if not is_admin(token):
        ctx().verify_limit.check()
    with ctx().read() as conn:
        row = documents.find(conn, serial)
        _may_see(conn, token, row.registration_id)  # awards: organisers hand them out
        if row.revoked_at is not None:
            raise Refusal("certificate_revoked")
        printed = pdfs.certificate(row, ctx().config.public_url)
        digest = pdfs.digest(printed)
        if digest in request.if_none_match:
            return Response(status=304, headers={"ETag": f'"{digest}"'})
        pdf = pdfs.kept(conn, row.serial, digest)
    if pdf is None:
        pdf = render(printed)
        with ctx().write() as conn:
            pdfs.keep(conn, row.serial, digest, pdf)
    return Response(pdf, mimetype="application/pdf", headers={
        "ETag": f'"{digest}"', "Cache-Control": "private, no-cache",  # revalidated: revocation shows at once
        "Content-Disposition": f'attachment; filename="certificate-{row.serial}.pdf"'})


def _caller() -> str:
    """The bearer token, if it is valid here at all: 401 otherwise (http.refuse_caller)."""
    token = bearer_token()
    if not is_admin(token) and (token is None or not ctx().recognises(token)):
        raise Refusal("unauthenticated")  # missing, unknown or wrong: the one rule (http.refuse_caller)
    return token


def _may_see(conn, token: str, registration_id: str | None) -> None:
    """Organisers see everything; a manage token only its own registration's certificate: another
    valid token is refused with 403, as everywhere."""
    if is_admin(token):
        return
    holder = documents.holder_hash(conn, registration_id) if registration_id else None
    if not (holder and tokens_equal(hash_token(token), holder)):
        raise Refusal("forbidden")
