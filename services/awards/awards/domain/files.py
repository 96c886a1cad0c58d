"""What an attachment is, told by its first bytes: never by its name nor the type it was sent as."""
from __future__ import annotations

# (leading bytes, content type); a file that starts with none of them is refused.
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def content_type(head: bytes) -> str | None:
    """The type of a file starting with `head` (its first 16 bytes suffice), None if not allowed."""
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)
