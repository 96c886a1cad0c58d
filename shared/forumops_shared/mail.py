"""Email from a service: staged in its own database with the fact it tells of, sent by its worker.

A use case queues a message (`request_mail`: its kind and what the service's renderer needs to
write it) in the transaction that changes the fact, so a crash never loses nor invents one, and
what it carries (a manage link) never travels through Kafka. Its key (say
"confirmation:<registration id>:1") makes queuing it twice, for an event delivered twice, one
message; the key also makes its `Message-ID`, the same at every try. The message is written
when it goes out, from the facts as they are then (`Service.mail`, the renderer).

The worker's `MailSender` sends what is due, paced to a rate, over SMTP (`FORUMOPS_SMTP_URL`):
a temporary refusal (4xx) or a relay that is away is tried again with growing delays for up to
a day; a permanent refusal (5xx) is recorded with its reason for organisers to see. Erasing a
person removes their messages, queued or sent (`forget_mail`).
"""
from __future__ import annotations

import json
import logging
import queue
import secrets
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import encoders, policy
from email.charset import Charset
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, parseaddr
from typing import Callable, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import (Column, Engine, Index, Integer, LargeBinary, MetaData, String, Table, Text, bindparam,
                        delete, select, update)
from sqlalchemy.engine import Connection

from .clock import SYSTEM_CLOCK, Clock
from .db import UtcDateTime, insert_ignore_all, readonly, write_transaction

log = logging.getLogger(__name__)

GIVE_UP_AFTER = timedelta(days=1)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)

metadata = MetaData()


