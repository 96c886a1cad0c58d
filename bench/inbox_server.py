"""The mail benchmark's SMTP server: aiosmtpd keeping every message it is given, as a file in a
Maildir-like `new/` (raw bytes, not parsed), and stamping when each arrived.

    python inbox_server.py PORT DIRECTORY

Each accepted message appends "arrival (Unix seconds)<TAB>Message-ID<TAB>bytes" to
DIRECTORY/arrivals.tsv, written as it comes: the benchmark matches the Message-ID with the
registration it confirms. Runs until SIGTERM, as `./forumops up`'s inbox does (its own process).
"""
from __future__ import annotations

import re
import signal
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class KeepingHandler:
    def __init__(self, directory: Path):
        self.new = directory / "new"
        self.new.mkdir(parents=True, exist_ok=True)
        self.arrivals = (directory / "arrivals.tsv").open("a", buffering=1)  # a line at a time
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        arrived = time.time()
        content = envelope.original_content or envelope.content
        head = content[:content.find(b"\r\n\r\n")]
        found = MESSAGE_ID.search(head)
        self.count += 1
        (self.new / f"{self.count:07d}.eml").write_bytes(content)
        self.arrivals.write(f"{arrived:.6f}\t{found.group(1).decode() if found else '-'}\t{len(content)}\n")
        return "250 kept"


def main() -> None:
    port, directory = int(sys.argv[1]), Path(sys.argv[2])
    server = Controller(KeepingHandler(directory), hostname="127.0.0.1", port=port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.start()
    print("ready", flush=True)
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
