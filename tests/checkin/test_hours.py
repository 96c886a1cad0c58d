"""Attended time per session (checkin.domain.hours), worked by hand: the arithmetic is in the comments.

The forum (Asia/Ho_Chi_Minh, UTC+7) runs over two days:
  23 Nov  PLEN    08:00–11:30  plenary   210 min  every point
          WS-A    13:30–15:00  workshop   90 min  every point  } parallel
          WS-B    13:30–15:00  workshop   90 min  every point  }
  24 Nov  AWARDS  09:00–10:30  ceremony   90 min  Hà Nội (HN) only
"""
import random
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from checkin.domain.attendance_reports import merged_seconds
from checkin.domain.hours import Online, Programme, Scan, Session, hours_of

TZ = "Asia/Ho_Chi_Minh"
ZONE = ZoneInfo(TZ)


def at(day: int, clock: str) -> datetime:
    """23, "08:20" or "08:20:30": that moment of November 2026 in Hanoi."""
    hour, minute, second = (clock.split(":") + ["0"])[:3]
    return datetime(2026, 11, day, int(hour), int(minute), int(second), tzinfo=ZONE)


PLEN = Session("PLEN", at(23, "08:00"), at(23, "11:30"), "plenary")
WS_A = Session("WS-A", at(23, "13:30"), at(23, "15:00"), "workshop")
WS_B = Session("WS-B", at(23, "13:30"), at(23, "15:00"), "workshop")
AWARDS = Session("AWARDS", at(24, "09:00"), at(24, "10:30"), "ceremony", points=("HN",))
FORUM = (PLEN, WS_A, WS_B, AWARDS)


def into(code, day, clock, point="HN"):
    return Scan(at(day, clock), point, code, "in")


def arrival(day, clock, point="HN"):
    return Scan(at(day, clock), point, None, "in")


def out(day, clock, code=None, point="HN"):
    return Scan(at(day, clock), point, code, "out")


def online(day, joined, left, code=None):
    return Online(at(day, joined), at(day, left), code)


def minutes(scans=(), joins=(), sessions=FORUM):
    """The sessions with a minute or more, and the total."""
    hours = hours_of(Programme.of(sessions, TZ), scans, joins)
    return {s.code: s.minutes for s in hours.sessions if s.minutes}, hours.minutes


def test_a_late_check_in_and_an_early_check_out_count_the_time_between():
    lan = [into("PLEN", 23, "08:20"), out(23, "11:00"),  # 08:20 → 11:00 = 160
           into("WS-A", 23, "13:25"),  # before it opens: from 13:30 to its end 15:00 = 90
           into("AWARDS", 24, "08:50")]  # 09:00 → 10:30 = 90
    assert minutes(lan) == ({"PLEN": 160, "WS-A": 90, "AWARDS": 90}, 340)


def test_without_a_check_out_presence_runs_to_the_end_and_a_scan_after_the_end_counts_nothing():
    assert minutes([into("PLEN", 23, "10:45")]) == ({"PLEN": 45}, 45)  # 10:45 → 11:30
    assert minutes([into("PLEN", 23, "11:30"), into("PLEN", 23, "12:10")]) == ({}, 0)


def test_a_check_out_from_one_session_ends_it_alone_and_a_return_resumes_it():
    hoa = [arrival(23, "07:50"),  # PLEN 08:00 → 11:30 = 210 (the workshops are parallel: see below)
           into("WS-A", 23, "13:30"), out(23, "14:10", "WS-A"),  # 40
           into("WS-A", 23, "14:25")]  # 14:25 → 15:00 = 35; WS-A = 40 + 35 = 75
    assert minutes(hoa) == ({"PLEN": 210, "WS-A": 75}, 285)
    # a check-out recorded for no session is leaving: 08:00 → 09:00, and the arrival no longer
    # reaches a later session (AWARDS would be 90 from the arrival at 08:40 alone)
    assert minutes([arrival(23, "07:50"), out(23, "09:00")]) == ({"PLEN": 60}, 60)
    assert minutes([arrival(24, "08:40"), out(24, "08:50")]) == ({}, 0)


