"""Reading requests: JSON bodies through a schema, CSV bodies, bearer tokens, callers."""
from __future__ import annotations

from marshmallow import Schema

from forumops_shared import http
from forumops_shared.audit import ORGANISER, Actor
from forumops_shared.http import bearer_token, refuse_caller, uploaded_text
from forumops_shared.refusals import Refusal
from forumops_shared.tokens import hash_token, tokens_equal

from ..services.registrations import find_registration
from .context import ctx


def json_body(schema: Schema, *, partial: bool = False) -> dict:
    return http.json_body(schema, limit=ctx().config.json_body_limit, partial=partial)


def csv_body() -> str:
    """A CSV upload, as the raw body (text/csv) or as the `file` field of a form."""
    return uploaded_text(limit=ctx().config.import_body_limit)


def is_admin(token: str | None) -> bool:
    return tokens_equal(token, ctx().config.admin_token)


def require_admin() -> None:
    ctx().require_organiser()


def organiser_change() -> None:
    """Checks the organiser token and that a signing key exists: every change of a forum, its
    points or its sessions publishes the forum, and a forum published without its ticket keys
    cannot be checked in."""
    require_admin()
    ctx().keys.active()


def authorised_registration(conn, registration_id: str):
    """The registration, if the caller is an organiser or holds its manage token; 401 for a
    missing or unknown token, 403 for another valid one (http.refuse_caller)."""
    token = bearer_token()
    if token is None:
        raise Refusal("unauthenticated")
    row = find_registration(conn, registration_id)
    if is_admin(token):
        if row is None:
            raise Refusal("registration_not_found")
        return row
    if row is None or not tokens_equal(hash_token(token), row.manage_token_hash):
        refuse_caller(token, ctx().recognises)
    if row.erased_at is not None:  # the person is gone: their link opens nothing, as elsewhere
        raise Refusal("unauthenticated")
    return row


def caller(registration_id: str) -> Actor:
    """Who acts on a registration already authorised: an organiser, or its holder."""
    return ORGANISER if is_admin(bearer_token()) else Actor("participant", registration_id)
