"""Email from a service: staged in its own database with the fact it tells of, sent by its worker.

A use case stages a message (`stage_mail`) in the transaction that changes the fact, so a crash
never loses nor invents one, and what it carries (a manage link) never travels through Kafka.
Its key (say "confirmation:<registration id>:<ticket version>") makes staging it twice, for an
event delivered twice, one message; the key also makes its `Message-ID`, the same at every try.

The worker's `MailSender` sends what is due, paced to a rate, over SMTP (`FORUMOPS_SMTP_URL`):
a temporary refusal (4xx) or a relay that is away is tried again with growing delays for up to
a day; a permanent refusal (5xx) is recorded with its reason for organisers to see. Erasing a
person removes their messages, queued or sent (`forget_mail`).
"""
from __future__ import annotations

import json
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import formataddr
from typing import Callable, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Column, Engine, Index, Integer, LargeBinary, MetaData, String, Table, Text, delete, select, update
from sqlalchemy.engine import Connection

from .clock import SYSTEM_CLOCK, Clock
from .db import UtcDateTime, insert_ignore, insert_ignore_all, readonly, write_transaction

GIVE_UP_AFTER = timedelta(days=1)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)

metadata = MetaData()


def _mail_table(meta: MetaData) -> Table:
    table = Table(
        "mail_outbox", meta,
        Column("key", String(200), primary_key=True),  # what it is about: staged once
        Column("forum", String(100), nullable=True),
        Column("subject_id", String(64), nullable=True),  # whose it is (a registration id): erasure finds it
        Column("kind", String(40), nullable=False),  # "confirmation", "certificate", ...
        Column("recipient", String(320), nullable=False),
        # What to write (JSON, for the service's renderer, read when it goes out), or the whole
        # message as it goes out; both dropped once it went: it may carry a manage link.
        Column("params", Text, nullable=True),
        Column("message", LargeBinary, nullable=True),
        Column("status", String(10), nullable=False),  # queued, sent, failed; dropped: nothing left to say
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("next_attempt_at", UtcDateTime(), nullable=False),
        Column("last_error", Text, nullable=True),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("sent_at", UtcDateTime(), nullable=True),
    )
    Index("ix_mail_outbox_due", table.c.status, table.c.next_attempt_at)  # the sender's question
    # No index on subject_id: an erasure (rare) reads the table through rather than every
    # registration (the hot path) writing one more index.
    return table


mail_outbox = _mail_table(metadata)


def create_mail_outbox_v1(op) -> None:
    """For a service's migration: the table as version 1 defines it."""
    _mail_table(MetaData()).create(op.get_bind())


def drop_mail_outbox_v1(op) -> None:
    op.drop_table("mail_outbox")


# -- settings ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SmtpSettings:
    """Where mail goes: `smtp://user:pass@host:587?starttls=1` or `smtps://host:465`."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool = False  # smtps: TLS from the first byte
    starttls: bool = False
    timeout_s: float = 30.0

    @classmethod
    def from_url(cls, url: str) -> "SmtpSettings":
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("FORUMOPS_SMTP_URL must look like smtp://user:pass@host:587?starttls=1 or smtps://host:465")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return cls(host=parts.hostname, port=parts.port or (465 if parts.scheme == "smtps" else 25),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   tls=parts.scheme == "smtps", starttls=query.get("starttls") in ("1", "true", "yes"),
                   timeout_s=float(query.get("timeout", 30)))


# -- messages ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf", "text/calendar", "image/png"
    data: bytes
    inline_id: str | None = None  # an image the HTML part shows (cid:<inline_id>)


@dataclass(frozen=True)
class Mail:
    to: str
    to_name: str | None
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()


def compose(mail: Mail, *, sender: str, message_id: str) -> EmailMessage:
    """A MIME message: text and HTML alternatives, inline images, attachments; UTF-8 throughout
    (names and subjects in Vietnamese come out exactly)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((mail.to_name, mail.to)) if mail.to_name else mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = message_id
    message.set_content(mail.text, charset="utf-8")
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html", charset="utf-8")
        html_part = message.get_payload()[-1]
        for image in (a for a in mail.attachments if a.inline_id):
            maintype, subtype = image.content_type.split("/", 1)
            html_part.add_related(image.data, maintype=maintype, subtype=subtype, cid=f"<{image.inline_id}>",
                                  filename=image.filename, disposition="inline")
    for attachment in (a for a in mail.attachments if not a.inline_id):
        maintype, subtype = attachment.content_type.split("/", 1)
        if maintype == "text":  # UTF-8 text (a calendar with Vietnamese in it), said so
            message.add_attachment(attachment.data.decode("utf-8"), subtype=subtype, charset="utf-8",
                                   filename=attachment.filename)
        else:
            message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def message_id_for(key: str, domain: str) -> str:
    """The same Message-ID for the same message at every try (and a receiver can tell repeats)."""
    safe = "".join(c if c.isalnum() or c in "-._" else "." for c in key)
    return f"<{safe}@{domain}>"