def test_an_arrival_counts_for_the_sessions_of_its_day_at_its_point_but_not_between_parallel_ones():
    # 07:45 on the 23rd: PLEN from 08:00 = 210; WS-A and WS-B run together, so neither; AWARDS is the 24th
    assert minutes([arrival(23, "07:45")]) == ({"PLEN": 210}, 210)
    assert minutes([arrival(23, "12:00")]) == ({}, 0)  # PLEN is over, the workshops are parallel
    assert minutes([arrival(24, "08:40")]) == ({"AWARDS": 90}, 90)
    assert minutes([arrival(24, "08:40", point="HCM")]) == ({}, 0)  # AWARDS is held in Hà Nội only
    # leaving at 10:00 and coming back at 10:30: 08:00 → 10:00 + 10:30 → 11:30 = 120 + 60 = 180
    assert minutes([arrival(23, "07:45"), out(23, "10:00"), arrival(23, "10:30")]) == ({"PLEN": 180}, 180)


def test_an_arrival_counts_only_while_no_other_session_at_its_point_runs():
    panel = Session("PANEL", at(23, "11:00"), at(23, "12:00"), "other", points=("HN",))
    sessions = (PLEN, panel)
    # in Hà Nội PLEN and PANEL overlap 11:00–11:30: PLEN 08:00 → 11:00 = 180, PANEL 11:30 → 12:00 = 30
    assert minutes([arrival(23, "07:45")], sessions=sessions) == ({"PLEN": 180, "PANEL": 30}, 210)
    # in Đà Nẵng there is no PANEL: PLEN whole, 210
    assert minutes([arrival(23, "07:45", point="DN")], sessions=sessions) == ({"PLEN": 210}, 210)
    # a scan into PANEL at 10:55 ends PLEN (they overlap): PLEN 08:00 → 10:55 = 175, PANEL 11:00 → 12:00 = 60
    assert minutes([arrival(23, "07:45"), into("PANEL", 23, "10:55")], sessions=sessions) == (
        {"PLEN": 175, "PANEL": 60}, 235)


def test_a_scan_into_the_parallel_workshop_ends_the_first():
    # WS-A 13:30 → 14:00 = 30, WS-B 14:00 → 15:00 = 60: 90 in a 90-minute slot, not 30 + 90 + 60
    assert minutes([into("WS-A", 23, "13:20"), into("WS-B", 23, "14:00")]) == ({"WS-A": 30, "WS-B": 60}, 90)
    # a scan into WS-B does not end PLEN (they do not overlap), nor does it reach back before itself
    assert minutes([arrival(23, "07:45"), into("WS-B", 23, "13:35")]) == ({"PLEN": 210, "WS-B": 85}, 295)


def test_online_rejoins_and_overlaps_count_once():
    minh = [online(23, "07:55", "09:10"), online(23, "09:05", "10:00"),  # one span 08:00 → 10:00 = 120
            online(23, "10:20", "11:45"), online(23, "10:20", "11:45"),  # 10:20 → 11:30 = 70, the copy adds 0
            online(23, "13:00", "13:40")]  # the workshops are parallel: untagged, it counts for neither
    assert minutes(joins=minh) == ({"PLEN": 190}, 190)
    # a report imported for WS-B: 13:28 → 14:10 and 14:05 → 15:05 clipped to 13:30 → 15:00 = 90
    assert minutes(joins=[online(23, "13:28", "14:10", "WS-B"), online(23, "14:05", "15:05", "WS-B")]) == (
        {"WS-B": 90}, 90)


def test_on_site_and_online_at_overlapping_times_count_once():
    # online 08:10 → 09:30 (80) and on site 09:00 → 11:30 (150): the union 08:10 → 11:30 = 200, not 230
    assert minutes([into("PLEN", 23, "09:00")], [online(23, "08:10", "09:30")]) == ({"PLEN": 200}, 200)


def test_a_session_held_only_at_some_points_counts_only_there():
    assert minutes([into("AWARDS", 24, "09:00", point="HCM")]) == ({}, 0)
    assert minutes([into("AWARDS", 24, "09:00", point="HN")]) == ({"AWARDS": 90}, 90)
    # online is no point: 09:00 → 09:45 = 45
    assert minutes(joins=[online(24, "09:00", "09:45", "AWARDS")]) == ({"AWARDS": 45}, 45)


def test_untagged_online_time_never_counts_for_a_session_without_an_online_meeting():
    on_site_only = Session("PLEN", at(23, "08:00"), at(23, "11:30"), "plenary", online=False)
    assert minutes(joins=[online(23, "08:00", "09:00")], sessions=(on_site_only,)) == ({}, 0)
    assert minutes(joins=[online(23, "08:00", "09:00", "PLEN")], sessions=(on_site_only,)) == ({"PLEN": 60}, 60)


