"""Child processes for tests: started in their own session, always reaped."""
from __future__ import annotations

import contextlib
import importlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from forumops_shared.db import make_engine
from forumops_stack.testing import settings_env

ROOT = Path(__file__).resolve().parents[2]


class Child:
    def __init__(self, args: list[str], env: dict[str, str], log_path: Path):
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    @classmethod
    def python_module(cls, module: str, env: dict[str, str], log_path: Path) -> "Child":
        return cls([sys.executable, "-m", module], env, log_path)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def signal(self, sig: int) -> None:
        os.kill(self.proc.pid, sig)

    def wait(self, timeout_s: float) -> int:
        return self.proc.wait(timeout=timeout_s)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._log.close()


@contextlib.contextmanager
def service_worker(settings, log_path: Path):
    """The service's worker (`<service>.worker`) in its own process, on its migrated database;
    yields an engine on that database."""
    importlib.import_module(f"{settings.service}.migrate").upgrade(settings)
    engine = make_engine(settings.database_url)
    worker = Child.python_module(f"{settings.service}.worker", settings_env(settings), log_path)
    try:
        yield engine
    finally:
        worker.stop()
        engine.dispose()
