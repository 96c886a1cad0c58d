"""Attendance certificates are issued the moment the forum's rule is met, exactly once."""
import re
from datetime import datetime, timedelta, timezone

from forumops_shared.events.registry import FORUM_PUBLISHED, PERSONAL_DATA_ERASED

from .conftest import checked_in, minutes

SERIAL = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-"
                    r"[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$")


def forum_with_people(office, n=1, online_min_minutes=60, **person):
    api = office.api
    slug = api.create_forum(certificate_rule={"onsite_checkin": True, "online_min_minutes": online_min_minutes})
    api.put_point(slug, "HN-01", capacity=100)
    people = [api.register(slug, api.person("HN-01", **person)).json for _ in range(n)]
    return slug, people


def test_an_on_site_check_in_earns_one_certificate_with_the_name_as_registered(office):
    slug, [person] = forum_with_people(office, full_name="Nguyễn Thị Ánh Tuyết", organisation="Sở GD&ĐT Hà Nội")
    office.apply(office.registration_events())
    assert office.certificates() == []  # registered is not attended
    office.apply([checked_in(person, slug)])
    [cert] = office.certificates()
    assert (cert.kind, cert.mode, cert.registration_id, cert.recipient_name, cert.organisation) == (
        "attendance", "onsite", person["id"], "Nguyễn Thị Ánh Tuyết", "Sở GD&ĐT Hà Nội")
    assert SERIAL.match(cert.serial)
    [event] = office.issued()
    assert (event.subject, event.data["serial"], event.data["kind"]) == (person["id"], cert.serial, "attendance")


def test_online_minutes_earn_it_only_from_the_forums_threshold(office):
    slug, [person] = forum_with_people(office, online_min_minutes=60)
    office.apply(office.registration_events())
    office.apply([minutes(person, slug, 45)])
    assert office.certificates() == []
    office.apply([minutes(person, slug, 75)])
    [cert] = office.certificates()
    assert cert.mode == "online"


def test_neither_rule_met_issues_nothing(office):
    slug, [person] = forum_with_people(office, online_min_minutes=30)
    office.apply(office.registration_events())
    office.apply([minutes(person, slug, 29), checked_in(person, slug, mode="online")])  # joined, too short
    assert office.certificates() == [] and office.issued() == []


def test_redelivered_and_repeated_events_issue_exactly_one(office):
    slug, [person] = forum_with_people(office)
    scans = [checked_in(person, slug), checked_in(person, slug, point="HP-01", forced=True), minutes(person, slug, 90)]
    office.apply(office.registration_events() + scans)
    office.redeliver(office.registration_events() + scans)
    assert len(office.certificates()) == 1 and len(office.issued()) == 1


def test_data_in_any_order_issues_once_everything_needed_has_arrived(office):
    slug, people = forum_with_people(office, n=3)
    events = office.registration_events()
    forum = [e for e in events if e.type == FORUM_PUBLISHED]
    persons = [e for e in events if e.type != FORUM_PUBLISHED]
    a, b, c = people
    # A check-in before anything else; then the person; the forum's rule last.
    office.apply([checked_in(a, slug), checked_in(b, slug, at=datetime.now(timezone.utc) - timedelta(hours=5))])
    office.apply(persons)
    assert office.certificates() == []  # no rule known yet
    office.apply(forum)
    assert {cert.registration_id for cert in office.certificates()} == {a["id"], b["id"]}
    # An offline batch uploaded hours later, or a report imported the next day, still counts.
    office.apply([minutes(c, slug, 61)])
    assert len(office.certificates()) == 3 and len(office.issued()) == 3


def test_a_cancelled_registration_that_never_attended_gets_nothing(office):
    slug, [gone, came] = forum_with_people(office, n=2)
    for person in (gone, came):
        office.api.client.delete(f"/api/v1/registrations/{person['id']}",
                                 headers=office.api.as_holder(person["manage_token"]))
    office.apply(office.registration_events())
    office.apply([checked_in(came, slug, forced=True)])  # let in by an offline door all the same
    assert [cert.registration_id for cert in office.certificates()] == [came["id"]]


def test_erasure_revokes_the_certificate_and_removes_the_name(office):
    slug, [person] = forum_with_people(office, full_name="Trần Thị Thu Hà")
    office.apply(office.registration_events() + [checked_in(person, slug)])
    office.api.client.post(f"/api/v1/registrations/{person['id']}/erase",
                           headers=office.api.as_holder(person["manage_token"]))
    office.apply(office.registration_events(PERSONAL_DATA_ERASED))
    [cert] = office.certificates()
    assert cert.revoked_at is not None and cert.revoke_reason == "personal_data_erased"
    assert (cert.recipient_name, cert.organisation) == (None, None)
    [revoked] = office.issued("certificates.certificate-revoked.v1")
    assert revoked.data["serial"] == cert.serial
    office.apply([checked_in(person, slug, point="HP-01")])  # nothing is issued again for them
    assert len(office.certificates()) == 1


def test_the_verification_page_says_in_words_why_an_erased_persons_certificate_was_revoked(office, service):
    slug, [person] = forum_with_people(office, full_name="Trần Thị Thu Hà")
    office.apply(office.registration_events() + [checked_in(person, slug)])
    office.api.client.post(f"/api/v1/registrations/{person['id']}/erase",
                           headers=office.api.as_holder(person["manage_token"]))
    office.apply(office.registration_events(PERSONAL_DATA_ERASED))
    [cert] = office.certificates()
    pages = {lang: service.get(f"/verify/{cert.serial}?lang={lang}").get_data(as_text=True)
             for lang in ("vi", "en")}
    assert "yêu cầu xoá dữ liệu cá nhân" in pages["vi"] and "asked for their personal data to be erased" in pages["en"]
    assert not any("personal_data_erased" in page for page in pages.values())


def test_serials_do_not_repeat_or_follow_an_order():
    from certificates.domain.identifiers import new_serial
    serials = [new_serial() for _ in range(5000)]
    assert len(set(serials)) == 5000 and all(SERIAL.match(s) for s in serials)
    assert serials != sorted(serials)
