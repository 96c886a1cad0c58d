"""The supervisor that keeps `up`'s programs running: restarts with backoff, state for `status`,
programs added and removed by rewriting the file, and everything stopped in tiers. Real processes;
the supervisor's clock is the test's, so no test waits out a pause."""
import os
import signal
import sys
import textwrap

import pytest

from forumops_stack import supervisor
from forumops_stack.supervisor import Program, Supervisor, describe_exit, write_programs

from .support.waiting import wait_until

# Runs until SIGTERM, then writes its name to the file given and ends.
STOPS_AND_SAYS = textwrap.dedent("""
    import signal, sys, time
    def bye(*_):
        with open(sys.argv[2], "a") as out:
            out.write(sys.argv[1] + "\\n")
        sys.exit(0)
    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGINT, bye)
    print("ready", flush=True)
    while True:
        time.sleep(1)
""")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def run(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    return folder


@pytest.fixture
def kept(run):
    clock = Clock()
    sup = Supervisor(run, clock=clock)
    yield sup, clock
    sup._stop_all(list(sup.kept.values()))


def program(run, name, tier=2, stop_signal="SIGTERM"):
    return Program(name, [sys.executable, "-c", STOPS_AND_SAYS, name, str(run / "stopped")], dict(os.environ),
                   str(run / f"{name}.log"), tier=tier, stop_signal=stop_signal)


def wait_ready(run, *names):
    """Until each program has set its signal handlers (a signal before that would end it unsaid)."""
    for name in names:
        wait_until(lambda: "ready" in (run / f"{name}.log").read_text(), timeout_s=10, message=f"{name} ready")


def pid_of(run, name) -> int:
    return int((run / f"{name}.pid").read_text())


def died(sup, name):
    """A probe: the supervisor has noticed that `name` ended (and keeps its state)."""
    def probe():
        sup.tick()
        return sup.kept[name].proc is None
    return probe


def test_a_program_that_dies_is_started_again_after_a_pause_and_the_state_says_how_it_ended(run, kept):
    sup, clock = kept
    write_programs(run, [program(run, "checkin-worker")])
    sup.tick()
    first = pid_of(run, "checkin-worker")
    os.kill(first, signal.SIGKILL)
    wait_until(died(sup, "checkin-worker"), timeout_s=10, message="the death noticed")
    sup.write_state()
    state = supervisor.read_state(run)["checkin-worker"]
    assert (state["pid"], state["restarts"], state["last_exit"]) == (None, 0, "killed by SIGKILL")
    clock.now += supervisor.RESTART_FIRST_S - 0.1
    sup.tick()
    assert sup.kept["checkin-worker"].proc is None  # still in its pause
    clock.now += 0.1
    sup.tick()
    second = pid_of(run, "checkin-worker")
    sup.write_state()
    state = supervisor.read_state(run)["checkin-worker"]
    assert second != first and (state["pid"], state["restarts"]) == (second, 1)
    os.kill(second, 0)  # it runs


def test_quick_deaths_double_the_pause_up_to_the_limit_and_a_long_run_starts_it_over(run, kept):
    sup, clock = kept
    write_programs(run, [program(run, "awards-worker")])
    sup.tick()
    pauses = []
    for _ in range(7):
        os.kill(pid_of(run, "awards-worker"), signal.SIGKILL)
        wait_until(died(sup, "awards-worker"), timeout_s=10, message="the death noticed")
        pause = sup.kept["awards-worker"].due - clock.now
        pauses.append(pause)
        clock.now += pause
        sup.tick()
    assert pauses == [1, 2, 4, 8, 16, 30, 30]
    clock.now += supervisor.STABLE_AFTER_S  # it then ran a minute: a death is news again
    os.kill(pid_of(run, "awards-worker"), signal.SIGKILL)
    wait_until(died(sup, "awards-worker"), timeout_s=10, message="the death noticed")
    assert sup.kept["awards-worker"].due - clock.now == supervisor.RESTART_FIRST_S
    assert sup.kept["awards-worker"].restarts == 7


def test_programs_added_to_the_file_start_and_programs_taken_out_stop(run, kept):
    sup, _ = kept
    write_programs(run, [program(run, "kafka", tier=0)])
    sup.tick()
    write_programs(run, [program(run, "kafka", tier=0), program(run, "registration-api")])
    sup.tick()
    broker = pid_of(run, "kafka")
    assert set(sup.kept) == {"kafka", "registration-api"}
    wait_ready(run, "registration-api")
    write_programs(run, [program(run, "kafka", tier=0)])
    sup.tick()
    assert set(sup.kept) == {"kafka"} and (run / "stopped").read_text() == "registration-api\n"
    assert pid_of(run, "kafka") == broker  # untouched


def test_everything_stops_by_tiers_services_first_the_brokers_last_each_with_its_signal(run):
    write_programs(run, [program(run, "kafka", tier=0), program(run, "postgres", tier=0, stop_signal="SIGINT"),
                         program(run, "inbox", tier=1), program(run, "checkin-api"), program(run, "checkin-worker")])
    sup = Supervisor(run)
    sup.tick()
    names = ("kafka", "postgres", "inbox", "checkin-api", "checkin-worker")
    pids = [pid_of(run, name) for name in names]
    wait_ready(run, *names)
    sup.stop.set()
    sup.serve()
    order = (run / "stopped").read_text().split()
    assert sorted(order[:2]) == ["checkin-api", "checkin-worker"] and order[2] == "inbox"
    assert sorted(order[3:]) == ["kafka", "postgres"]
    assert not list(run.glob("*.pid")) and not (run / supervisor.STATE).exists()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_program_that_cannot_start_is_tried_again_and_the_others_run(run, kept):
    sup, clock = kept
    missing = Program("awards-worker", [str(run / "no-such-program")], dict(os.environ), str(run / "awards.log"))
    write_programs(run, [missing, program(run, "checkin-api")])
    sup.tick()
    sup.write_state()
    state = supervisor.read_state(run)
    assert state["awards-worker"]["pid"] is None and state["awards-worker"]["last_exit"].startswith("could not start")
    assert state["checkin-api"]["pid"]  # the others start all the same
    clock.now += supervisor.RESTART_FIRST_S
    sup.tick()
    assert sup.kept["awards-worker"].restarts == 1 and sup.kept["awards-worker"].due is not None  # tried, waits 2 s


def test_exits_are_said_in_words():
    assert (describe_exit(3), describe_exit(-9), describe_exit(-15)) == (
        "exit 3", "killed by SIGKILL", "killed by SIGTERM")
