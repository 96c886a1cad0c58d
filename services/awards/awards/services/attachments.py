"""Attachments: checked (count, size, type by content), kept as files outside the database.

A file is stored under a random name in the files folder (`ab/cdef…`, owner-only): the name it
was uploaded with is only ever shown back (Content-Disposition), never used as a path. Files are
written before the transaction that records them (no disk write holds the database's lock), and
discarded again if that transaction refuses or fails; a crash in between leaves a file that no
row names, never a row without its file.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Iterable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from forumops_shared.refusals import Refusal

from ..config import MAX_ATTACHMENTS
from ..domain.files import EXTENSIONS, content_type
from ..tables import attachments

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file as received: checked, its bytes in memory (at most the configured limit)."""

    file_name: str
    content_type: str
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_uploads(files: Iterable[tuple[str | None, BinaryIO]], *, limit: int, already: int = 0) -> list[Upload]:
    """Each (uploaded name, stream) read and checked: at most MAX_ATTACHMENTS with `already`
    kept, each at most `limit` bytes, not empty, a PDF, PNG or JPEG by its content."""
    files = list(files)
    require_room(already + len(files))
    uploads = []
    for position, (name, stream) in enumerate(files):
        label = clean_name(name, position)
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise Refusal("attachment_too_large", {"attachments": {label: [f"At most {limit} bytes."]}},
                          detail={"limit": limit})
        if not data:
            raise Refusal("attachment_empty", {"attachments": {label: ["The file is empty."]}})
        kind = content_type(data[:16])
        if kind is None:
            raise Refusal("attachment_type_not_allowed", {"attachments": {label: ["Not a PDF, JPEG or PNG file."]}},
                          detail={"allowed": sorted(EXTENSIONS)})
        uploads.append(Upload(label, kind, data))
    return uploads


def require_room(count: int) -> None:
    """An application holds at most MAX_ATTACHMENTS files."""
    if count > MAX_ATTACHMENTS:
        raise Refusal("too_many_attachments", {"attachments": [f"At most {MAX_ATTACHMENTS} files."]},
                      detail={"max": MAX_ATTACHMENTS, "given": count})


def clean_name(name: str | None, position: int) -> str:
    """The uploaded name as shown back: its last path part, NFC, no control characters, at most
    200 characters (kept with its extension); a name for a file sent without one."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else base[:200]
    return base or f"attachment-{position + 1}"


class FileStore:
    """The files folder (owner-only): each attachment's bytes under a random name of their own,
    so that removing one never touches another's (nor needs to ask who else uses the bytes)."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, name: str) -> Path:
        if len(name) != 32 or not all(c in "0123456789abcdef" for c in name):
            raise ValueError("not a stored file's name")
        return self.root / name[:2] / name[2:]

    def keep(self, upload: Upload) -> str:
        """Write the bytes, whole or not at all; their stored name."""
        name = secrets.token_hex(16)
        target = self.path(name)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        target.parent.mkdir(mode=0o700, exist_ok=True)
        temporary = target.parent / f".{name}.part"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(upload.data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
        return name

    def open(self, name: str) -> BinaryIO:
        return open(self.path(name), "rb")

    def discard(self, names: Iterable[str]) -> None:
        """Remove files no attachment names: one removed, or written for a submission then refused."""
        for name in names:
            self.path(name).unlink(missing_ok=True)


def record(conn: Connection, application_id: str, uploads: list[Upload], stored: list[str], now: datetime) -> list[dict]:
    rows = [{"id": secrets.token_hex(12), "application_id": application_id, "file_name": u.file_name,
             "content_type": u.content_type, "size": len(u.data), "stored_as": name, "created_at": now}
            for u, name in zip(uploads, stored)]
    if rows:
        conn.execute(attachments.insert(), rows)
    return [view(r) for r in rows]


def find(conn: Connection, application_id: str, attachment_id: str):
    """The application's attachment, or a refusal (another application's is not found either)."""
    found = conn.execute(select(attachments).where(attachments.c.id == attachment_id,
                                                   attachments.c.application_id == application_id)).first()
    if found is None:
        raise Refusal("attachment_not_found")
    return found


def remove(conn: Connection, found) -> str:
    conn.execute(attachments.delete().where(attachments.c.id == found.id))
    return found.stored_as


def count(conn: Connection, application_id: str) -> int:
    return conn.execute(select(func.count()).where(attachments.c.application_id == application_id)).scalar_one()


def of(conn: Connection, application_id: str) -> list[dict]:
    rows = conn.execute(select(attachments).where(attachments.c.application_id == application_id)
                        .order_by(attachments.c.seq)).mappings().all()
    return [view(r) for r in rows]


def view(row) -> dict:
    return {"id": row["id"], "file_name": row["file_name"], "content_type": row["content_type"], "size": row["size"]}
