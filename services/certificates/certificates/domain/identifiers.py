"""How certificates and awards are named: serials nobody can count through, and award ids
derived from what they honour, so that the same list sent twice issues nothing twice."""
from __future__ import annotations

import hashlib
import json
import secrets

from forumops_shared.tickets import CODE_ALPHABET

SERIAL_GROUPS = 3  # XXXX-XXXX-XXXX from 30 unambiguous characters: 30^12 ≈ 5.3e17 (59 bits)


def new_serial() -> str:
    """A printable serial from a CSPRNG: no order, no checksum to guess."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(4 * SERIAL_GROUPS))
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def award_id(forum: str, category: dict, recipient: dict) -> str:
    """The organiser's `ref` (an application number) when given, else the name and organisation,
    case-folded, within the forum and the category."""
    who = (["ref", recipient["ref"]] if recipient.get("ref") else
           ["name", recipient["name"].casefold(), (recipient.get("organisation") or "").casefold()])
    key = json.dumps([forum, category["vi"].casefold(), who], ensure_ascii=False)
    return "aw-" + hashlib.sha256(key.encode()).hexdigest()[:40]
