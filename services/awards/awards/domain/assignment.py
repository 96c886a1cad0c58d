"""The jury's assignment: which jurors review which application.

A juror *may review* an application when it is of one of the juror's categories, its applicant's
organisation is not the juror's (compared normalised: NFC, case-folded, whitespace collapsed; an
empty organisation matches nobody's), and the juror has not declared a conflict with it. The
applicant's province is carried but decides nothing: the issue asks only for the organisation.

What `assign` guarantees (tests/awards/test_assignment_properties.py checks each over random
programmes, and a brute force the loads of small ones):

1. Counts. Every application gets `reviews_per_application` reviews from distinct jurors, unless
   fewer jurors may review it: then it gets every one who may, and is listed in `short` with how
   many jurors its category has and how many its organisation and declared conflicts rule out.
   `short` lists exactly the applications left with fewer reviews than needed. Submitted reviews
   kept (5.) count, even beyond the number needed.
2. Eligibility. Every review in the result is by a juror who may review the application, except
   a submitted one, which is kept whatever has changed since (5.).
3. Balance. A juror's load is their number of reviews in the programme, every category counted.
   No review placed by this computation can be handed over, directly or along a chain of jurors
   each passing one review to the next, from a juror to one who may take it and has at least two
   fewer reviews. Hence (the optimality condition of a min-cost flow with convex costs: no
   negative cycle), no other assignment that keeps the same reviews and places as many anew for
   each application has a smaller sum of squared loads, a smaller highest load or a larger lowest
   load. And on a first computation, the jurors of a category who review only that category and
   may review all of its applications have loads that differ by at most 1.
4. Determinism. The result depends only on the inputs' content and `seed`, never on their order
   or on dict and set iteration: everything is sorted by id, ties are drawn from random.Random(seed).
5. Stability. Existing reviews are kept, except one whose juror may no longer review the
   application (a conflict declared since, a juror removed or moved to other categories, now of
   the applicant's organisation) and those beyond the number needed (the least advanced go
   first); a review of an application no longer given is dropped. A submitted review is never
   moved: it is kept whatever else changes. Released reviews are listed with why, and only the
   reviews then missing are placed anew (nothing kept is moved to even out the loads).

How: greedy, most constrained application first (fewest spare jurors), each review to the least
loaded juror who may take it; then balance.py hands reviews along the shortest chains from
heavier to lighter jurors until no chain is left, which is what makes guarantee 3 exact. A
min-cost flow gives the same loads but is more code than the greedy plus chains, and the greedy
leaves almost nothing for the chains to do (bench/awards_assignment_bench.py).
"""
from __future__ import annotations

import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Collection, Iterable

from .balance import Placement, even_out

PROGRESS = ("assigned", "started", "submitted")  # an existing review's state, least advanced first


@dataclass(frozen=True)
class Application:
    id: str
    category: str
    organisation: str
    province: str = ""


@dataclass(frozen=True)
class Juror:
    id: str
    organisation: str
    categories: frozenset[str]


@dataclass(frozen=True)
class Review:
    """A review as it stands: assigned, started or submitted."""

    application: str
    juror: str
    state: str = "assigned"


@dataclass(frozen=True)
class Released:
    application: str
    juror: str
    reason: str  # application_gone, juror_gone, conflict, not_eligible, surplus


@dataclass(frozen=True)
class Shortfall:
    application: str
    needed: int
    assigned: int
    jurors_in_category: int
    own_organisation: int  # of those, from the applicant's organisation
    conflicts: int  # of the others, those who declared a conflict
    reason: str = "not_enough_eligible_jurors"


@dataclass(frozen=True)
class JuryAssignment:
    pairs: tuple[tuple[str, str], ...]  # every (application, juror), sorted
    added: tuple[tuple[str, str], ...]  # those placed by this computation
    released: tuple[Released, ...]
    short: tuple[Shortfall, ...]
    loads: dict[str, int]  # every juror's number of reviews, by juror id


def normalise_organisation(name: str) -> str:
    """Canonical caseless form (Unicode's NFD∘casefold∘NFD, then NFC), whitespace collapsed."""
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFD", name).casefold())
    return " ".join(unicodedata.normalize("NFC", folded).split())


