"""The per-client limit: a sliding window counter, its Retry-After, and what it keeps in memory."""
import threading

from forumops_shared.ratelimit import RateLimit

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
