"""Registration's rules on their own (registration.domain): no database, no app."""
import pytest

from forumops_shared.refusals import Refusal
from registration.domain.forums import titles_of
from registration.domain.places import Counters, deal_places
from registration.domain.registrations import placement_after, point_for, require_consent, require_language


def test_places_go_in_arrival_order_then_people_wait_in_line_after_those_already_waiting():
    counters = {"HN": Counters(capacity=2, confirmed=1, waitlisted=0), "HP": Counters(capacity=5, confirmed=5,
                                                                                       waitlisted=3)}
    assert deal_places(["HN", "HP", "HN", "HN", "HP"], counters) == [
        ("confirmed", None), ("waitlisted", 4), ("waitlisted", 1), ("waitlisted", 2), ("waitlisted", 5)]


def test_a_capacity_made_smaller_than_the_confirmed_count_demotes_nobody_and_seats_nobody():
    assert deal_places(["HN"], {"HN": Counters(capacity=3, confirmed=5, waitlisted=0)}) == [("waitlisted", 1)]


@pytest.mark.parametrize("consent", ["true", 1, "yes", None, False])
def test_consent_is_only_an_explicit_true(consent):
    with pytest.raises(Refusal) as refused:
        require_consent(consent)
    assert refused.value.reason == "consent_required"
    require_consent(True)


def test_in_person_attendance_needs_a_point_of_the_forum_and_online_attendance_none():
    points = {"HN-01": "the point"}
    assert point_for(points.get, "onsite", "HN-01") == "the point" and point_for(points.get, "online", None) is None
    for attendance, code, reason in (("onsite", None, "point_required"), ("onsite", "XX", "unknown_point"),
                                     ("online", "HN-01", "point_not_allowed")):
        with pytest.raises(Refusal) as refused:
            point_for(points.get, attendance, code)
        assert refused.value.reason == reason


def test_a_language_the_forum_does_not_offer_is_refused():
    require_language(["vi", "en"], "en")
    with pytest.raises(Refusal) as refused:
        require_language(["vi"], "en")
    assert refused.value.reason == "language_not_offered"


def test_going_online_leaves_the_point_and_a_new_point_or_mode_is_what_a_change_names():
    assert placement_after("onsite", "HN-01", {"attendance": "online"}) == ("online", None)
    assert placement_after("onsite", "HN-01", {"point": "HP-01"}) == ("onsite", "HP-01")
    assert placement_after("online", None, {"attendance": "onsite", "point": "HN-01"}) == ("onsite", "HN-01")
    assert placement_after("onsite", "HN-01", {"full_name": "Trần Văn Đức"}) == ("onsite", "HN-01")


def test_a_plain_title_is_the_title_in_the_forums_first_language():
    assert titles_of("Education Forum", ["en", "vi"]) == {"en": "Education Forum"}
    assert titles_of({"vi": "Diễn đàn", "en": "Forum"}, ["vi", "en"]) == {"vi": "Diễn đàn", "en": "Forum"}
