"""Reading requests: JSON bodies through a schema, CSV bodies, bearer tokens, callers."""
from __future__ import annotations

from marshmallow import Schema
from sqlalchemy import select

from forumops_shared import http
from forumops_shared.http import bearer_token, uploaded_text
from forumops_shared.refusals import Refusal
from forumops_shared.tokens import hash_token, tokens_equal

from ..services.registrations import load_registration
from ..tables import registrations
from .context import ctx


def json_body(schema: Schema, *, partial: bool = False) -> dict:
    return http.json_body(schema, limit=ctx().config.json_body_limit, partial=partial)


def csv_body() -> str:
    """A CSV upload, as the raw body (text/csv) or as the `file` field of a form."""
    return uploaded_text(limit=ctx().config.import_body_limit)


def is_admin(token: str | None) -> bool:
    return tokens_equal(token, ctx().config.admin_token)


def require_admin() -> None:
    token = bearer_token()
    if token is None:
        raise Refusal("unauthenticated")
    if not is_admin(token):
        raise Refusal("forbidden" if _is_manage_token(token) else "unauthenticated")


def _is_manage_token(token: str) -> bool:
    with ctx().read() as conn:
        return conn.execute(select(registrations.c.seq)
                            .where(registrations.c.manage_token_hash == hash_token(token))).first() is not None


def authorised_registration(conn, registration_id: str):
    """The registration, if the caller is an organiser or holds its manage token."""
    token = bearer_token()
    if token is None:
        raise Refusal("unauthenticated")
    row = load_registration(conn, registration_id)
    if is_admin(token) or tokens_equal(hash_token(token), row.manage_token_hash):
        return row
    raise Refusal("registration_not_found")  # the same answer as for an unknown id
