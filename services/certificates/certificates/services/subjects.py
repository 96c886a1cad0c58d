"""What deciding a registration's attendance certificate needs, read in one query: the person,
what was seen of them, their forum's rule and programme, and the certificate they hold; and how
a certificate's statement (sessions, hours) is kept in its row."""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import rows_for_keys

from ..domain.rules import Attendance, Decision, Rule, SessionMinutes, decide, lengths_of
from ..domain.statement import NOTHING, Statement, StatedSession, statement_of
from ..tables import attendance, certificates, forums, registrations

_held = certificates.alias("held")  # the valid one
_any = certificates.alias("any_held")
# Built once: a statement built per event costs more to build and look up than to run.
_SUBJECTS = (select(registrations.c.id, registrations.c.forum, registrations.c.erased, registrations.c.full_name,
                    registrations.c.organisation, registrations.c.language, registrations.c.email,
                    attendance.c.onsite_at, attendance.c.online_minutes, attendance.c.sessions.label("seen_sessions"),
                    attendance.c.minutes, forums.c.onsite_checkin, forums.c.online_min_minutes, forums.c.min_hours,
                    forums.c.required_sessions, forums.c.hours_step_minutes, forums.c.sessions.label("programme"),
                    _held.c.serial, _held.c.sessions.label("held_sessions"), _held.c.hours.label("held_hours"),
                    exists().where(_any.c.registration_id == registrations.c.id).label("ever_held"))
             .select_from(registrations
                          .outerjoin(attendance, attendance.c.registration_id == registrations.c.id)
                          .outerjoin(forums, forums.c.slug == registrations.c.forum)
                          .outerjoin(_held, and_(_held.c.registration_id == registrations.c.id,
                                                 _held.c.revoked_at.is_(None)))))
_SUBJECT = _SUBJECTS.where(registrations.c.id == bindparam("rid"))
_SUBJECTS_OF = _SUBJECTS.where(registrations.c.id.in_(bindparam("keys", expanding=True)))


@dataclass(frozen=True)
class Subject:
    person: Row
    rule: Rule | None  # None: the forum is not known yet
    decision: Decision
    statement: Statement  # what a certificate issued now would state
    held: Statement | None  # what the valid certificate states; None without one

    @property
    def serial(self) -> str | None:
        return self.person.serial

    @property
    def ever_held(self) -> bool:
        """A certificate was issued to them, valid or not (a revoked one is not issued again)."""
        return bool(self.person.ever_held)


def subject(conn: Connection, registration_id: str) -> Subject | None:
    """None while the registration is not known here."""
    p = conn.execute(_SUBJECT, {"rid": registration_id}).first()
    return None if p is None else _subject_of(p)


def subjects(conn: Connection, registration_ids: list[str]) -> list[Subject]:
    """The subjects of those of `registration_ids` known here, with one query (a chunk of ids at a time)."""
    return [_subject_of(p) for p in rows_for_keys(conn, _SUBJECTS_OF, registration_ids)]


def _subject_of(p: Row) -> Subject:
    rule = _rule(p) if p.onsite_checkin is not None else None
    seen = None
    if p.online_minutes is not None:
        sessions = tuple(SessionMinutes(s["code"], s["minutes"]) for s in json.loads(p.seen_sessions or "[]"))
        seen = Attendance(p.onsite_at, p.online_minutes, sessions, p.minutes or 0)
    programme = json.loads(p.programme or "[]")
    decision = decide(rule, True, p.erased, seen, lengths_of(programme))
    statement = statement_of(decision, seen, programme) if rule and rule.counts_hours and seen else NOTHING
    held = statement_in(p.held_sessions, p.held_hours) if p.serial else None
    return Subject(p, rule, decision, statement, held)


def _rule(p: Row) -> Rule:
    return Rule(p.onsite_checkin, p.online_min_minutes,
                min_hours=Decimal(p.min_hours) if p.min_hours is not None else None,
                required_sessions=tuple(json.loads(p.required_sessions or "[]")),
                hours_step_minutes=p.hours_step_minutes)


def statement_in(sessions: str | None, hours: str | None) -> Statement:
    """A certificate's statement from its row's `sessions` and `hours`."""
    stated = tuple(StatedSession(s["code"], s["title"], s["minutes"]) for s in json.loads(sessions or "[]"))
    return Statement(stated, Decimal(hours) if hours is not None else None)


def columns_of(statement: Statement) -> dict:
    """A statement as a certificate row keeps it (none at all for a certificate without hours)."""
    if statement == NOTHING:
        return {"sessions": None, "hours": None}
    return {"sessions": json.dumps([{"code": s.code, "title": dict(s.title), "minutes": s.minutes}
                                    for s in statement.sessions], ensure_ascii=False),
            "hours": str(statement.hours) if statement.hours is not None else None}
