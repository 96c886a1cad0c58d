"""Which event types exist, which topic each travels on, and the schema of its data."""
from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema

from .. import topics
from . import schemas as s

FORUM_PUBLISHED = "registration.forum-published.v1"
PARTICIPANT_REGISTERED = "registration.participant-registered.v1"
REGISTRATION_CHANGED = "registration.registration-changed.v1"
REGISTRATION_CANCELLED = "registration.registration-cancelled.v1"
PERSONAL_DATA_ERASED = "registration.personal-data-erased.v1"
PARTICIPANT_CHECKED_IN = "checkin.participant-checked-in.v1"
ONLINE_ATTENDANCE_RECORDED = "checkin.online-attendance-recorded.v1"
HOURS_RECORDED = "checkin.hours-recorded.v1"
CERTIFICATE_ISSUED = "certificates.certificate-issued.v1"
CERTIFICATE_REVOKED = "certificates.certificate-revoked.v1"
RESULTS_PUBLISHED = "awards.results-published.v1"


@dataclass(frozen=True)
class EventType:
    name: str
    topic: str
    schema: Schema
    # The subject's personal data is gone: every copy keyed by the subject must go too.
    erases_subject: bool = False


EVENT_TYPES: dict[str, EventType] = {
    spec.name: spec
    for spec in (
        EventType(FORUM_PUBLISHED, topics.FORUMS, s.ForumPublished()),
        EventType(PARTICIPANT_REGISTERED, topics.REGISTRATIONS, s.ParticipantRegistered()),
        EventType(REGISTRATION_CHANGED, topics.REGISTRATIONS, s.RegistrationChanged()),
        EventType(REGISTRATION_CANCELLED, topics.REGISTRATIONS, s.RegistrationCancelled()),
        EventType(PERSONAL_DATA_ERASED, topics.REGISTRATIONS, s.PersonalDataErased(), erases_subject=True),
        EventType(PARTICIPANT_CHECKED_IN, topics.ATTENDANCE, s.ParticipantCheckedIn()),
        EventType(ONLINE_ATTENDANCE_RECORDED, topics.ATTENDANCE, s.OnlineAttendanceRecorded()),
        EventType(HOURS_RECORDED, topics.ATTENDANCE, s.HoursRecorded()),
        EventType(CERTIFICATE_ISSUED, topics.CERTIFICATES, s.CertificateIssued()),
        EventType(CERTIFICATE_REVOKED, topics.CERTIFICATES, s.CertificateRevoked()),
        EventType(RESULTS_PUBLISHED, topics.AWARDS_RESULTS, s.ResultsPublished()),
    )
}


def event_type(name: str) -> EventType:
    """The declared type called `name`; KeyError when no such type is declared."""
    return EVENT_TYPES[name]
