"""The organiser's page of a programme: the jury's assignment, the ranking, the decision and
publishing the results.

The page itself holds nothing an organiser alone may see: its script asks for the organiser
token (kept in the tab's sessionStorage, as registration's organiser pages keep it) and reads
and changes everything through the JSON API, so the ranking, the decision's rules and the
refusals are the API's own and nothing is decided twice.
"""
from __future__ import annotations

from flask import Blueprint

from forumops_shared.pages import page_language, render_page, texts

from ..services import programmes
from .context import ctx
from .page_texts import ORGANISER_TEXTS

bp = Blueprint("organiser_pages", __name__)


@bp.get("/organiser/programmes/<slug>")
def organiser_page(slug: str):
    """Organisers: who reviews what, the ranking per category, the decision and its history, publishing."""
    with ctx().read() as conn:
        row = programmes.find(conn, slug)
        phase = programmes.phase(conn, row, ctx().clock.now())  # "published" once the organiser has published
    lang = page_language()
    page_data = {"slug": slug, "lang": lang, "phase": phase, "texts": texts(lang, ORGANISER_TEXTS)}
    return render_page("organiser.html", title=programmes.title_in(row, lang), phase=phase, page_data=page_data)