def assign(applications: Iterable[Application], jurors: Iterable[Juror], *, reviews_per_application: int = 3,
           conflicts: Collection[tuple[str, str]] = (), existing: Iterable[Review] = (),
           seed: str = "") -> JuryAssignment:
    """The assignment (guarantees in the module docstring). `conflicts` holds (juror, application)
    pairs; `existing` the reviews as they stand; `seed` (the programme's id, say) draws the ties."""
    if reviews_per_application < 1:
        raise ValueError("an application needs at least one review")
    apps = _by_id(applications, "application")
    panel = _by_id(jurors, "juror")
    conflicted = frozenset(conflicts)
    rng = random.Random(seed)
    eligible = _eligible(apps, panel, conflicted)
    kept, released = _keep(sorted(existing, key=lambda r: (r.application, r.juror)), apps, panel, eligible,
                           conflicted, reviews_per_application, rng)
    placement = Placement({j: 0 for j in panel}, {a: set(jurors) for a, jurors in kept.items()})
    for juror in (j for jurors in kept.values() for j in jurors if j in panel):  # a removed juror's submitted review
        placement.loads[juror] += 1
    _place_greedily(apps, eligible, placement, reviews_per_application, rng)
    even_out(placement, eligible)
    pairs = tuple(sorted((a, j) for a, jurors in placement.reviewers.items() for j in jurors))
    added = tuple(sorted((a, j) for a, jurors in placement.movable.items() for j in jurors))
    short = tuple(_shortfall(apps[a], panel, conflicted, reviews_per_application, len(placement.reviewers[a]))
                  for a in sorted(apps) if len(placement.reviewers[a]) < reviews_per_application)
    return JuryAssignment(pairs, added, tuple(released), short, dict(placement.loads))


def _by_id(items: Iterable, kind: str) -> dict:
    found = {}
    for item in sorted(items, key=lambda item: item.id):
        if item.id in found:
            raise ValueError(f"{kind} {item.id!r} is given twice")
        found[item.id] = item
    return found


def _eligible(apps: dict[str, Application], panel: dict[str, Juror], conflicted: frozenset) -> dict[str, list[str]]:
    """Who may review each application, in juror id order."""
    jury: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for juror in panel.values():
        for category in juror.categories:
            jury[category].append((juror.id, normalise_organisation(juror.organisation)))
    eligible = {}
    for a in apps.values():
        own = normalise_organisation(a.organisation)
        eligible[a.id] = [j for j, organisation in jury[a.category]
                          if not (own and organisation == own) and (j, a.id) not in conflicted]
    return eligible


def _keep(existing: list[Review], apps: dict, panel: dict, eligible: dict[str, list[str]], conflicted: frozenset,
          needed: int, rng: random.Random) -> tuple[dict[str, list[str]], list[Released]]:
    """The existing reviews that stay, by application (most advanced first), and those released."""
    kept: dict[str, list[Review]] = {a: [] for a in apps}
    released = []
    for review in existing:
        if review.state not in PROGRESS:
            raise ValueError(f"review state {review.state!r} is not one of {PROGRESS}")
        why = _why_released(review, apps, panel, eligible, conflicted)
        if why:
            released.append(Released(review.application, review.juror, why))
        else:
            kept[review.application].append(review)
    for application, reviews in kept.items():
        reviews.sort(key=lambda r: (-PROGRESS.index(r.state), rng.random()))
        for surplus in reviews[needed:]:
            if surplus.state != "submitted":
                released.append(Released(application, surplus.juror, "surplus"))
        kept[application] = [r for i, r in enumerate(reviews) if i < needed or r.state == "submitted"]
    released.sort(key=lambda r: (r.application, r.juror))
    return {a: [r.juror for r in reviews] for a, reviews in kept.items()}, released


def _why_released(review: Review, apps: dict, panel: dict, eligible: dict[str, list[str]],
                  conflicted: frozenset) -> str | None:
    if review.application not in apps:
        return "application_gone"
    if review.state == "submitted" or review.juror in eligible[review.application]:
        return None
    if review.juror not in panel:
        return "juror_gone"
    if (review.juror, review.application) in conflicted:
        return "conflict"
    return "not_eligible"  # moved to other categories, or now of the applicant's organisation


def _place_greedily(apps: dict, eligible: dict[str, list[str]], placement: Placement, needed: int,
                    rng: random.Random) -> None:
    """Most constrained application first; each review to the least loaded juror who may take it."""
    order = list(apps)
    rng.shuffle(order)
    spare = {a: len(eligible[a]) - needed for a in order}
    for application in sorted(order, key=spare.__getitem__):
        have = placement.reviewers[application]
        free = [j for j in eligible[application] if j not in have]
        rng.shuffle(free)
        free.sort(key=placement.loads.__getitem__)
        for juror in free[:max(0, needed - len(have))]:
            placement.add(application, juror)


def _shortfall(application: Application, panel: dict, conflicted: frozenset, needed: int, assigned: int) -> Shortfall:
    own = normalise_organisation(application.organisation)
    in_category = [j for j in panel.values() if application.category in j.categories]
    same = [j for j in in_category if own and normalise_organisation(j.organisation) == own]
    conflicts = [j for j in in_category if j not in same and (j.id, application.id) in conflicted]
    return Shortfall(application.id, needed, assigned, len(in_category), len(same), len(conflicts))
