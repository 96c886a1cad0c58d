"""Process entry points shared by the services: the worker loop and stop signals."""
from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

from sqlalchemy import Engine

from .config import ServiceSettings
from .consumer import ConsumerRunner, Handler
from .kafka_clients import make_consumer, make_producer
from .outbox import Lease, OutboxRelay

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
    """One service's background process: its outbox relay and, if it consumes, its consumer."""

    settings: ServiceSettings
    engine: Engine
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    topics: list[str] = field(default_factory=list)
    # (every N seconds, job(engine)): small chores such as purging expired rows
    chores: list[tuple[float, Callable[[Engine], object]]] = field(default_factory=list)

    def relay(self) -> OutboxRelay:
        s = self.settings
        lease = Lease(self.engine, "outbox-relay", s.instance_id, s.relay_lease_seconds)
        return OutboxRelay(self.engine, lambda: make_producer(s, "relay"),
                           topic_prefix=s.topic_prefix, lease=lease)

    def consumer(self) -> ConsumerRunner:
        s = self.settings
        return ConsumerRunner(
            name=s.consumer_group, engine=self.engine, handlers=self.handlers, topics=self.topics,
            topic_prefix=s.topic_prefix, dlq_topic=s.dlq_topic,
            consumer_factory=lambda: make_consumer(s),
            producer_factory=lambda: make_producer(s, "dlq"))

    def run(self, stop: threading.Event) -> None:
        """Run the relay in a thread and the consumer (if any) here, until `stop` is set."""
        relay_thread = threading.Thread(target=self.relay().run, args=(stop,), name="outbox-relay")
        relay_thread.start()
        chores_thread = threading.Thread(target=self._run_chores, args=(stop,), name="chores")
        chores_thread.start()
        log.info("worker started", extra={"topics": self.topics})
        try:
            if self.topics:
                self.consumer().run(stop)
            else:
                stop.wait()
        finally:
            stop.set()
            relay_thread.join()
            chores_thread.join()
            self.engine.dispose()
            log.info("worker stopped")

    def _run_chores(self, stop: threading.Event) -> None:
        due = {i: 0.0 for i in range(len(self.chores))}
        while not stop.wait(1.0):
            for i, (every_s, job) in enumerate(self.chores):
                if time.monotonic() >= due[i]:
                    try:
                        job(self.engine)
                    except Exception:  # noqa: BLE001 - a chore retries at its next turn
                        log.exception("chore %s failed", getattr(job, "__name__", job))
                    due[i] = time.monotonic() + every_s
