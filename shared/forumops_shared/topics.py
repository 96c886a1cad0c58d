"""Topic names and the one declared list the broker's topics are created from."""
from __future__ import annotations

from dataclasses import dataclass, field

DAY_MS = 24 * 60 * 60 * 1000

FORUMS = "registration.forums.v1"
REGISTRATIONS = "registration.registrations.v1"
ATTENDANCE = "checkin.attendance.v1"
CERTIFICATES = "certificates.certificates.v1"
AWARDS_RESULTS = "awards.results.v1"
CHECKIN_DLQ = "checkin.dlq"
CERTIFICATES_DLQ = "certificates.dlq"
AWARDS_DLQ = "awards.dlq"


@dataclass(frozen=True)
class TopicSpec:
    """A topic as it must exist on the broker."""

    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)

    def prefixed(self, prefix: str) -> str:
        return f"{prefix}{self.name}"

    @property
    def compacted(self) -> bool:
        """Keeps only the latest record of each key (in time): a record supersedes its key's past."""
        return "compact" in self.config.get("cleanup.policy", "").split(",")


# Personal data may travel only on topics compacted by a key whose latest record holds all that
# is kept of the person (their registration; a programme's whole list of winners): an erasure (or
# a list republished without them) is the key's last record, so the cleaner removes every earlier
# one. A segment is closed (and so cleanable) a day after it opened, at its next record; the
# cleaner must have removed a superseded record a day after that (max.compaction.lag.ms).
# README, "Personal data".
ERASABLE = {"cleanup.policy": "compact,delete", "min.compaction.lag.ms": "0",
            "max.compaction.lag.ms": str(DAY_MS), "segment.ms": str(DAY_MS)}


TOPICS: tuple[TopicSpec, ...] = (
    # Latest state of each forum, keyed by slug: a newly started consumer reads the whole
    # table without replaying history.
    TopicSpec(FORUMS, 12, {"cleanup.policy": "compact", "min.compaction.lag.ms": "0"}),
    # Personal data travels here, keyed by registration: each event carries the registration's
    # whole state, so the latest per key is all a consumer needs, and an erasure supersedes the rest.
    # Nothing outlives the year of retention either.
    TopicSpec(REGISTRATIONS, 12, {**ERASABLE, "retention.ms": str(365 * DAY_MS)}),
    TopicSpec(ATTENDANCE, 12, {"cleanup.policy": "delete", "retention.ms": str(365 * DAY_MS)}),
    TopicSpec(CERTIFICATES, 12, {"cleanup.policy": "delete", "retention.ms": str(365 * DAY_MS)}),
    # A programme's results, keyed by its slug: each record is the whole list of winners (their
    # contact emails too), so the latest per programme is all a consumer needs, and a correction
    # (or a republication without a person's email) supersedes every earlier list within a day.
    TopicSpec(AWARDS_RESULTS, 12, {**ERASABLE, "retention.ms": str(365 * DAY_MS)}),
    # Dead letters wait for a person: keep them long enough to be looked at and replayed. They may
    # hold copies of registrations, so they are erasable too (forumops_shared.dead_letters).
    TopicSpec(CHECKIN_DLQ, 1, {**ERASABLE, "retention.ms": str(90 * DAY_MS)}),
    TopicSpec(CERTIFICATES_DLQ, 1, {**ERASABLE, "retention.ms": str(90 * DAY_MS)}),
    TopicSpec(AWARDS_DLQ, 1, {**ERASABLE, "retention.ms": str(90 * DAY_MS)}),
)


def topic_spec(name: str) -> TopicSpec:
    return next(spec for spec in TOPICS if spec.name == name)


def compacted(name: str) -> bool:
    """Whether the declared topic `name` (without prefix) is compacted; False for one not declared."""
    return any(spec.compacted for spec in TOPICS if spec.name == name)
