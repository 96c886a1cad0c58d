"""Run a loop that takes a stop event (a relay, a consumer runner) in a thread for a block."""
from __future__ import annotations

import contextlib
import threading
from typing import Callable


@contextlib.contextmanager
def in_background(run: Callable[[threading.Event], None]):
    stop = threading.Event()
    thread = threading.Thread(target=run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
