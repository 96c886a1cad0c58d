"""A ticket's QR code as an image people scan from a phone screen or a printout."""
from __future__ import annotations

import io

import segno


def qr_svg(qr_payload: str) -> bytes:
    """The payload as a standalone SVG QR code: error correction M (a scratched printout still
    reads) and the quiet zone of four modules scanners need; the page scales it."""
    out = io.BytesIO()
    segno.make(qr_payload, error="m", micro=False).save(out, kind="svg", scale=4, border=4, xmldecl=False,
                                                        dark="#000", title="ForumOps ticket")
    return out.getvalue()