def _mail_table(meta: MetaData, version: int = 2) -> Table:
    table = Table(
        "mail_outbox", meta,
        Column("key", String(200), primary_key=True),  # what it is about: staged once
        Column("forum", String(100), nullable=True),
        Column("subject_id", String(64), nullable=True),  # whose it is (a registration id): erasure finds it
        Column("kind", String(40), nullable=False),  # "confirmation", "certificate", ...
        Column("recipient", String(320), nullable=False),
        # What to write (JSON, for the service's renderer, read when it goes out); dropped once
        # it went: it may carry a manage link.
        Column("params", Text, nullable=True),
        # Version 1 could also hold a whole message composed when it was queued; nothing did.
        *([Column("message", LargeBinary, nullable=True)] if version == 1 else []),
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
    _mail_table(MetaData(), version=1).create(op.get_bind())


def mail_outbox_v2(op) -> None:
    """For a service's migration: version 2 has no pre-composed messages (every message is
    written by the service's renderer when it goes out)."""
    with op.batch_alter_table("mail_outbox") as table:
        table.drop_column("message")


def mail_outbox_back_to_v1(op) -> None:
    with op.batch_alter_table("mail_outbox") as table:
        table.add_column(Column("message", LargeBinary, nullable=True))


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


def compose(mail: Mail, *, sender: str, message_id: str) -> bytes:
    """The message as SMTP carries it (CRLF line ends): text and HTML alternatives, the HTML's
    inline images, attachments; UTF-8 throughout (names and subjects in Vietnamese come out
    exactly, non-ASCII file names in RFC 2231).

    Built with the standard library's `email.mime` classes under the `compat32` policy, which
    writes headers as it is given them: the modern `EmailMessage` parses every header it sets
    (about 30 a confirmation; 3.6 ms of a sender's CPU a message, against 0.9 ms here), and its
    folding of a long Vietnamese subject drops the space between two encoded words."""
    body: MIMEBase = _text_part(mail.text, "plain")
    if mail.html is not None:
        html: MIMEBase = _text_part(mail.html, "html")
        images = [_part(a, "inline") for a in mail.attachments if a.inline_id]
        if images:
            html = _multipart("related", [html, *images])
        body = _multipart("alternative", [body, html])
    attached = [_part(a, "attachment") for a in mail.attachments if not a.inline_id]
    message = _multipart("mixed", [body, *attached]) if attached else body
    message["From"] = _address(*parseaddr(sender))
    message["To"] = _address(mail.to_name, mail.to)
    message["Subject"] = Header(" ".join(mail.subject.splitlines()), "utf-8")
    message["Message-ID"] = message_id
    return message.as_bytes(policy=_AS_SMTP_CARRIES_IT)


_AS_SMTP_CARRIES_IT = policy.compat32.clone(linesep="\r\n")
_UTF8_AS_IT_IS = Charset("utf-8")
_UTF8_AS_IT_IS.body_encoding = None  # 8bit: Vietnamese text as it is, not a third longer in base64
LONGEST_LINE = 998  # bytes, without its line end (RFC 5322)


def _text_part(text: str, subtype: str) -> MIMEText:
    """A UTF-8 text part: 8bit when every line fits SMTP's limit (every relay today takes
    8BITMIME), else base64 (an announcement's paragraph typed as one long line)."""
    fits = all(len(line.encode()) <= LONGEST_LINE for line in text.splitlines())
    return MIMEText(text, subtype, _UTF8_AS_IT_IS if fits else "utf-8")


def _multipart(subtype: str, parts: list[MIMEBase]) -> MIMEMultipart:
    """With a boundary of 96 random bits given, not drawn by the generator, which then compiles a
    regular expression for it and searches the whole message (a third of composing's time)."""
    return MIMEMultipart(subtype, boundary=f"=_{secrets.token_hex(12)}", _subparts=parts)


def _address(name: str | None, address: str) -> str:
    if not address.isascii():  # SMTP carries it only over SMTPUTF8, which this sender does not ask for
        raise PermanentFailure(f"the address cannot be written in SMTP: {address}")
    return formataddr((" ".join(name.splitlines()), address), charset="utf-8") if name else address


def _part(attachment: Attachment, disposition: str) -> MIMEBase:
    maintype, subtype = attachment.content_type.split("/", 1)
    if maintype == "text":  # UTF-8 text (a calendar with Vietnamese in it), said so
        part: MIMEBase = MIMEText(attachment.data.decode("utf-8"), subtype, "utf-8")
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(attachment.data)
        encoders.encode_base64(part)
    filename = attachment.filename if attachment.filename.isascii() else ("utf-8", "", attachment.filename)
    part.add_header("Content-Disposition", disposition, filename=filename)
    if attachment.inline_id:
        part.add_header("Content-ID", f"<{attachment.inline_id}>")
    return part


def message_id_for(key: str, domain: str) -> str:
    """The same Message-ID for the same message at every try (and a receiver can tell repeats)."""
    safe = "".join(c if c.isalnum() or c in "-._" else "." for c in key)
    return f"<{safe}@{domain}>"


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


class RelayAway(TemporaryFailure):
    """No session could be opened: the rest of the pass waits too."""


class SessionLost(TemporaryFailure):
    """The relay closed the session before this message was handed over (a kept session it timed
    out, a 421 to MAIL FROM): sending it on a new session cannot make a second copy."""


class CannotWrite(TemporaryFailure):
    """The service's renderer failed on this message (its database away a moment, or a fault):
    tried again later like a relay's 4xx, and failed after a day, so that one message never
    holds up the others."""


class PermanentFailure(Exception):
    """The relay said no for good (5xx): record it, never try again."""


class SmtpTransport:
    """Opens SMTP sessions to the relay (the sender keeps one open across passes while there is mail)."""

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
            self._smtp.ehlo_or_helo_if_needed()
        except smtplib.SMTPResponseException as exc:  # even a 5xx here is about the relay, not a message
            self._close()
            raise RelayAway(f"{exc.smtp_code} {_text(exc.smtp_error)}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise RelayAway(f"no relay at {s.host}:{s.port}: {exc}") from exc
        return self

    @property
    def open(self) -> bool:
        return self._smtp is not None

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        """MAIL, RCPT, DATA (what smtplib's sendmail does), telling apart a session that was gone
        before the message was handed over (SessionLost) from one lost after (TemporaryFailure)."""
        smtp = self._smtp
        if smtp is None:
            raise SessionLost("the session is closed")
        options = [f"size={len(message)}"] if smtp.has_extn("size") else []
        try:
            code, reply = smtp.mail(sender, options)
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise SessionLost(f"the relay closed the session: {exc}") from exc
        if code == 421:
            self._close()
            raise SessionLost(f"{code} {_text(reply)}")
        try:
            if code != 250:
                self._reset()
                raise _failure(code, reply)
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                self._reset()
                raise _failure(code, reply)
            code, reply = smtp.data(message)
            if code != 250:
                self._reset()
                raise _failure(code, reply)
        except smtplib.SMTPResponseException as exc:
            self._after_refusal(exc.smtp_code)
            raise _failure(exc.smtp_code, exc.smtp_error) from exc
        except UnicodeError as exc:  # an address with accents, and no SMTPUTF8 asked for
            self._reset()
            raise PermanentFailure(f"the address cannot be written in SMTP: {exc}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise TemporaryFailure(f"the relay went away: {exc}") from exc
        except (TemporaryFailure, PermanentFailure) as exc:
            self._after_refusal(int(str(exc)[:3]) if str(exc)[:3].isdigit() else 0)
            raise

    def _reset(self) -> None:
        try:
            self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._close()

    def _after_refusal(self, code: int) -> None:
        if code == 421:  # "closing the transmission channel": the next message needs a new session
            self._close()

    def __exit__(self, *exc) -> None:
        self._close()

    def close(self) -> None:
        self._close()

    def _close(self) -> None:
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


def _text(reason) -> str:
    return reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)


def _failure(code: int, reason) -> Exception:
    kind = PermanentFailure if code >= 500 else TemporaryFailure
    return kind(f"{code} {_text(reason)}")


# What a service writes for one queued message (a Mail), reading its database; None when there
# is nothing to tell any more.
Renderer = Callable[[Connection, str, dict], "Mail | None"]

# A session kept open with nothing to send is closed after this long (relays drop idle sessions
# after a minute or five; holding one costs them a slot).
IDLE_CLOSE_S = 10.0
# A pass records what it sent every this many messages (and at its end): fewer write transactions
# than one per message, and a crash mid-pass sends again at most this many (same Message-ID).
RECORD_EVERY = 50
# How many messages are rendered ahead of the one on the wire.
RENDER_AHEAD = 16


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed


class MailSender:
    """Sends the due messages of one service's outbox, at most `rate` per second.

    A pass takes what is due (up to `limit`), renders each a few messages ahead of the one being
    sent (in a thread: the rendering's CPU overlaps the relay's answers), sends them over one SMTP
    session kept open across passes while there is mail (reopened when the relay closed it;
    closed after IDLE_CLOSE_S without mail, and by `close`), and records the outcomes in one
    write transaction per RECORD_EVERY messages.
    """

    def __init__(self, engine: Engine, transport: SmtpTransport, sender: str, *, rate: float = 20.0,
                 clock: Clock = SYSTEM_CLOCK, render: "Renderer | None" = None, domain: str = "localhost"):
        self.engine, self.transport, self.sender, self.rate, self.clock = engine, transport, sender, rate, clock
        self.render, self.domain = render, domain
        self._session: SmtpSession | None = None
        self._last_sent = float("-inf")

    def send_due(self, limit: int | None = None, budget_s: float | None = None) -> SendReport:
        """One pass: up to `limit` (a second's worth at the rate) of the messages now due; with
        `budget_s`, no new message is started once that many seconds have gone (the rest stay
        queued, untouched, for the next pass)."""
        report = SendReport()
        due = self._due(limit or max(1, int(self.rate)))
        if not due:
            if self._session is not None and self.clock.monotonic() - self._last_sent > IDLE_CLOSE_S:
                self.close()
            return report
        started = time.monotonic()
        outcomes: list[tuple] = []  # (row, status, error): "sent", "failed", "dropped" or "later"
        renderer = _Ahead(self.engine, self._message, due)
        try:
            for row, message in renderer:
                if budget_s is not None and report.attempted + len(outcomes) and time.monotonic() - started > budget_s:
                    break  # one message at least, however slow the relay
                if message is None:  # nothing left to tell (the person was erased meanwhile)
                    outcomes.append((row, "dropped", "nothing to send any more"))
                elif isinstance(message, (RelayAway, CannotWrite)):
                    outcomes.append((row, "later", str(message)))
                elif isinstance(message, PermanentFailure):
                    outcomes.append((row, "failed", str(message)))
                else:
                    try:
                        self._send(row.recipient, message)
                    except PermanentFailure as exc:
                        outcomes.append((row, "failed", str(exc)))
                    except RelayAway as exc:  # no session at all: this message and the rest of the pass wait
                        outcomes.append((row, "later", str(exc)))
                        renderer.fail_rest(exc)
                    except TemporaryFailure as exc:
                        outcomes.append((row, "later", str(exc)))
                    else:
                        outcomes.append((row, "sent", None))
                if len(outcomes) >= RECORD_EVERY:
                    self._record(outcomes, report)
                    outcomes = []
        finally:
            renderer.stop()
            self._record(outcomes, report)
        return report

    def close(self) -> None:
        """Quit the kept session (the worker stopping, or no mail for a while)."""
        if self._session is not None:
            session, self._session = self._session, None
            session.close()

    def _send(self, recipient: str, message: bytes) -> None:
        for attempt in (1, 2):
            if self._session is None or not self._session.open:
                self._session = self.transport.session().__enter__()  # RelayAway when there is none
            try:
                self._session.send(self.sender, recipient, message)
                self._last_sent = self.clock.monotonic()
                return
            except SessionLost:  # closed before the message went: once more on a new session
                self._session = None
                if attempt == 2:
                    raise

    def _message(self, conn: Connection, row) -> bytes | None:
        mail = self.render(conn, row.kind, json.loads(row.params))
        if mail is None:
            return None
        return compose(mail, sender=self.sender, message_id=message_id_for(row.key, self.domain))

    def _due(self, limit: int) -> list:
        m = mail_outbox
        with self.engine.connect() as conn:
            return conn.execute(select(m.c.key, m.c.kind, m.c.recipient, m.c.params,
                                       m.c.attempts, m.c.created_at)
                                .where(m.c.status == "queued", m.c.next_attempt_at <= self.clock.now())
                                .order_by(m.c.next_attempt_at, m.c.created_at).limit(limit)).all()

    def _record(self, outcomes: list[tuple], report: SendReport) -> None:
        """The outcomes of part of a pass, in one write transaction. A message that could not go
        waits longer each time (FIRST_RETRY doubling, at most LONGEST_WAIT) and is given up
        (failed) once a day has gone since it was queued."""
        if not outcomes:
            return
        now, m = self.clock.now(), mail_outbox
        done, later = [], []
        for row, status, error in outcomes:
            if status == "later" and now - row.created_at >= GIVE_UP_AFTER:
                status, error = "failed", f"gave up after a day: {error}"
            if status == "later":
                later.append({"k": row.key, "a": row.attempts + 1, "e": error,
                              "n": now + min(FIRST_RETRY * (2 ** row.attempts), LONGEST_WAIT)})
                report.retried += 1
            else:
                done.append({"k": row.key, "s": status, "a": row.attempts + 1, "e": error,
                             "t": now if status == "sent" else None})
                if status == "sent":
                    report.sent += 1
                elif status == "failed":
                    report.failed += 1
        with write_transaction(self.engine) as conn:
            if done:
                conn.execute(update(m).where(m.c.key == bindparam("k")).values(
                    status=bindparam("s"), attempts=bindparam("a"), last_error=bindparam("e"), params=None,
                    sent_at=bindparam("t")), done)
            if later:
                conn.execute(update(m).where(m.c.key == bindparam("k")).values(
                    attempts=bindparam("a"), last_error=bindparam("e"), next_attempt_at=bindparam("n")), later)


class _Ahead:
    """(row, message) for each row in order, the messages rendered by a thread RENDER_AHEAD ahead
    of the reader, on one read-only connection. A message that could not be written comes out as
    CannotWrite (it waits like a temporary failure, and never holds up the others); the
    connection failing raises in the reader."""

    def __init__(self, engine: Engine, render: Callable[[Connection, object], "bytes | None"], rows: list):
        self._engine, self._render, self._rows = engine, render, rows
        self._ready: queue.Queue = queue.Queue(maxsize=RENDER_AHEAD)
        self._stopped = threading.Event()
        self._failed_with: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="mail-render", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with readonly(self._engine).connect() as conn:
                for row in self._rows:
                    if self._stopped.is_set():
                        return
                    if self._failed_with is not None:  # no relay: no use rendering the rest
                        self._put((row, self._failed_with, None))
                        continue
                    try:
                        item = (row, self._render(conn, row), None)
                    except PermanentFailure as exc:
                        item = (row, None, exc)
                    except Exception as exc:  # noqa: BLE001 - handed to the reader with its row
                        log.exception("mail %s could not be written", row.key)
                        item = (row, None, exc)
                    self._put(item)
        except Exception as exc:  # noqa: BLE001 - the database away: the reader raises it
            self._put((None, None, exc))
        finally:
            self._put(None)

    def _put(self, item) -> None:
        while not self._stopped.is_set():
            try:
                self._ready.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self):
        while True:
            item = self._ready.get()
            if item is None:
                return
            row, message, error = item
            if error is not None and row is None:  # no connection to read with: the pass stops
                raise error
            if isinstance(error, PermanentFailure):  # it never can be: failed, with why
                message = error
            elif error is not None:  # this message could not be written: it waits, the rest go on
                message = CannotWrite(f"could not be written: {type(error).__name__}: {error}")
            if self._failed_with is not None:
                message = self._failed_with
            yield row, message

    def fail_rest(self, error: Exception) -> None:
        """The rows not yet read come out with `error` for their message."""
        self._failed_with = error

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()


def forum_mail(conn: Connection, forum: str, status: str, limit: int = 1000) -> Iterator:
    """A forum's messages in `status` (queued, sent, failed, dropped), newest first, for
    organisers: kind, recipient, tries, the relay's last answer."""
    m = mail_outbox
    yield from conn.execute(select(m.c.key, m.c.kind, m.c.recipient, m.c.status, m.c.attempts, m.c.last_error,
                                   m.c.created_at, m.c.sent_at)
                            .where(m.c.forum == forum, m.c.status == status)
                            .order_by(m.c.created_at.desc(), m.c.key).limit(limit))
