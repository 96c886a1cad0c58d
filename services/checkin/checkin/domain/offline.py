"""An offline door's word weighed against the service's decision (domain/scans.py).

The door decided by itself first (static/decide.js) and the person went in or was turned away:
that is a fact. The scan is decided again here as it would have been online at its own time,
and the two together say what is recorded.
"""
from __future__ import annotations

from dataclasses import dataclass

from .scans import FirstCheckin, ScanDecision, lost_to_another_door

# What an offline door may have let through although the service refuses it: the ticket is
# genuine and names a registration of this forum. Forged or unreadable tickets admit no one.
FORCEABLE = frozenset({"cancelled", "waitlisted", "ticket_replaced", "wrong_point", "online_ticket", "not_yet_valid",
                       "not_signed_up"})


@dataclass(frozen=True)
class OfflineJudgement:
    decision: ScanDecision  # what is stored for the scan
    admits: bool  # a check-in to record now
    forced: bool  # admitted although refused here
    conflict_with: FirstCheckin | None  # the admission at another point this one contradicts


def judge_offline(decision: ScanDecision, *, admitted: bool, first: FirstCheckin | None,
                  device_point: str) -> OfflineJudgement:
    """An offline scan: the service's `decision` (as of the scan's time) and the door's word.

    - accepted here and admitted there: a check-in, as online;
    - refused here for a reason in FORCEABLE but admitted there: a *forced* check-in (the person
      is inside), unless they were admitted before;
    - admitted there while already admitted at another point: a conflict for organisers;
    - turned away by the door: stored, never a check-in (`refused_at_door` when this service
      would have accepted);
    - a check-out: stored as decided; the door does not let anyone in or out, it notes who left."""
    if decision.direction == "out":
        return OfflineJudgement(decision, False, False, None)
    if not admitted:
        if decision.admits:
            decision = ScanDecision("rejected", "refused_at_door", decision.registration_id, decision.known_to_checkin)
        return OfflineJudgement(decision, False, False, None)
    if decision.admits:
        forced = False
    elif decision.outcome == "duplicate" or decision.reason in FORCEABLE:
        forced = decision.outcome == "rejected"
    else:
        return OfflineJudgement(decision, False, False, None)
    return OfflineJudgement(decision, first is None, forced, _elsewhere(first, device_point))


def judge_late(judged: OfflineJudgement, first: FirstCheckin, *, device_point: str) -> OfflineJudgement:
    """An admission of this batch that another door made first while the batch was being
    decided: no check-in; a forced one stays refused (and forced), a plain one is a duplicate;
    made at another point, it is a conflict."""
    decision = judged.decision if judged.forced else lost_to_another_door(judged.decision, first)
    return OfflineJudgement(decision, False, judged.forced, _elsewhere(first, device_point))


def _elsewhere(first: FirstCheckin | None, device_point: str) -> FirstCheckin | None:
    """The first admission, when it happened at another point (not online, not here)."""
    return first if first is not None and first.point is not None and first.point != device_point else None
