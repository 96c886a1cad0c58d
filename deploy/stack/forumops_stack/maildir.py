"""Reading the local inbox (a Maildir that aiosmtpd fills): which messages, newest first, and
the parts of one, for the inbox page (inbox_page.py)."""
from __future__ import annotations

import email
import mailbox
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path
from urllib.parse import unquote

# mailbox.Maildir names a message "<seconds>.M<microseconds>P<pid>Q<n>.<host>": its arrival.
_ARRIVAL = re.compile(r"^(\d+)\.M(\d+)P")
_SUMMARIES: dict[tuple[str, str], "Summary"] = {}  # (folder, key): what the list shows of it


Person = tuple[str, str]  # a name (possibly empty) and an address


@dataclass(frozen=True)
class Summary:
    key: str
    arrived: datetime
    sender: tuple[Person, ...]
    to: tuple[Person, ...]
    subject: str

    def matches(self, query: str) -> bool:
        """Does `query` occur in its recipient, sender or subject (accents and case optional)?"""
        said = " ".join(f"{name} {address}" for name, address in (*self.to, *self.sender))
        return _folded(query) in _folded(f"{said} {self.subject}")


@dataclass(frozen=True)
class Part:
    index: int  # its place in the message's walk(): its address on the page
    filename: str | None
    content_type: str
    size: int
    inline: bool  # an image the HTML shows (cid:)


class Inbox:
    """The Maildir at `folder`, read afresh at each call (aiosmtpd adds to it meanwhile)."""

    def __init__(self, folder: Path):
        self.folder = str(folder)
        self.box = mailbox.Maildir(folder, factory=None, create=False)

    def keys(self, since: datetime | None = None) -> list[str]:
        """Every message's key, newest first; only those arrived at `since` or later if given
        (told by their file names: no message is read)."""
        keys = sorted(self.box.keys(), key=self._arrival_order, reverse=True)
        return keys if since is None else [k for k in keys if self._arrival(k) >= since]

    def summary(self, key: str) -> Summary:
        """Its sender, recipients and subject: read once (a delivered message never changes)."""
        known = _SUMMARIES.get((self.folder, key))
        if known is None:
            with self.box.get_file(key) as data:
                head = b""
                while b"\n\n" not in head.replace(b"\r\n", b"\n") and (chunk := data.read(8192)):
                    head += chunk
            headers = BytesHeaderParser(policy=policy.default).parsebytes(head)
            known = Summary(key, self._arrival(key), _people(headers["From"]), _people(headers["To"]),
                            str(headers["Subject"] or ""))
            if len(_SUMMARIES) > 100_000:
                _SUMMARIES.clear()
            _SUMMARIES[(self.folder, key)] = known
        return known

    def message(self, key: str) -> EmailMessage | None:
        try:
            return email.message_from_bytes(self.box.get_bytes(key), policy=policy.default)
        except KeyError:
            return None

    def _arrival_order(self, key: str) -> tuple[int, int, str]:
        found = _ARRIVAL.match(key)
        return (int(found[1]), int(found[2]), key) if found else (int(self.box.get_message(key).get_date()), 0, key)

    def _arrival(self, key: str) -> datetime:
        seconds, micro, _ = self._arrival_order(key)
        return datetime.fromtimestamp(seconds + micro / 1e6, timezone.utc)


def _people(header) -> tuple[Person, ...]:
    if header is None:
        return ()
    try:
        return tuple((a.display_name, a.addr_spec) for a in header.addresses)
    except AttributeError:  # not an address header after all (unparseable): as written
        return (("", str(header)),)


def bodies(message: EmailMessage) -> tuple[EmailMessage | None, EmailMessage | None]:
    """Its HTML and its plain-text body, either possibly absent."""
    return message.get_body(("html",)), message.get_body(("plain",))


def parts(message: EmailMessage) -> list[Part]:
    """Its attachments and inline images: every leaf that is not one of its bodies."""
    shown = [id(body) for body in bodies(message) if body is not None]
    found = []
    for index, part in enumerate(message.walk()):
        if part.is_multipart() or id(part) in shown:
            continue
        data = part.get_payload(decode=True) or b""
        found.append(Part(index, part.get_filename(), part.get_content_type(), len(data),
                          inline=part["Content-ID"] is not None and part.get_content_maintype() == "image"))
    return found


def part_at(message: EmailMessage, index: int) -> EmailMessage | None:
    leaves = [p for i, p in enumerate(message.walk()) if i == index and not p.is_multipart()]
    return leaves[0] if leaves else None


def part_with_cid(message: EmailMessage, cid: str) -> EmailMessage | None:
    wanted = f"<{unquote(cid)}>"
    return next((p for p in message.walk() if (p["Content-ID"] or "").strip() == wanted), None)


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
