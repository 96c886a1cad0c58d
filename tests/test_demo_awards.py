"""The demo awards programme's make-up, judged by the awards service's own rules: what `up` will
show (a tie at a cut, a disagreement, a conflict handed over) follows from its data, whatever
the assignment. The programme loaded over HTTP is checked in test_stack.py."""
from __future__ import annotations

from awards.domain import assignment
from awards.domain.files import content_type
from awards.domain.ranking import Criterion, propose_winners, standing
from forumops_stack import demo_awards_data as data

APPLY_LIMIT = 30  # awards' AWARDS_APPLY_RATE_LIMIT default, a minute per address: up applies from one


def _standings():
    criteria = [Criterion(c["code"], c["weight"], 0, c["max"]) for c in data.CRITERIA]
    return [standing(str(i), e.category, [data.scores(i, k) for k in range(3)], criteria)
            for i, e in enumerate(data.ENTRIES)]


def test_the_demo_applies_within_the_public_limit_in_each_category():
    assert len(data.ENTRIES) <= APPLY_LIMIT
    assert {e.category for e in data.ENTRIES} == {c["code"] for c in data.CATEGORIES}
    assert len({(e.email, e.category, e.title) for e in data.ENTRIES}) == len(data.ENTRIES)  # none a duplicate
    assert {e.kind for e in data.ENTRIES} == {"unit", "person"}


def test_the_ranking_shows_a_tie_at_a_cut_and_one_disagreement():
    proposals = propose_winners(_standings(), {c["code"]: c["awards"] for c in data.CATEGORIES})
    tied = {code: p.with_outcome("tied") for code, p in proposals.items() if p.with_outcome("tied")}
    assert tied == {"doi-moi": ("11", "15")} and proposals["doi-moi"].places_to_fill == 1
    assert [s.application for s in _standings() if s.jurors_disagree] == [
        str(i) for i, e in enumerate(data.ENTRIES) if e.dissent]


def test_every_application_finds_its_three_jurors_and_the_conflict_can_be_handed_over():
    apps = [assignment.Application(str(i), e.category, e.organisation, e.province) for i, e in enumerate(data.ENTRIES)]
    panel = [assignment.Juror(j.mailbox, j.organisation, frozenset(j.categories)) for j in data.JURORS]
    first = assignment.assign(apps, panel, reviews_per_application=3, seed=data.SLUG)
    assert first.short == ()
    conflicted = next(j.mailbox for j in data.JURORS if j.name == data.CONFLICTED)
    given = next(a for a, j in first.pairs if j == conflicted)
    again = assignment.assign(apps, panel, reviews_per_application=3, seed=data.SLUG, conflicts={(conflicted, given)},
                              existing=[assignment.Review(a, j, "assigned") for a, j in first.pairs])
    assert again.short == () and (given, conflicted) not in again.pairs


def test_the_attachments_are_files_awards_accepts():
    for entry in data.ENTRIES[:3]:
        for name, content, declared in data.attachments(entry):
            assert content_type(content[:16]) == declared and len(content) < 100_000, name
    assert any(entry.photo for entry in data.ENTRIES)
