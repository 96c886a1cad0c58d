"""Topic names and the one declared list the broker's topics are created from."""
from __future__ import annotations

from dataclasses import dataclass, field

DAY_MS = 24 * 60 * 60 * 1000

FORUMS = "registration.forums.v1"
REGISTRATIONS = "registration.registrations.v1"
ATTENDANCE = "checkin.attendance.v1"
CERTIFICATES = "certificates.certificates.v1"
CHECKIN_DLQ = "checkin.dlq"
CERTIFICATES_DLQ = "certificates.dlq"


@dataclass(frozen=True)
class TopicSpec:
    """A topic as it must exist on the broker."""

    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)

    def prefixed(self, prefix: str) -> str:
        return f"{prefix}{self.name}"


TOPICS: tuple[TopicSpec, ...] = (
    # Latest state of each forum, keyed by slug: a newly started consumer reads the whole
    # table without replaying history.
    TopicSpec(FORUMS, 12, {"cleanup.policy": "compact", "min.compaction.lag.ms": "0"}),
    # Personal data travels here, so the log must not outlive the forum's retention period.
    TopicSpec(REGISTRATIONS, 12, {"cleanup.policy": "delete", "retention.ms": str(365 * DAY_MS)}),
    TopicSpec(ATTENDANCE, 12, {"cleanup.policy": "delete", "retention.ms": str(365 * DAY_MS)}),
    TopicSpec(CERTIFICATES, 12, {"cleanup.policy": "delete", "retention.ms": str(365 * DAY_MS)}),
    # Dead letters wait for a person: keep them long enough to be looked at and replayed.
    TopicSpec(CHECKIN_DLQ, 1, {"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)}),
    TopicSpec(CERTIFICATES_DLQ, 1, {"cleanup.policy": "delete", "retention.ms": str(90 * DAY_MS)}),
)


def topic_spec(name: str) -> TopicSpec:
    return next(spec for spec in TOPICS if spec.name == name)
