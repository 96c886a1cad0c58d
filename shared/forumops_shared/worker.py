"""A service's background process: its outbox relay, its consumer (when its handlers need
events) and its chores, until SIGTERM.

`<service>-worker` (or `python -m forumops_shared.worker <service>`) runs it from the settings
in the environment.
"""
from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass

from sqlalchemy import Engine

from .clock import SYSTEM_CLOCK, Clock
from .config import ServiceSettings, load_settings
from .consumer import ConsumerRunner
from .db import SQLITE_BUSY_TIMEOUT_MS, make_engine
from .kafka_clients import make_consumer, make_producer, make_reader
from .logs import configure_logging
from .mail import MailSender, SmtpSettings, SmtpTransport
from .lease import Lease
from .relay import OutboxRelay
from .service import Chore, Service, service_named_on_command_line

log = logging.getLogger(__name__)


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT ask the loops to finish the message in hand and close."""
    def _request_stop(signum, _frame):
        log.info("received %s; finishing the current message", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _request_stop)
    signal.signal(signal.SIGINT, _request_stop)


@dataclass
class Worker:
    service: Service
    settings: ServiceSettings
    engine: Engine
    clock: Clock = SYSTEM_CLOCK

    def relay(self) -> OutboxRelay:
        s = self.settings
        lease = Lease(self.engine, "outbox-relay", s.instance_id, s.relay_lease_seconds, self.clock)
        return OutboxRelay(self.engine, lambda: make_producer(s, "relay"),
                           topic_prefix=s.topic_prefix, lease=lease)

    def consumer(self) -> ConsumerRunner:
        s = self.settings
        return ConsumerRunner(
            name=s.consumer_group, engine=self.engine, handlers=self.service.handlers,
            topics=self.service.consumes, topic_prefix=s.topic_prefix, dlq_topic=s.dlq_topic,
            consumer_factory=lambda: make_consumer(s),
            producer_factory=lambda: make_producer(s, "dlq"), reader_factory=lambda: make_reader(s))

    def run(self, stop: threading.Event) -> None:
        """Run the relay and the chores in threads and the consumer (if any) here, until `stop` is set."""
        relay_thread = threading.Thread(target=self.relay().run, args=(stop,), name="outbox-relay")
        relay_thread.start()
        chores_thread = threading.Thread(target=self._run_chores, args=(stop,), name="chores")
        chores_thread.start()
        mail_thread = None
        if self.service.mail is not None and self.settings.smtp_url:
            mail_thread = threading.Thread(target=self._send_mail, args=(stop,), name="mail")
            mail_thread.start()
        log.info("worker started", extra={"topics": self.service.consumes})
        try:
            if self.service.handlers:
                self.consumer().run(stop)
            else:
                stop.wait()
        finally:
            stop.set()
            relay_thread.join()
            chores_thread.join()
            if mail_thread is not None:
                mail_thread.join()
            self.engine.dispose()
            log.info("worker stopped")

    def _send_mail(self, stop: threading.Event) -> None:
        """The mail outbox, paced to FORUMOPS_MAIL_RATE: a pass sends at most a second's worth,
        and the next starts no sooner than its messages' share of a second at the rate after
        it began (so a fast sender keeps to the rate, a slow one sends as fast as it can). A pass
        stops starting messages once a quarter of the lease has gone, so it ends while the lease
        is held. One sender per service at a time (a lease, as the relay's). With nothing due, it
        looks again every MAIL_IDLE_POLL_S."""
        s = self.settings
        sender = MailSender(self.engine, SmtpTransport(SmtpSettings.from_url(s.smtp_url)), s.mail_from,
                            rate=s.mail_rate, clock=self.clock,
                            render=lambda conn, kind, params: self.service.mail(conn, kind, params, s),
                            domain=s.mail_from.rpartition("@")[2].rstrip(">") or "localhost")
        lease = Lease(self.engine, "mail-sender", s.instance_id, s.relay_lease_seconds, self.clock)
        try:
            while not stop.is_set():
                started = self.clock.monotonic()
                try:
                    done = sender.send_due(budget_s=s.relay_lease_seconds / 4).attempted if lease.acquire() else 0
                except Exception:  # noqa: BLE001 - the database away: try again at the next turn
                    log.exception("mail pass failed")
                    done = 0
                if done:
                    stop.wait(max(started + done / s.mail_rate - self.clock.monotonic(), 0.0))
                else:
                    stop.wait(MAIL_IDLE_POLL_S)
        finally:
            sender.close()

    @property
    def chores(self) -> tuple[Chore, ...]:
        """The service's own, and on SQLite the WAL's truncation (WAL_CHECKPOINT_EVERY_S)."""
        if self.engine.dialect.name == "sqlite":
            return (*self.service.chores, Chore(WAL_CHECKPOINT_EVERY_S, checkpoint_wal))
        return self.service.chores

    def _run_chores(self, stop: threading.Event) -> None:
        chores = self.chores
        due = [0.0] * len(chores)
        while not stop.wait(1.0):
            for i, chore in enumerate(chores):
                if self.clock.monotonic() >= due[i]:
                    try:
                        chore.job(self.engine)
                    except Exception:  # noqa: BLE001 - a chore retries at its next turn
                        log.exception("chore %s failed", getattr(chore.job, "__name__", chore.job))
                    due[i] = self.clock.monotonic() + chore.every_s


# How often an idle mail sender looks for due messages: at most this long before a new one goes.
MAIL_IDLE_POLL_S = 0.5


# SQLite's WAL keeps the pages a transaction replaced (an erased person's row among them) until
# it is checkpointed and its frames are written over; a truncating checkpoint bounds how long.
WAL_CHECKPOINT_EVERY_S = 600


def checkpoint_wal(engine: Engine, wait_ms: int = 100) -> bool:
    """Copy the WAL into the database file and empty it; False when a reader kept it (tried again
    at the next turn). Writers wait while it waits for readers: `wait_ms` at most, not the engine's
    busy timeout."""
    raw = engine.raw_connection()  # outside a transaction: inside its own, the checkpoint would wait on itself
    try:
        raw.driver_connection.execute(f"PRAGMA busy_timeout={wait_ms}")
        busy, _, _ = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.info("the WAL was in use: it is truncated at the next turn")
        return not busy
    finally:
        raw.driver_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        raw.close()


def build_worker(service: Service, settings: ServiceSettings) -> Worker:
    return Worker(service, settings, make_engine(settings.database_url))


def run_worker(service: Service) -> None:
    settings = load_settings(service.name)
    configure_logging(service.name, settings.log_level)
    stop = threading.Event()
    stop_on_signals(stop)
    build_worker(service, settings).run(stop)


def main(argv: list[str] | None = None) -> None:
    run_worker(service_named_on_command_line("forumops_shared.worker", argv))


if __name__ == "__main__":
    main()
