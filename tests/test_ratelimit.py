"""The per-client limit: a sliding window counter, its Retry-After, what it keeps in memory, and
the same counts shared in a database by every process of an API."""
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event, select

from forumops_shared.db import make_engine
from forumops_shared.ratelimit import DatabaseCounts, RateLimit, rate_counts
from forumops_shared.ratelimit import metadata as rate_metadata

from .support.clock import FakeClock as Clock


def test_a_client_gets_the_limit_then_waits_as_long_as_retry_after_says():
    clock = Clock()
    limit = RateLimit("10/minute", clock)
    assert [limit.hit("a") for _ in range(10)] == [0.0] * 10
    wait = limit.hit("a")
    assert abs(wait - 66.0) < 1e-9  # all ten in this window; in the next they weigh 10 x (1 - t/60): 9 at t = 6 s
    assert limit.hit("b") == 0.0  # another client counts alone
    clock.advance(wait - 0.5)
    assert limit.hit("a") > 0
    clock.advance(0.5)
    assert limit.hit("a") == 0.0


def test_the_previous_window_weighs_as_much_as_the_sliding_window_still_overlaps_it():
    clock = Clock()
    limit = RateLimit("10/minute", clock)
    for _ in range(10):
        limit.hit("a")
    clock.advance(60 + 30)  # halfway into the next window: the ten weigh 5
    assert [limit.hit("a") for _ in range(5)] == [0.0] * 5
    wait = limit.hit("a")  # 5 + 5 in the window: one more when the previous ten weigh 4, at 36 s
    assert abs(wait - 6.0) < 1e-9
    clock.advance(6.0)
    assert limit.hit("a") == 0.0


def test_refused_hits_are_not_counted():
    clock = Clock()
    limit = RateLimit("2/second", clock)
    limit.hit("a"), limit.hit("a")
    assert all(limit.hit("a") > 0 for _ in range(100))
    clock.advance(2)  # two windows later nothing of the first one is left
    assert limit.hit("a") == 0.0 and limit.hit("a") == 0.0


def test_clients_idle_for_two_windows_are_forgotten_and_hits_start_no_threads():
    clock = Clock()
    limit = RateLimit("5/second", clock)
    threads = threading.active_count()
    for n in range(1000):
        limit.hit(f"device-{n}")
    assert threading.active_count() == threads
    clock.advance(1)
    limit.hit("device-0")
    assert len(limit.counts._counts) == 1000  # the previous window still weighs
    clock.advance(1)
    limit.hit("device-0")
    assert set(limit.counts._counts) == {"device-0"}


def _shared(databases, spec, clock, n=2):
    """`n` limits counting in one database, as the gunicorn workers of an API (or two APIs) do."""
    engine = make_engine(databases.new("limits"))
    rate_metadata.create_all(engine)
    return engine, [RateLimit(spec, clock, DatabaseCounts(engine, "register")) for _ in range(n)]


def test_processes_on_one_database_count_an_address_together(databases):
    clock = Clock()
    engine, (one, other) = _shared(databases, "10/minute", clock)
    try:
        assert [(one if n % 2 else other).hit("203.0.113.7") for n in range(10)] == [0.0] * 10
        wait = one.hit("203.0.113.7")
        assert abs(wait - 66.0) < 1e-6 and other.hit("203.0.113.7") > 0  # the same wait as one process counting
        assert other.hit("203.0.113.8") == 0.0  # another address counts alone
        clock.advance(60 + 30)  # the ten weigh 5 halfway into the next window, for both
        assert [one.hit("203.0.113.7"), other.hit("203.0.113.7")] == [0.0, 0.0]
    finally:
        engine.dispose()


def test_refused_hits_are_not_counted_in_the_database_and_old_windows_are_swept(databases):
    clock = Clock()
    engine, (one, other) = _shared(databases, "2/second", clock)
    try:
        one.hit("a"), other.hit("a")
        assert all(limit.hit("a") > 0 for limit in (one, other) for _ in range(20))
        clock.advance(2)
        assert one.hit("a") == 0.0 and other.hit("a") == 0.0
        with engine.connect() as conn:
            periods = {row.period for row in conn.execute(select(rate_counts.c.period))}
        assert len(periods) == 1  # the first window's row is gone
    finally:
        engine.dispose()


def test_the_last_place_goes_to_one_of_many_threads(databases):
    clock = Clock()
    engine, limits = _shared(databases, "5/minute", clock, n=4)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            waits = list(pool.map(lambda n: limits[n % 4].hit("203.0.113.7"), range(40)))
        assert waits.count(0.0) == 5
    finally:
        engine.dispose()


def test_one_addresss_hits_in_a_batch_are_counted_together_when_there_is_room_for_all(databases):
    clock = Clock()
    engine, (limit,) = _shared(databases, "5/minute", clock, n=1)
    counted = []
    event.listen(engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: (
        counted.append(sql) if sql.startswith("INSERT INTO rate_counts") else None))
    try:
        with engine.begin() as conn:
            assert limit.refusals(["a", "a", "a", "b"], conn) == [None] * 4
        assert len(counted) == 2  # a's three with one statement, b's one
        with engine.begin() as conn:  # room for two more of a: the third is refused, and not counted
            first, second, third = limit.refusals(["a", "a", "a"], conn)
        assert (first, second) == (None, None) and third.reason == "rate_limited"
        with engine.connect() as conn:
            assert conn.execute(select(rate_counts.c.client, rate_counts.c.hits)
                                .order_by(rate_counts.c.client)).all() == [("a", 5), ("b", 1)]
    finally:
        engine.dispose()
