"""Keeps what `up` started running: a program that dies is started again, after a pause that
doubles with each quick death (RESTART_FIRST_S up to RESTART_MAX_S; back to the first once it
has run STABLE_AFTER_S).

`up` writes the programs to `<run>/programs.json` (`write_programs`) and starts one supervisor
(`python -m forumops_stack.supervisor <run>`) in its own session; to add programs it writes the
file again: the supervisor reads it whenever it changes, starts the programs it did not know and
stops those no longer there. It keeps each program's pid in `<run>/<name>.pid` (or the program's
own `pid_file`) and its state in `<run>/supervisor.json` (`read_state`, for `status`): pid,
restarts, since when it runs, how it last ended.

SIGTERM stops the programs by tiers, highest first (services, then the mail inbox, then
PostgreSQL and the brokers), each tier's programs together, each with its own stop signal and
SIGKILL to its process group after STOP_TIMEOUT_S; then the supervisor ends.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger("forumops.supervisor")

RESTART_FIRST_S, RESTART_MAX_S, STABLE_AFTER_S = 1.0, 30.0, 60.0
STOP_TIMEOUT_S = 30.0
TICK_S = 0.2
PROGRAMS, STATE, PID = "programs.json", "supervisor.json", "supervisor.pid"


@dataclass(frozen=True)
class Program:
    """One long-running process: what runs, with which environment, where its output goes."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: str
    tier: int = 2  # stopped after every higher tier: 0 brokers and database, 1 inbox, 2 services
    stop_signal: str = "SIGTERM"
    pid_file: str | None = None  # where others look for its pid (else <run>/<name>.pid)


def write_programs(run: Path, programs: list[Program]) -> None:
    """The programs the supervisor in `run` is to keep running (owner-only: environments hold secrets)."""
    tmp = run / f".{PROGRAMS}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump([asdict(p) for p in programs], out)
    os.replace(tmp, run / PROGRAMS)


def read_programs(run: Path) -> list[Program]:
    try:
        return [Program(**p) for p in json.loads((run / PROGRAMS).read_text())]
    except FileNotFoundError:
        return []


