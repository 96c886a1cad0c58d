"""The baseline for event processing: a bare consumer with the services' consumer settings that
does one SQLite insert per event, each in its own transaction, committing offsets after each poll.

    python ceiling_consumer.py BOOTSTRAP TOPIC DATABASE_URL COUNT

Prints "ready" once it has joined its group, and exits after COUNT inserts.
"""
from __future__ import annotations

import os
import sys
import time

from sqlalchemy import text

from forumops_shared.config import load_settings
from forumops_shared.db import make_engine, write_transaction
from forumops_shared.events import decode_event
from forumops_shared.kafka_clients import make_consumer


def main() -> None:
    bootstrap, topic, database_url, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, at REAL NOT NULL)"))
    settings = load_settings("baseline", {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                                          "BASELINE_DATABASE_URL": database_url})
    consumer = make_consumer(settings, group_id="baseline")
    consumer.subscribe([topic])
    while not consumer.assignment():
        consumer.poll(timeout_ms=200)
    print("ready", flush=True)
    done = 0
    while done < count:
        for records in consumer.poll(timeout_ms=500).values():
            for record in records:
                event = decode_event(record.value, topic=topic.removeprefix("baseline."))
                with write_transaction(engine) as conn:
                    conn.execute(text("INSERT INTO seen (id, at) VALUES (:id, :at) ON CONFLICT DO NOTHING"),
                                 {"id": event.data["registration_id"], "at": time.time()})
                done += 1
        consumer.commit()
    consumer.close()


if __name__ == "__main__":
    main()
