"""The juror's pages: their queue (`/jury`, the invitation's link) and the scoring page of one
application (`/jury/applications/{id}`), with its attachments shown inline.

Like the applicant's pages they call the JSON API from the browser with the juror's token, which
arrives in the invitation link's fragment (`/jury#token=...`), leaves the address bar at once and
is kept on the device. The server renders no application here: what a juror may see (blind or
not) is the API's to decide, in one place.

Attachments need the token, so the script fetches them and shows them from `blob:` URLs: a PDF in
a frame, an image as an image. The shared policy allows `blob:` images but no frames; these pages
alone also allow frames of `blob:` documents (the script makes them only of PDF, JPEG or PNG).
"""
from __future__ import annotations

from flask import Blueprint, Response

from forumops_shared.pages import page_language, render_page, texts

from .page_texts import JURY_TEXTS

bp = Blueprint("jury_pages", __name__)
FRAMES = "frame-src blob:"


@bp.get("/jury")
def queue_page():
    """The juror's queue: each programme, its applications to score, scored or set aside."""
    return _page("jury.html", {})


@bp.get("/jury/applications/<application_id>")
def review_page(application_id: str):
    """One application: what was sent, its files, the scoring form and the conflict."""
    return _page("jury_review.html", {"id": application_id})


def _page(template: str, data: dict) -> Response:
    lang = page_language()
    response = render_page(template, page_data={**data, "lang": lang, "texts": texts(lang, JURY_TEXTS)})
    response.headers["Content-Security-Policy"] += f"; {FRAMES}"
    return response
