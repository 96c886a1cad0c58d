"""Child processes for tests: started in their own session, always reaped."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from forumops_shared.db import make_engine
from forumops_stack.testing import settings_env

from .services import migrate
from .waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


class Child:
    def __init__(self, args: list[str], env: dict[str, str], log_path: Path):
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    @classmethod
    def python_module(cls, module: str, env: dict[str, str], log_path: Path, *args: str) -> "Child":
        return cls([sys.executable, "-m", module, *args], env, log_path)

    @classmethod
    def worker(cls, service: str, env: dict[str, str], log_path: Path) -> "Child":
        """The service's worker, as `<service>-worker` runs it."""
        return cls.python_module("forumops_shared.worker", env, log_path, service)

    @classmethod
    def gunicorn_api(cls, service: str, port: int, env: dict[str, str], log_path: Path) -> "Child":
        """The service's API as production runs it: gunicorn with deploy/gunicorn.conf.py."""
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        return cls([gunicorn, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
                    f"{service}.app:create_app()"], env, log_path)

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
    """The service's worker in its own process, on its migrated database; yields an engine on
    that database."""
    migrate(settings)
    engine = make_engine(settings.database_url)
    worker = Child.worker(settings.service, settings_env(settings), log_path)
    try:
        yield engine
    finally:
        worker.stop()
        engine.dispose()


def wait_until_serving(url: str, timeout_s: float = 60) -> None:
    """Until the API at `url` answers its health check."""
    def answers() -> bool:
        try:
            return requests.get(f"{url}/healthz", timeout=2).status_code == 200
        except requests.RequestException:  # refused while binding, or slow while workers boot
            return False
    wait_until(answers, timeout_s=timeout_s, message=f"{url} to answer")
