"""Pages people open in a browser (the staff scanner and dashboard come with the web issue)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)


@bp.get("/join/<slug>")
def join_page(slug: str):
    """The participant's join link: `/join/{forum}#token=<manage token>`.

    The token rides in the fragment, which browsers never send to a server; the page posts it
    as a bearer token to the join endpoint and opens the meeting it answers with."""
    return render_template("join.html", slug=slug)