def test_a_session_moved_afterwards_changes_the_result():
    same_inputs = ([arrival(24, "09:20"), out(24, "12:00")], [online(24, "09:00", "10:00", "AWARDS")])
    # 09:00–10:30: on site 09:20 → 10:30, online 09:00 → 10:00; union 09:00 → 10:30 = 90
    assert minutes(*same_inputs) == ({"AWARDS": 90}, 90)
    # moved to 11:00–12:30: on site 11:00 → 12:00 (the check-out) = 60; online before it opens = 0
    later = Session("AWARDS", at(24, "11:00"), at(24, "12:30"), "ceremony", points=("HN",))
    assert minutes(*same_inputs, sessions=(PLEN, WS_A, WS_B, later)) == ({"AWARDS": 60}, 60)
    # moved to 14:00–15:30: they had left at 12:00
    afternoon = Session("AWARDS", at(24, "14:00"), at(24, "15:30"), "ceremony", points=("HN",))
    assert minutes(*same_inputs, sessions=(PLEN, WS_A, WS_B, afternoon)) == ({}, 0)


def test_a_session_across_midnight():
    gala = Session("GALA", at(23, "22:00"), at(24, "00:30"), "ceremony")  # 150 min
    assert minutes([into("GALA", 23, "23:10")], sessions=(gala,)) == ({"GALA": 80}, 80)  # 23:10 → 00:30
    # online 21:50 → 00:10 is 22:00 → 00:10 = 130; with on site 23:10 → 00:30 the union is 22:00 → 00:30 = 150
    assert minutes([into("GALA", 23, "23:10")], [Online(at(23, "21:50"), at(24, "00:10"))],
                   sessions=(gala,)) == ({"GALA": 150}, 150)
    assert minutes([arrival(24, "00:05")], sessions=(gala,)) == ({"GALA": 25}, 25)  # running: 00:05 → 00:30
    assert minutes([arrival(23, "21:00")], sessions=(gala,)) == ({"GALA": 150}, 150)  # later that day
    assert minutes([arrival(22, "21:00")], sessions=(gala,)) == ({}, 0)  # the day before


def test_duplicates_change_nothing():
    lan = [into("PLEN", 23, "08:20"), out(23, "11:00"), into("WS-A", 23, "13:25"), into("AWARDS", 24, "08:50")]
    twice = lan + lan + [into("PLEN", 23, "09:00"), out(23, "11:05")]  # already in; already out
    assert minutes(twice) == minutes(lan) == ({"PLEN": 160, "WS-A": 90, "AWARDS": 90}, 340)


def test_a_check_in_and_a_check_out_at_the_same_instant_leave_the_person_out():
    assert minutes([out(23, "09:00"), into("PLEN", 23, "09:00")]) == ({}, 0)
    assert minutes([into("PLEN", 23, "09:00"), out(23, "09:00")]) == ({}, 0)


def test_a_scan_for_a_session_no_longer_in_the_programme_counts_for_nothing():
    assert minutes([into("GONE", 23, "09:00")], [online(23, "09:00", "10:00", "GONE")]) == ({}, 0)


def test_a_scan_is_in_or_out():
    with pytest.raises(ValueError):
        minutes([Scan(at(23, "09:00"), "HN", "PLEN", "checkout")])


def test_minutes_are_rounded_down_per_session_and_the_total_is_their_sum():
    hours = hours_of(Programme.of(FORUM, TZ), [into("PLEN", 23, "08:20:30")], [
        Online(at(23, "13:30:00"), at(23, "14:59:40"), "WS-A"),
        Online(at(24, "09:00:00"), at(24, "09:30:40"), "AWARDS"),
        Online(at(23, "13:30:00"), at(23, "13:30:59"), "WS-B")])
    # PLEN 08:20:30 → 11:30 = 3 h 09 min 30 s = 11370 s → 189; WS-A 89 min 40 s = 5380 s → 89;
    # AWARDS 30 min 40 s = 1840 s → 30; WS-B 59 s → 0. Seconds 18649 would be 310 minutes: the total is 308
    assert [(s.code, s.seconds, s.minutes) for s in hours.sessions] == [
        ("PLEN", 11370, 189), ("WS-A", 5380, 89), ("WS-B", 59, 0), ("AWARDS", 1840, 30)]
    assert hours.minutes == 189 + 89 + 30 == 308
    assert hours.as_data() == {"sessions": [{"code": "PLEN", "minutes": 189}, {"code": "WS-A", "minutes": 89},
                                            {"code": "AWARDS", "minutes": 30}], "minutes": 308}


