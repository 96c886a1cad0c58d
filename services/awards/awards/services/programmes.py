"""Programmes: created and changed by organisers (every change audited), read by anyone.

What a change may not do once applications exist: remove a category that has applications
(`category_in_use`), exclude a kind of applicant that has applied (`applicant_kind_in_use`), or
change the criteria once applications have closed (`criteria_locked`: the jury scores on them).
Dates may move, each change checked as the timetable (domain/phases.py) requires.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Mapping

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from forumops_shared.audit import ORGANISER, record
from forumops_shared.languages import in_language
from forumops_shared.refusals import Refusal

from ..domain.phases import ProgrammeDates, phase_at
from ..domain.ranking import Criterion, require_valid_criteria
from ..tables import applications, programmes, publications

RESULTS_AFTER_REVIEW = timedelta(days=7)  # the results date when none is given
_DATES = ("applications_open_at", "applications_close_at", "review_close_at", "results_at")


def dates_of(row: Row | Mapping) -> ProgrammeDates:
    get = row.__getitem__ if isinstance(row, Mapping) else lambda name: getattr(row, name)
    return ProgrammeDates(get("applications_open_at"), get("applications_close_at"), get("review_close_at"),
                          get("results_at"))


def criteria_of(listed: list[dict]) -> list[Criterion]:
    return [Criterion(c["code"], c["weight"], c.get("min", 0), c["max"]) for c in listed]


def _check(values: dict) -> None:
    """The timetable in order, the criteria scorable, category codes distinct."""
    _timetable(values)
    require_valid_criteria(criteria_of(values["criteria"]))
    codes = [c["code"] for c in values["categories"]]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise Refusal("categories_invalid", {"categories": {code: ["The code is used twice."] for code in twice}})


def _timetable(values: dict) -> ProgrammeDates:
    try:
        return dates_of(values)
    except Refusal as refusal:  # errors named by the API's field names
        names = dict(zip(("applications_open", "applications_close", "review_closes", "results_published"), _DATES))
        raise Refusal(refusal.reason, {names.get(k, k): v for k, v in (refusal.errors or {}).items()}) from None


def create(conn: Connection, data: dict, now: datetime) -> dict:
    values = {**data, "results_at": data.get("results_at") or data["review_close_at"] + RESULTS_AFTER_REVIEW}
    _check(values)
    row = {"slug": values["slug"], "titles": json.dumps(values["title"], ensure_ascii=False),
           "forum": values.get("forum"), **{name: values[name] for name in _DATES},
           "categories": json.dumps(values["categories"], ensure_ascii=False),
           "criteria": json.dumps(values["criteria"], ensure_ascii=False), "applicants": values["applicants"],
           "reviews_per_application": values["reviews_per_application"], "blind": values["blind"],
           "created_at": now, "updated_at": now}
    try:
        with conn.begin_nested():
            conn.execute(programmes.insert().values(**row))
    except IntegrityError as exc:
        raise Refusal("programme_exists") from exc
    record(conn, at=now, actor=ORGANISER, action="programme.created", object_kind="programme",
           object_id=values["slug"], forum=values.get("forum"))
    return view(conn, find(conn, values["slug"]), now, organiser=True)


def change(conn: Connection, slug: str, data: dict, now: datetime) -> dict:
    row = find(conn, slug)
    current = _values(row)
    values = {**current, **data}
    if values["results_at"] is None or ("results_at" not in data and values["results_at"] <= values["review_close_at"]):
        values["results_at"] = values["review_close_at"] + RESULTS_AFTER_REVIEW  # moved with the review's close
    _check(values)
    in_use = _in_use(conn, row.id)
    removed = {cat for cat, _kind in in_use} - {c["code"] for c in values["categories"]}
    if removed:
        raise Refusal("category_in_use", {"categories": {code: ["Applications were made in it."] for code in sorted(removed)}})
    kinds = {kind for _cat, kind in in_use}
    excluded = sorted(kinds - ({"unit", "person"} if values["applicants"] == "both" else {values["applicants"]}))
    if excluded:
        raise Refusal("applicant_kind_in_use", {"applicants": [f"Applications from a {k} exist." for k in excluded]})
    if values["criteria"] != current["criteria"] and phase_at(dates_of(row), now) not in ("before", "applications"):
        raise Refusal("criteria_locked")
    changed = sorted(k for k in values if values[k] != current[k])
    conn.execute(programmes.update().where(programmes.c.id == row.id).values(
        titles=json.dumps(values["title"], ensure_ascii=False), forum=values["forum"],
        **{name: values[name] for name in _DATES},
        categories=json.dumps(values["categories"], ensure_ascii=False),
        criteria=json.dumps(values["criteria"], ensure_ascii=False), applicants=values["applicants"],
        reviews_per_application=values["reviews_per_application"], blind=values["blind"], updated_at=now))
    if changed:
        record(conn, at=now, actor=ORGANISER, action="programme.changed", object_kind="programme", object_id=slug,
               forum=values["forum"], detail={"fields": ",".join(changed)})
    return view(conn, find(conn, slug), now, organiser=True)


def _values(row: Row) -> dict:
    return {"title": json.loads(row.titles), "forum": row.forum, **{name: getattr(row, name) for name in _DATES},
            "categories": json.loads(row.categories), "criteria": json.loads(row.criteria),
            "applicants": row.applicants, "reviews_per_application": row.reviews_per_application,
            "blind": row.blind}


def _in_use(conn: Connection, programme_id: int) -> set[tuple[str, str]]:
    """(category, applicant kind) of the programme's applications not withdrawn."""
    return {tuple(r) for r in conn.execute(
        select(applications.c.category, applications.c.applicant_kind).distinct()
        .where(applications.c.programme_id == programme_id, applications.c.status == "submitted"))}


def find(conn: Connection, slug: str) -> Row:
    row = conn.execute(select(programmes).where(programmes.c.slug == slug)).first()
    if row is None:
        raise Refusal("programme_not_found")
    return row


def view(conn: Connection, row: Row, now: datetime, *, organiser: bool = False) -> dict:
    """The programme as anyone sees it; organisers also see how many reviews each application
    needs and how many applications it has."""
    values = _values(row)
    shown = {"slug": row.slug, **values, "phase": phase(conn, row, now)}
    if not organiser:
        del shown["reviews_per_application"]
        return shown
    counts = dict(conn.execute(select(applications.c.status, func.count())
                               .where(applications.c.programme_id == row.id).group_by(applications.c.status)).all())
    return {**shown, "applications": {"submitted": counts.get("submitted", 0), "withdrawn": counts.get("withdrawn", 0)}}


def phase(conn: Connection, row: Row, now: datetime) -> str:
    """The phase by the timetable, except that results are published when the organiser
    publishes them, not when the announced date passes."""
    by_dates = phase_at(dates_of(row), now)
    published = conn.execute(select(publications.c.seq).where(publications.c.programme_id == row.id)
                             .limit(1)).first() is not None
    if published:
        return "published"
    return "deciding" if by_dates == "published" else by_dates


def categories(row: Row) -> dict[str, dict]:
    return {c["code"]: c for c in json.loads(row.categories)}


def title_in(row: Row, lang: str) -> str:
    return in_language(json.loads(row.titles), lang)