def stage_mail(conn: Connection, *, key: str, kind: str, mail: Mail, sender: str, domain: str,
               now: datetime, forum: str | None = None, subject_id: str | None = None) -> bool:
    """Queue `mail` in the caller's transaction; False when a message of that key is queued or
    was sent already (an event delivered twice)."""
    message = compose(mail, sender=sender, message_id=message_id_for(key, domain))
    return insert_ignore(conn, mail_outbox, {
        "key": key, "forum": forum, "subject_id": subject_id, "kind": kind, "recipient": mail.to,
        "message": message.as_bytes(policy=policy.SMTP),  # CRLF line ends, as SMTP carries them
        "status": "queued", "attempts": 0, "next_attempt_at": now,
        "created_at": now}) is not None


def request_mail(conn: Connection, rows: list[dict], now: datetime) -> None:
    """Queue messages the service's renderer writes when they go out, in the caller's
    transaction; each row: key, kind, recipient, params (a dict), forum, subject_id. A key queued
    before is skipped (an event delivered twice)."""
    if rows:
        insert_ignore_all(conn, mail_outbox, [{
            "key": r["key"], "kind": r["kind"], "recipient": r["recipient"], "params": json.dumps(r["params"]),
            "forum": r.get("forum"), "subject_id": r.get("subject_id"), "status": "queued", "attempts": 0,
            "next_attempt_at": now, "created_at": now} for r in rows], returning=())


def forget_mail(conn: Connection, subject_id: str) -> int:
    """Erasure: every message to or about the person, queued or sent, is gone."""
    return conn.execute(delete(mail_outbox).where(mail_outbox.c.subject_id == subject_id)).rowcount


# -- delivery ------------------------------------------------------------------------------------

class TemporaryFailure(Exception):
    """Try again later: a 4xx answer, or no relay to talk to."""


class PermanentFailure(Exception):
    """The relay said no for good (5xx): record it, never try again."""


