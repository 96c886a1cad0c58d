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


def programme_award_id(programme: str, application_id: str, version: int) -> str:
    """A programme winner's certificate, as the results of `version` issued it: a correction that
    reissues (or a winner listed again after being removed) names a new one, while the winner's
    one valid certificate is kept unique by (programme, application) (tables.py)."""
    key = json.dumps(["programme", programme, application_id, version], ensure_ascii=False)
    return "aw-" + hashlib.sha256(key.encode()).hexdigest()[:40]
