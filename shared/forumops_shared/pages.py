"""What every service's web pages share: the language, the layout, the stylesheet and script,
and the headers that keep a page's secrets in the page.

Pages are Vietnamese unless the person picks English (`?lang=en`, remembered in a cookie). A
page's texts sit beside each other in the templates, `t("Đăng ký", "Register")`, so a
translation is never far from what it translates. Scripts come only from the service itself
(the Content-Security-Policy forbids inline code); what a script needs travels in a JSON data
block (`page_data`). Tokens live in URL fragments and browser storage, never in a query string.
"""
from __future__ import annotations

from typing import Iterable
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, make_response, render_template, request

LANGUAGES = ("vi", "en")
LANGUAGE_COOKIE = "forumops_lang"
ONE_YEAR_S = 365 * 24 * 3600

bp = Blueprint("forumops_pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/_forumops/static")


def install_pages(app: Flask) -> None:
    app.register_blueprint(bp)


def page_language() -> str:
    asked = request.args.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    return asked if asked in LANGUAGES else "vi"


def pick(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


def texts(lang: str, pairs: dict[str, tuple[str, str]]) -> dict[str, str]:
    """A script's texts in the page's language."""
    return {key: pick(lang, vi, en) for key, (vi, en) in pairs.items()}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def render_page(template: str, *, connect: Iterable[str] = (), status: int = 200, **context) -> Response:
    """A page in the person's language; `connect` names the other services its script may call."""
    lang = page_language()
    html = render_template(template, lang=lang, t=lambda vi, en: pick(lang, vi, en), **context)
    response = make_response(html, status)
    if request.args.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=ONE_YEAR_S, samesite="Lax")
    sources = " ".join(["'self'", *sorted({origin(url) for url in connect})])
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
        f"img-src 'self' data: blob:; media-src 'self' blob:; connect-src {sources}; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
