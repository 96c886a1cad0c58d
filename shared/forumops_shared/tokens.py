"""Bearer secrets: how they are stored (a SHA-256, never the token) and compared (in constant time)."""
from __future__ import annotations

import hashlib
import hmac


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_equal(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; nothing equals a missing token."""
    return bool(given and expected and hmac.compare_digest(given.encode(), expected.encode()))