class SmtpTransport:
    """One SMTP session at a time, opened when a pass has mail to send and closed after it."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def session(self) -> "SmtpSession":
        return SmtpSession(self.settings)


class SmtpSession:
    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpSession":
        s = self.settings
        try:
            if s.tls:
                self._smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=ssl.create_default_context())
            else:
                self._smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
                if s.starttls:
                    self._smtp.starttls(context=ssl.create_default_context())
            if s.username:
                self._smtp.login(s.username, s.password or "")
        except smtplib.SMTPResponseException as exc:
            self._close()
            raise _failure(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise TemporaryFailure(f"no relay at {s.host}:{s.port}: {exc}") from exc
        return self

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        try:
            refused = self._smtp.sendmail(sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = next(iter(exc.recipients.values()))
            raise _failure(code, reason) from exc
        except smtplib.SMTPResponseException as exc:
            raise _failure(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"the relay went away: {exc}") from exc
        if refused:
            code, reason = refused[recipient]
            raise _failure(code, reason)

    def __exit__(self, *exc) -> None:
        self._close()

    def _close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def _failure(code: int, reason) -> Exception:
    text = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
    kind = PermanentFailure if code >= 500 else TemporaryFailure
    return kind(f"{code} {text}")


# What a service writes for one queued message (a Mail), reading its database; None when there
# is nothing to tell any more.
Renderer = Callable[[Connection, str, dict], "Mail | None"]


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


class MailSender:
    """Sends the due messages of one service's outbox, at most `rate` per second."""

    def __init__(self, engine: Engine, transport: SmtpTransport, sender: str, *, rate: float = 20.0,
                 clock: Clock = SYSTEM_CLOCK, render: "Renderer | None" = None, domain: str = "localhost"):
        self.engine, self.transport, self.sender, self.rate, self.clock = engine, transport, sender, rate, clock
        self.render, self.domain = render, domain

    def send_due(self, limit: int | None = None) -> SendReport:
        """One pass: up to `limit` (a second's worth at the rate) of the messages now due."""
        report = SendReport()
        due = self._due(limit or max(1, int(self.rate)))
        if not due:
            return report
        try:
            with self.transport.session() as session:
                for row in due:
                    message = self._message(row)
                    if message is None:  # nothing left to tell (the person was erased meanwhile)
                        self._record(row, "dropped", "nothing to send any more")
                        continue
                    try:
                        session.send(self.sender, row.recipient, message)
                    except PermanentFailure as exc:
                        self._record(row, "failed", str(exc))
                        report.failed += 1
                    except TemporaryFailure as exc:
                        report.retried += self._later(row, str(exc))
                    else:
                        self._record(row, "sent", None)
                        report.sent += 1
        except TemporaryFailure as exc:  # no session at all: every message of the pass waits
            for row in due:
                report.retried += self._later(row, str(exc))
        return report

    def _message(self, row) -> bytes | None:
        if row.message is not None:
            return row.message
        with readonly(self.engine).connect() as conn:
            mail = self.render(conn, row.kind, json.loads(row.params))
        if mail is None:
            return None
        return compose(mail, sender=self.sender, message_id=message_id_for(row.key, self.domain)).as_bytes(
            policy=policy.SMTP)

    def _due(self, limit: int) -> list:
        m = mail_outbox
        with self.engine.connect() as conn:
            return conn.execute(select(m.c.key, m.c.kind, m.c.recipient, m.c.params, m.c.message,
                                       m.c.attempts, m.c.created_at)
                                .where(m.c.status == "queued", m.c.next_attempt_at <= self.clock.now())
                                .order_by(m.c.next_attempt_at, m.c.created_at).limit(limit)).all()

    def _record(self, row, status: str, error: str | None) -> None:
        now = self.clock.now()
        with write_transaction(self.engine) as conn:
            conn.execute(update(mail_outbox).where(mail_outbox.c.key == row.key).values(
                status=status, attempts=row.attempts + 1, last_error=error, params=None, message=None,
                sent_at=now if status == "sent" else None))

    def _later(self, row, error: str) -> int:
        """Tried again after a growing wait; given up (failed) once a day has gone. 1 if retried."""
        now = self.clock.now()
        if now - row.created_at >= GIVE_UP_AFTER:
            self._record(row, "failed", f"gave up after a day: {error}")
            return 0
        wait = min(FIRST_RETRY * (2 ** row.attempts), LONGEST_WAIT)
        with write_transaction(self.engine) as conn:
            conn.execute(update(mail_outbox).where(mail_outbox.c.key == row.key).values(
                attempts=row.attempts + 1, last_error=error, next_attempt_at=now + wait))
        return 1


def failed_mail(conn: Connection, forum: str) -> Iterator:
    """The messages of a forum that will not arrive, for organisers: kind, recipient, reason."""
    m = mail_outbox
    yield from conn.execute(select(m.c.key, m.c.kind, m.c.recipient, m.c.attempts, m.c.last_error, m.c.created_at)
                            .where(m.c.forum == forum, m.c.status == "failed").order_by(m.c.created_at))