def read_state(run: Path) -> dict[str, dict]:
    """Each program's state as the supervisor last wrote it: pid (None while waiting to restart),
    restarts, since, last_exit, last_exit_at."""
    try:
        return json.loads((run / STATE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def running_pid(run: Path) -> int | None:
    """The supervisor's pid while it runs."""
    try:
        pid = int((run / PID).read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None


def start(run: Path, log_file: Path) -> int:
    """Start the supervisor of `run` in its own session (it outlives `up`); returns its pid."""
    with open(os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "forumops_stack.supervisor", str(run)], stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                                umask=0o077)
    (run / PID).write_text(str(proc.pid))
    return proc.pid


def describe_exit(code: int) -> str:
    """Popen's returncode in words: `exit 3`, `killed by SIGKILL`."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit {code}"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class _Kept:
    program: Program
    proc: subprocess.Popen | None = None
    started: float = 0.0  # monotonic
    since: str | None = None
    restarts: int = 0
    pause: float = RESTART_FIRST_S
    due: float | None = None  # monotonic moment of the next start while it is down
    last_exit: str | None = None
    last_exit_at: str | None = None


class Supervisor:
    def __init__(self, run: Path, clock=time.monotonic):
        self.run, self.clock = run, clock
        self.kept: dict[str, _Kept] = {}
        self._version: tuple | None = None
        self.stop = threading.Event()

    def pid_file(self, program: Program) -> Path:
        return Path(program.pid_file) if program.pid_file else self.run / f"{program.name}.pid"

    def _start(self, kept: _Kept) -> None:
        """Start the program; one that cannot be started (its command or log gone) is tried again
        after its pause, as one that died."""
        p = kept.program
        kept.started, kept.due = self.clock(), None
        try:
            with open(os.open(p.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab") as out:
                kept.proc = subprocess.Popen(p.argv, env=p.env, stdout=out, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, start_new_session=True, umask=0o077)
        except OSError as exc:
            self._down(kept, f"could not start: {exc.strerror or exc}")
            return
        kept.since = _now()
        self.pid_file(p).write_text(str(kept.proc.pid))
        log.info("started %s (pid %d)", p.name, kept.proc.pid)

    def _reload(self) -> bool:
        """Start programs new in the file, stop those gone from it; whether the file changed."""
        try:
            found = (self.run / PROGRAMS).stat()
        except FileNotFoundError:
            return False
        # Each write is a new file (os.replace): its inode tells it apart even within one clock tick.
        version = (found.st_ino, found.st_mtime_ns)
        if version == self._version:
            return False
        self._version = version
        wanted = {p.name: p for p in read_programs(self.run)}
        gone = [k for name, k in self.kept.items() if name not in wanted]
        self._stop_all(gone)
        for kept in gone:
            del self.kept[kept.program.name]
        for name, program in wanted.items():
            if name not in self.kept:
                self.kept[name] = _Kept(program)
                self._start(self.kept[name])
            else:
                self.kept[name].program = program  # its next start uses the new command
        return True

    def tick(self) -> bool:
        """One look at every program: note deaths, start those due; whether anything changed."""
        changed = self._reload()
        now = self.clock()
        for kept in self.kept.values():
            if kept.proc is not None and (code := kept.proc.poll()) is not None:
                kept.proc = None
                self._down(kept, describe_exit(code))
                changed = True
            if kept.proc is None and kept.due is not None and now >= kept.due:
                kept.restarts += 1
                self._start(kept)
                changed = True
        return changed

    def _down(self, kept: _Kept, how: str) -> None:
        """`kept` is not running (`how`: how it ended, or why it did not start): start it again
        after its pause, which doubles for the next time unless it had run STABLE_AFTER_S."""
        now = self.clock()
        kept.last_exit, kept.last_exit_at = how, _now()
        if now - kept.started >= STABLE_AFTER_S:
            kept.pause = RESTART_FIRST_S
        kept.due = now + kept.pause
        log.warning("%s: %s; starting it again in %.0f s", kept.program.name, how, kept.pause)
        kept.pause = min(kept.pause * 2, RESTART_MAX_S)

    def write_state(self) -> None:
        state = {name: {"pid": k.proc.pid if k.proc else None, "restarts": k.restarts, "since": k.since,
                        "last_exit": k.last_exit, "last_exit_at": k.last_exit_at} for name, k in self.kept.items()}
        tmp = self.run / f".{STATE}.tmp"
        tmp.write_text(json.dumps(state))
        os.replace(tmp, self.run / STATE)

    def _stop_all(self, kept: list[_Kept]) -> None:
        """Stop `kept` by tiers, highest first; each tier's programs at once."""
        for tier in sorted({k.program.tier for k in kept}, reverse=True):
            group = [k for k in kept if k.program.tier == tier and k.proc is not None]
            for k in group:
                try:
                    k.proc.send_signal(signal.Signals[k.program.stop_signal])
                except ProcessLookupError:
                    pass
            deadline = self.clock() + STOP_TIMEOUT_S
            for k in group:
                try:
                    k.proc.wait(max(deadline - self.clock(), 0.1))
                except subprocess.TimeoutExpired:
                    log.warning("%s did not stop within %.0f s: killed", k.program.name, STOP_TIMEOUT_S)
                    try:
                        os.killpg(k.proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    k.proc.wait()
                log.info("stopped %s (pid %d)", k.program.name, k.proc.pid)
                self.pid_file(k.program).unlink(missing_ok=True)
                k.proc = None
            for k in kept:
                if k.program.tier == tier:
                    k.due = None

    def serve(self) -> None:
        """Until SIGTERM: keep the programs running; then stop them all."""
        try:
            while not self.stop.is_set():
                if self.tick():
                    self.write_state()
                self.stop.wait(TICK_S)
        finally:
            self._stop_all(list(self.kept.values()))
            (self.run / STATE).unlink(missing_ok=True)
            (self.run / PID).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run = Path((argv or sys.argv[1:])[0])
    supervisor = Supervisor(run)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: supervisor.stop.set())
    (run / PID).write_text(str(os.getpid()))
    log.info("supervising the programs of %s", run / PROGRAMS)
    supervisor.serve()


if __name__ == "__main__":
    main()
