"""`python -m tests.support.sink_worker`: the sink consumer as its own process (settings from env)."""
from __future__ import annotations

import os
import threading

from forumops_shared.config import load_settings
from forumops_shared.db import make_engine
from forumops_shared.logs import configure_logging
from forumops_shared.worker import stop_on_signals

from .sink import sink_runner


def main() -> None:
    settings = load_settings("sink")
    configure_logging("sink", settings.log_level)
    engine = make_engine(settings.database_url)
    stop = threading.Event()
    stop_on_signals(stop)
    sink_runner(settings, engine, delay_s=float(os.environ.get("SINK_DELAY_S", "0"))).run(stop)


if __name__ == "__main__":
    main()
