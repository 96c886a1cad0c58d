"""Scores and decisions: a review's weighted score, an application's standing, the proposed winners.

A criterion has a code, a weight and a scale (lowest to highest, e.g. 0–10). A review scores
every criterion; its weighted score is Σ weight · (score − lowest) / (highest − lowest) / Σ weight,
on 0–100. An application's standing is made of its submitted reviews: their mean and median
(the mean of the middle two for an even count), how many are done of how many are needed, and
whether the jurors disagree (highest minus lowest review score above a threshold, 25 points by
default).

Arithmetic is exact (fractions): two applications tie exactly when their means are equal, never
because of rounding nor despite it; round only for display, e.g. float(round(value, 2)).

The proposed winners of a category fill its quota by mean, highest first. Equal means share a
rank, and a tie is never broken at the quota's cut: when the applications at the last places
and just below share a mean, all of them are `tied`, for the organiser to decide, and the
proposal says how many places remain among them. Within a rank, rows are listed by median, then
reviews done (more first), then application id; that order decides nothing. Applications with
no submitted review are not ranked: they are listed as incomplete.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from forumops_shared.refusals import Refusal

Number = int | float | Decimal | Fraction
DISAGREEMENT = 25  # points on 0–100


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: Number = 1
    lowest: Number = 0
    highest: Number = 10


@dataclass(frozen=True)
class Standing:
    application: str
    category: str
    scores: tuple[Fraction, ...]  # each submitted review's weighted score, 0–100, lowest first
    needed: int
    mean: Fraction | None
    median: Fraction | None
    spread: Fraction | None  # highest minus lowest review score
    jurors_disagree: bool

    @property
    def done(self) -> int:
        return len(self.scores)


@dataclass(frozen=True)
class Place:
    application: str
    rank: int  # 1 + how many have a higher mean
    outcome: str  # proposed, tied (at the cut: the organiser decides) or not_proposed
    standing: Standing


@dataclass(frozen=True)
class Proposal:
    category: str
    quota: int
    places: tuple[Place, ...]  # every ranked application, best first
    places_to_fill: int  # how many of the tied may still win
    incomplete: tuple[str, ...]  # applications without a submitted review

    def with_outcome(self, outcome: str) -> tuple[str, ...]:
        return tuple(p.application for p in self.places if p.outcome == outcome)


def require_valid_criteria(criteria: Sequence[Criterion]) -> None:
    """At least one criterion; codes distinct; weights above 0; each scale's lowest below its highest."""
    if not criteria:
        raise Refusal("criteria_invalid", {"criteria": ["At least one criterion is needed."]})
    problems: dict[str, list[str]] = {}
    seen = set()
    for c in criteria:
        weight, lowest, highest = _exact(c.weight), _exact(c.lowest), _exact(c.highest)
        if c.code in seen:
            problems.setdefault(c.code, []).append("The code is used twice.")
        if weight is None or weight <= 0:
            problems.setdefault(c.code, []).append("The weight must be a number above 0.")
        if lowest is None or highest is None or lowest >= highest:
            problems.setdefault(c.code, []).append("The scale's lowest score must be below its highest.")
        seen.add(c.code)
    if problems:
        raise Refusal("criteria_invalid", {"criteria": problems})


def review_score(criteria: Sequence[Criterion], scores: Mapping[str, Number | None]) -> Fraction:
    """The review's weighted score on 0–100, or a refusal naming each criterion at fault:
    `unknown_criterion`, then `criterion_not_scored`, then `score_out_of_range` (the first that
    applies is the reason; the errors list every problem)."""
    codes = {c.code for c in criteria}
    problems: dict[str, tuple[str, str]] = {code: ("unknown_criterion", "The programme has no such criterion.")
                                            for code in sorted(set(scores) - codes)}
    total = weights = Fraction(0)
    for c in criteria:
        given, score = scores.get(c.code), _exact(scores.get(c.code))
        if given is None:
            problems[c.code] = ("criterion_not_scored", "Not scored.")
        elif score is None or not _exact(c.lowest) <= score <= _exact(c.highest):
            problems[c.code] = ("score_out_of_range", f"Must be a number from {c.lowest} to {c.highest}.")
        else:
            total += _exact(c.weight) * (score - _exact(c.lowest)) / (_exact(c.highest) - _exact(c.lowest))
            weights += _exact(c.weight)
    if problems:
        order = ("unknown_criterion", "criterion_not_scored", "score_out_of_range")
        reason = min((kind for kind, _ in problems.values()), key=order.index)
        raise Refusal(reason, {"scores": {code: [text] for code, (_, text) in problems.items()}})
    return 100 * total / weights


def standing(application: str, category: str, submitted: Iterable[Mapping[str, Number]],
             criteria: Sequence[Criterion], *, needed: int = 3, disagreement: Number = DISAGREEMENT) -> Standing:
    """An application's standing from its submitted reviews (each a score per criterion code)."""
    scores = tuple(sorted(review_score(criteria, review) for review in submitted))
    if not scores:
        return Standing(application, category, (), needed, None, None, None, False)
    middle = len(scores) // 2
    median = scores[middle] if len(scores) % 2 else (scores[middle - 1] + scores[middle]) / 2
    spread = scores[-1] - scores[0]
    return Standing(application, category, scores, needed, sum(scores) / len(scores), median, spread,
                    spread > _exact(disagreement))


def propose_winners(standings: Iterable[Standing], quotas: Mapping[str, int]) -> dict[str, Proposal]:
    """Per category of `quotas` (its number of awards), the proposed winners (see the module docstring)."""
    by_category: dict[str, list[Standing]] = {category: [] for category in quotas}
    for s in standings:
        if s.category not in by_category:
            raise ValueError(f"category {s.category!r} of application {s.application!r} has no quota")
        by_category[s.category].append(s)
    return {category: _proposal(category, quotas[category], found) for category, found in by_category.items()}


def _proposal(category: str, quota: int, standings: list[Standing]) -> Proposal:
    if quota < 0:
        raise ValueError(f"category {category!r} has a negative quota")
    ranked = sorted((s for s in standings if s.mean is not None),
                    key=lambda s: (-s.mean, -s.median, -s.done, s.application))
    cut = ranked[quota - 1].mean if 0 < quota < len(ranked) else None
    tie_at_cut = cut is not None and ranked[quota].mean == cut
    places, above, rank = [], 0, 0
    for position, s in enumerate(ranked):
        if position == 0 or s.mean != ranked[position - 1].mean:
            rank = position + 1
        if tie_at_cut and s.mean == cut:
            outcome = "tied"
        else:
            outcome = "proposed" if (rank <= quota and (cut is None or s.mean >= cut)) else "not_proposed"
        above += outcome == "proposed"
        places.append(Place(s.application, rank, outcome, s))
    incomplete = tuple(sorted(s.application for s in standings if s.mean is None))
    return Proposal(category, quota, tuple(places), quota - above if tie_at_cut else 0, incomplete)


def _exact(value: object) -> Fraction | None:
    """A finite number as an exact fraction (a float as its shortest decimal form), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, Fraction)):
        return None
    if isinstance(value, float):
        return Fraction(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    return Fraction(value)