def test_sessions_read_from_the_forums_published_programme():
    data = {"code": "AWARDS", "title": {"vi": "Lễ trao giải", "en": "Awards"}, "kind": "ceremony",
            "starts_at": "2026-11-24T09:00:00+07:00", "ends_at": "2026-11-24T10:30:00+07:00", "points": ["HN"],
            "online_url": None, "capacity": None, "signup": False, "walk_in": "admit"}
    assert Session.from_data(data) == Session("AWARDS", at(24, "09:00"), at(24, "10:30"), "ceremony", ("HN",),
                                              online=False)
    assert Session.from_data({**data, "points": None, "online_url": "https://meet.example.vn/a"}).points is None


# Random forums and participants (seeded, so a failure names its case): the invariants hold whatever they do.

def random_case(rng: random.Random):
    start_of = at(23, "00:00")

    def moment(earliest_hour, latest_hour):
        return start_of + timedelta(seconds=rng.randrange(earliest_hour * 3600, latest_hour * 3600))

    sessions = []
    for n in range(rng.randrange(1, 8)):
        # on a quarter hour from 06:00 on the 23rd to 23:00 on the 24th, some across midnight
        starts = start_of + timedelta(minutes=15 * rng.randrange(6 * 4, 47 * 4))
        sessions.append(Session(f"S{n}", starts, starts + timedelta(minutes=rng.randrange(15, 241)),
                                rng.choice(["plenary", "workshop", "ceremony"]),
                                rng.choice([None, ("HN",), ("HCM",), ("HN", "HCM")]), rng.random() < 0.7))
    codes = [s.code for s in sessions] + [None, None, "GONE"]
    scans = [Scan(moment(5, 50), rng.choice(["HN", "HCM", "DN"]), rng.choice(codes), rng.choice(["in", "in", "out"]))
             for _ in range(rng.randrange(0, 12))]
    joins = []
    for _ in range(rng.randrange(0, 6)):
        joined = moment(5, 50)
        joins.append(Online(joined, joined + timedelta(seconds=rng.randrange(-60, 4 * 3600)), rng.choice(codes)))
    return sessions, scans, joins


def seconds_of(sessions, scans, joins):
    return {s.code: s.seconds for s in hours_of(Programme.of(sessions, TZ), scans, joins).sessions}


@pytest.mark.parametrize("seed", range(20))
def test_invariants_hold_on_random_forums_and_participants(seed):
    rng = random.Random(seed)
    for case in range(50):
        sessions, scans, joins = random_case(rng)
        where = f"seed {seed}, case {case}"
        hours = hours_of(Programme.of(sessions, TZ), scans, joins)
        lengths = {s.code: int((s.ends_at - s.starts_at).total_seconds()) for s in sessions}
        for s in hours.sessions:
            assert 0 <= s.seconds <= lengths[s.code] and s.minutes <= lengths[s.code] // 60, where
        assert hours.minutes == sum(s.minutes for s in hours.sessions) == hours.as_data()["minutes"], where
        got = {s.code: s.seconds for s in hours.sessions}
        # the union never double counts: every input twice, or in another order, changes nothing
        assert seconds_of(sessions, scans * 2, joins * 2) == got, where
        # nor does a join of no length for every session (it also takes each session off the
        # shortcut for check-ins alone: the shortcut and the general way agree)
        instant = at(24, "12:00")
        assert seconds_of(sessions, scans, joins + [Online(instant, instant, s.code) for s in sessions]) == got, where
        shuffled = rng.sample(scans, len(scans)), rng.sample(joins, len(joins))
        assert seconds_of(list(reversed(sessions)), *shuffled) == got, where
        # on site and online together: at least either alone, at most both added
        on_site, remote = seconds_of(sessions, scans, []), seconds_of(sessions, [], joins)
        for code in got:
            assert max(on_site[code], remote[code]) <= got[code] <= on_site[code] + remote[code], where
        # untagged online time goes to one session at a time: never more than the person was online
        untagged = [j for j in joins if j.session is None]
        assert sum(seconds_of(sessions, [], untagged).values()) <= merged_seconds(
            [(j.joined, j.left) for j in untagged if j.joined < j.left]), where
        # the same forum and the same participant a week later: the same time
        week = timedelta(days=7)
        assert seconds_of([replace(s, starts_at=s.starts_at + week, ends_at=s.ends_at + week) for s in sessions],
                          [replace(x, at=x.at + week) for x in scans],
                          [replace(j, joined=j.joined + week, left=j.left + week) for j in joins]) == got, where
