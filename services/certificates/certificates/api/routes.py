"""The certificates API: public verification, the holder's certificate, organisers' list and revocation."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from forumops_shared.db import readonly, write_transaction
from forumops_shared.http import Refusal, bearer_token, hash_token, json_body, query_args, require_token, tokens_equal
from forumops_shared.ratelimit import RateLimit
from forumops_shared.signing_keys import KeyRing, published_keys

from .. import issuing
from ..config import CertificatesConfig
from ..schemas import ListQuerySchema, RevokeSchema
from ..services import documents
from ..tables import signing_keys

bp = Blueprint("certificates", __name__)
_revoke, _list = RevokeSchema(), ListQuerySchema()
KEYS_PATH = "/.well-known/forumops-certificate-keys.json"


def install(app, config: CertificatesConfig) -> None:
    engine = app.extensions["forumops"]["engine"]
    app.extensions["certificates"] = config
    app.extensions["certificates.keys"] = KeyRing(engine, signing_keys, config.signing_key)
    app.extensions["certificates.limit"] = RateLimit(config.verify_rate_limit)
    app.register_blueprint(bp)


def _engine():
    return current_app.extensions["forumops"]["engine"]


def _is_admin(token: str | None) -> bool:
    return tokens_equal(token, current_app.extensions["certificates"].admin_token)


def _require_admin() -> None:
    require_token(current_app.extensions["certificates"].admin_token)


@bp.get("/api/v1/certificates/<serial>")
def verify(serial: str):
    """Public: the certificate as a document signed with the service's Ed25519 key, valid or revoked."""
    current_app.extensions["certificates.limit"].check()
    key = current_app.extensions["certificates.keys"].active()  # before the read: a first load writes
    with readonly(_engine()).connect() as conn:
        return jsonify(documents.signed(documents.find(conn, serial), key))


@bp.get(KEYS_PATH)
def public_keys():
    """Public: the keys verification documents are signed with (older ones stay listed)."""
    current_app.extensions["certificates.keys"].active()  # makes sure one exists
    with readonly(_engine()).connect() as conn:
        return jsonify({"keys": published_keys(conn, signing_keys)})


@bp.get("/verify/<serial>")
def verify_page(serial: str):
    """Public: the same as a page a person can read and print."""
    current_app.extensions["certificates.limit"].check()
    with readonly(_engine()).connect() as conn:
        try:
            found = documents.document(documents.find(conn, serial))
        except Refusal:
            return render_template("verify.html", certificate=None, serial=serial), 404
    return render_template("verify.html", certificate=found, serial=serial)


@bp.post("/api/v1/certificates/<serial>/revoke")
def revoke(serial: str):
    """Organiser: revoke with a reason; the verification shows it at once."""
    _require_admin()
    data = json_body(_revoke, limit=current_app.extensions["certificates"].json_body_limit)
    with write_transaction(_engine()) as conn:
        row = documents.find(conn, serial)
        if not issuing.revoke(conn, row.serial, data["reason"]):
            raise Refusal("already_revoked")
        return jsonify(documents.document(documents.find(conn, serial)))


@bp.get("/api/v1/registrations/<registration_id>/certificate")
def holder_certificate(registration_id: str):
    """The participant (manage token) or an organiser: the registration's attendance certificate."""
    token = bearer_token()
    if token is None:
        raise Refusal("unauthenticated")
    with readonly(_engine()).connect() as conn:
        holder = documents.holder_hash(conn, registration_id)
        if not _is_admin(token) and not (holder and tokens_equal(hash_token(token), holder)):
            raise Refusal("certificate_not_found")  # the same answer as for no certificate
        row = documents.of_registration(conn, registration_id)
        if row is None:
            raise Refusal("certificate_not_found")
        return jsonify(documents.document(row))


@bp.get("/api/v1/forums/<slug>/certificates")
def forum_certificates(slug: str):
    """Organiser: the forum's certificates by serial, a page at a time."""
    _require_admin()
    query = query_args(_list)
    with readonly(_engine()).connect() as conn:
        return jsonify(documents.page(conn, slug, **query))
