"""Draws a certificate on one landscape A4 page.

Every string is drawn in Noto Serif (shipped in ../fonts, full Vietnamese coverage, OFL), in two
faces only: each face embedded costs a tenth of the time a page takes to render.
reportlab embeds the subset of glyphs a document uses together with a ToUnicode map, so a PDF
reader copying the name gets back exactly the registered text. A name is kept on one line,
shrinking the type before it would wrap, so that it also reads back as one piece; longer texts
wrap and shrink until everything fits above the footer (layout.py). Under the hours rule the
total and the sessions attended follow the dates, the sessions as one list broken between titles.
"""
from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import segno
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..domain.wording import Certificate, Lines, lines_of
from .layout import LEADING, SEPARATOR, Text, fit

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
REGULAR, BOLD = "ForumOpsSerif", "ForumOpsSerif-Bold"
WIDTH, HEIGHT = landscape(A4)
TEXT_WIDTH = WIDTH - 2 * 90
# The body's texts fit between these (the footer's serial, date and QR code sit below).
BODY_TOP, BODY_BOTTOM = HEIGHT - 92, 150
INK, ACCENT, QUIET = HexColor("#1f2a44"), HexColor("#9b1c1c"), HexColor("#5b6478")
QR_SIZE = 86
QR_MASK = 4


@cache
def _fonts() -> None:
    """Registered once per process, on first use (parsing the TrueType files takes ~0.1 s)."""
    for name, file in ((REGULAR, "NotoSerif-Regular.ttf"), (BOLD, "NotoSerif-Bold.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))


def render(cert: Certificate) -> bytes:
    """The certificate as a PDF document."""
    _fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(WIDTH, HEIGHT), pageCompression=1, lang=cert.language)
    title = "Giấy chứng nhận" if cert.language == "vi" else "Certificate"
    canvas.setTitle(f"{title} {cert.serial} — {cert.recipient_name}")
    canvas.setSubject(cert.forum_title)
    canvas.setCreator("ForumOps")
    words = lines_of(cert)
    _frame(canvas)
    _body(canvas, cert, words)
    _footer(canvas, cert, words)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(2.2)
    canvas.rect(18, 18, WIDTH - 36, HEIGHT - 36)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.7)
    canvas.rect(26, 26, WIDTH - 52, HEIGHT - 52)


def _body(canvas: Canvas, cert: Certificate, words: Lines) -> None:
    texts = [Text(cert.forum_title, REGULAR, 15, 11, 0, INK), Text(words.heading, BOLD, 36, 24, 40, ACCENT)]
    if words.category:
        texts.append(Text(words.category, BOLD, 20, 12, 14, INK))
    texts += [Text(words.lead, REGULAR, 15, 15, 22, QUIET), Text(cert.recipient_name, BOLD, 32, 14, 24, INK)]
    if cert.organisation:
        texts.append(Text(cert.organisation, REGULAR, 16, 11, 8, QUIET))
    texts += [Text(words.deed, REGULAR, 15, 11, 24, INK), Text(words.when, REGULAR, 14, 14, 6, INK)]
    if words.hours:
        texts.append(Text(words.hours, BOLD, 14, 11, 14, INK))
    if words.sessions_label:
        texts += [Text(words.sessions_label, REGULAR, 12, 10, 10, QUIET),
                  Text(SEPARATOR.join(cert.sessions), REGULAR, 11.5, 11.5, 4, INK, items=cert.sessions)]
    y = BODY_TOP
    for setting in fit(texts, TEXT_WIDTH, BODY_TOP - BODY_BOTTOM):
        y -= setting.gap
        canvas.setFillColor(setting.text.colour)
        canvas.setFont(setting.text.font, setting.size)
        for line in setting.lines:
            y -= setting.size * LEADING
            canvas.drawCentredString(WIDTH / 2, y, line)


def _footer(canvas: Canvas, cert: Certificate, words: Lines) -> None:
    canvas.setFillColor(INK)
    canvas.setFont(REGULAR, 11)
    canvas.drawString(60, 72, words.serial)
    canvas.drawString(60, 56, words.issued)
    x, y = WIDTH - 60 - QR_SIZE, 50
    _qr(canvas, cert.verify_url, x, y, QR_SIZE)
    canvas.setFillColor(QUIET)
    canvas.setFont(REGULAR, 8.5)
    canvas.drawRightString(x - 14, y + QR_SIZE - 10, words.verify)
    canvas.drawRightString(x - 14, y + QR_SIZE - 22, cert.verify_url)


def _qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles, one per run of dark modules (sharp at any zoom).

    The mask is fixed rather than chosen by scoring all eight: every reader decodes any of them
    (the mask number is in the code's format information), and scoring them is a third of the
    time a certificate takes to render. Error correction M survives a scuffed print."""
    matrix = segno.make(url, error="m", micro=False, mask=QR_MASK).matrix
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            runs.append(f"{start} {r} {c - start} 1 re")
    canvas.saveState()
    canvas.translate(x, y + size)
    canvas.scale(size / len(matrix), -size / len(matrix))  # one unit per module, rows downwards
    canvas.setFillColor(INK)
    # Integer rectangles written as they are: reportlab's path object formats each number as a
    # float, which took half the time of the code itself.
    canvas.addLiteral(" ".join(runs) + " f")
    canvas.restoreState()
