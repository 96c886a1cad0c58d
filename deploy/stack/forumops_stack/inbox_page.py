"""The local inbox's page: the messages `up`'s own SMTP server kept (var/inbox), newest first, and
each one as its recipient would see it, read-only.

A message's HTML is the sender's, not ours: it is served on its own address into an iframe that
may run no script (the iframe's `sandbox` and the answer's Content-Security-Policy both say so),
shows only images the message itself carries (its `cid:` parts, served from here) and opens its
links in a new tab. Run by `up`: `python -m forumops_stack.inbox_page <maildir> --port 8026`.
"""
from __future__ import annotations

import argparse
import io
import math
import re
from pathlib import Path

from flask import Flask, abort, make_response, request, send_file, url_for
from werkzeug.serving import make_server

from forumops_shared.pages import install_pages, render_page

from .maildir import Inbox, bodies, part_at, part_with_cid, parts

PAGE_SIZE = 50
# What a message's own HTML may do: show its inline styles and the images it carries; nothing else.
MESSAGE_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src data:; "
                  "form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox")
# A part is never a page (an attachment is downloaded: a `sandbox` here would stop Chromium downloading it).
PART_POLICY = "default-src 'none'"
_CID = re.compile(r"""(\b(?:src|background)\s*=\s*["']?)cid:([^"'\s>]+)""", re.IGNORECASE)
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)


def create_app(folder: Path) -> Flask:
    app = Flask(__name__)
    install_pages(app)

    def inbox() -> Inbox:
        return Inbox(folder)

    def found(key: str):
        message = inbox().message(key)
        return message if message is not None else abort(404)

    @app.get("/")
    def listing():
        box, query = inbox(), request.args.get("q", "").strip()
        keys = box.keys()
        if query:
            keys = [k for k in keys if box.summary(k).matches(query)]
        pages = max(1, math.ceil(len(keys) / PAGE_SIZE))
        page = min(max(request.args.get("page", 1, type=int), 1), pages)
        shown = [box.summary(k) for k in keys[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]]
        return render_page("inbox/list.html", messages=shown, total=len(keys), query=query, page=page,
                           pages=pages, folder=folder)

    @app.get("/m/<key>")
    def message(key: str):
        mail, box = found(key), inbox()
        html, text = bodies(mail)
        return render_page("inbox/message.html", summary=box.summary(key), mail=mail, has_html=html is not None,
                           text=text.get_content() if text is not None else None, parts=parts(mail))

    @app.get("/m/<key>/html")
    def message_html(key: str):
        html, _ = bodies(found(key))
        if html is None:
            abort(404)
        answer = make_response(_shown_safely(html.get_content(), key))
        answer.headers.update({"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": MESSAGE_POLICY,
                               "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})
        return answer

    @app.get("/m/<key>/cid/<cid>")
    def inline_image(key: str, cid: str):
        part = part_with_cid(found(key), cid)
        if part is None or part.get_content_maintype() != "image":
            abort(404)
        return _part_answer(part, as_attachment=False)

    @app.get("/m/<key>/parts/<int:index>")
    def attachment(key: str, index: int):
        part = part_at(found(key), index)
        return _part_answer(part, as_attachment=True) if part is not None else abort(404)

    return app


def _shown_safely(html: str, key: str) -> str:
    """Its `cid:` images from this page, its links in a new tab (they leave the sandbox there)."""
    html = _CID.sub(lambda m: m[1] + url_for("inline_image", key=key, cid=m[2]), html)
    base = '<base target="_blank">'
    return _HEAD.sub(lambda m: m[0] + base, html, count=1) if _HEAD.search(html) else base + html


def _part_answer(part, *, as_attachment: bool):
    answer = send_file(io.BytesIO(part.get_payload(decode=True) or b""), mimetype=part.get_content_type(),
                       as_attachment=as_attachment, download_name=part.get_filename() or "part",
                       max_age=0)
    answer.headers.update({"Content-Security-Policy": PART_POLICY, "X-Content-Type-Options": "nosniff"})
    return answer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m forumops_stack.inbox_page", description=__doc__)
    parser.add_argument("maildir", type=Path)
    parser.add_argument("--port", type=int, default=8026)
    args = parser.parse_args(argv)
    make_server("127.0.0.1", args.port, create_app(args.maildir), threaded=True).serve_forever()


if __name__ == "__main__":
    main()
