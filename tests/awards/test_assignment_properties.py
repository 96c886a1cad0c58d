"""The assignment's guarantees (the docstring of awards.domain.assignment) over many random
programmes. Who may review what is worked out here from how each programme was drawn, not with
the module's own rules: organisations are drawn as a name written in a random way (case, spaces,
composed or decomposed accents), so two are the same exactly when their names are."""
import itertools
import random
import unicodedata
from collections import Counter

from hypothesis import HealthCheck, given, settings, strategies as st

from awards.domain.assignment import Application, Juror, Review, assign

NAMES = ("Sở GD&ĐT Hà Nội", "Trường THPT Chu Văn An", "Đại học Huế", "Viện Khoa học Giáo dục", "")
CATEGORIES = ("environment", "innovation", "influence")
STATES = ("assigned", "started", "submitted")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


WRITINGS = [(case, form) for case in range(5) for form in ("NFC", "NFD")]


def written(name, writing):
    """`name` as someone may type it (one of WRITINGS)."""
    case, form = WRITINGS[writing]
    text = [name, name.upper(), name.lower(), f"  {name} ", name.replace(" ", "  ")][case]
    return unicodedata.normalize(form, text)


@st.composite
def programmes(draw, max_applications=30, max_jurors=10):
    """Each application and juror is one number (its categories, organisation and how it is written),
    which keeps hypothesis quick on programmes of this size."""
    categories = CATEGORIES[:draw(st.integers(1, 3))]
    choices = [frozenset(c for bit, c in enumerate(categories) if mask >> bit & 1)
               for mask in range(1, 2 ** len(categories))]
    organisation = {}  # id -> the organisation's name as drawn, before writing it some way
    apps, panel = [], []
    drawn = draw(st.lists(st.integers(0, len(categories) * len(NAMES) * len(WRITINGS) - 1), max_size=max_applications))
    for n, number in enumerate(drawn):
        number, writing = divmod(number, len(WRITINGS))
        category, name = divmod(number, len(NAMES))
        apps.append(Application(f"a{n}", categories[category], written(NAMES[name], writing)))
        organisation[f"a{n}"] = NAMES[name]
    drawn = draw(st.lists(st.integers(0, len(choices) * len(NAMES) * len(WRITINGS) - 1), max_size=max_jurors))
    for n, number in enumerate(drawn):
        number, writing = divmod(number, len(WRITINGS))
        chosen, name = divmod(number, len(NAMES))
        panel.append(Juror(f"j{n}", written(NAMES[name], writing), choices[chosen]))
        organisation[f"j{n}"] = NAMES[name]
    pairs = [(j.id, a.id) for j in panel for a in apps]
    declared = draw(st.sets(st.integers(0, len(pairs) - 1), max_size=len(pairs) * 2 // 5)) if pairs else set()
    conflicts = {pairs[k] for k in declared}
    return apps, panel, conflicts, draw(st.integers(1, 4)), organisation


def may_review(apps, panel, conflicts, organisation):
    """Application id -> the juror ids who may review it, worked out from the drawing."""
    return {a.id: {j.id for j in panel if a.category in j.categories and (j.id, a.id) not in conflicts
                   and not (organisation[a.id] and organisation[a.id] == organisation[j.id])} for a in apps}


def reviewers(pairs):
    found = {}
    for application, juror in pairs:
        found.setdefault(application, set()).add(juror)
    return found


def chain_to_lighter(pairs, may, loads):
    """A juror and one reachable by hand-overs (x reviews a, y may review a and does not) who has
    at least two fewer reviews, or None."""
    on = reviewers(pairs)
    hands_to = {x: set() for x in loads}
    for application, x in pairs:
        hands_to[x] |= may[application] - on[application]
    for start in loads:
        seen, queue = {start}, [start]
        for x in queue:
            for y in sorted(hands_to[x] - seen):
                seen.add(y)
                queue.append(y)
        lighter = [y for y in seen if loads[y] <= loads[start] - 2]
        if lighter:
            return start, lighter[0]
    return None


@SETTINGS
@given(programmes(), st.text(max_size=5))
def test_every_guarantee_holds_on_a_first_computation(programme, seed):
    apps, panel, conflicts, needed, organisation = programme
    result = assign(apps, panel, reviews_per_application=needed, conflicts=conflicts, seed=seed)
    may = may_review(apps, panel, conflicts, organisation)
    on = reviewers(result.pairs)
    assert len(set(result.pairs)) == len(result.pairs)
    for a in apps:  # counts, from distinct jurors who may review it
        assert on.get(a.id, set()) <= may[a.id]
        assert len(on.get(a.id, ())) == min(needed, len(may[a.id]))
    assert [s.application for s in result.short] == sorted(a.id for a in apps if len(may[a.id]) < needed)
    assert result.loads == {j.id: Counter(j for _, j in result.pairs)[j.id] for j in panel}
    assert chain_to_lighter(result.pairs, may, result.loads) is None
    assert result.added == result.pairs and result.released == ()


@SETTINGS
@given(programmes(), st.text(max_size=5), st.randoms(use_true_random=False))
def test_the_same_programme_in_any_order_gets_the_same_assignment(programme, seed, rnd):
    apps, panel, conflicts, needed, _ = programme
    first = assign(apps, panel, reviews_per_application=needed, conflicts=conflicts, seed=seed)
    rnd.shuffle(apps)
    rnd.shuffle(panel)
    panel = [Juror(j.id, j.organisation, frozenset(sorted(j.categories, reverse=True))) for j in panel]
    assert assign(apps, panel, reviews_per_application=needed, conflicts=list(conflicts), seed=seed) == first


@SETTINGS
@given(programmes(), st.randoms(use_true_random=False))
def test_recomputing_keeps_every_review_and_a_new_conflict_moves_only_its_own_unsubmitted_review(programme, rnd):
    apps, panel, conflicts, needed, organisation = programme
    first = assign(apps, panel, reviews_per_application=needed, conflicts=conflicts)
    existing = [Review(a, j, rnd.choice(STATES)) for a, j in first.pairs]
    unchanged = assign(apps, panel, reviews_per_application=needed, conflicts=conflicts, existing=existing)
    assert unchanged.pairs == first.pairs and unchanged.added == () and unchanged.released == ()
    if not existing:
        return
    declared = rnd.choice(existing)
    more = conflicts | {(declared.juror, declared.application)}
    again = assign(apps, panel, reviews_per_application=needed, conflicts=more, existing=existing)
    if declared.state == "submitted":
        assert again.pairs == first.pairs and again.released == ()
        return
    may = may_review(apps, panel, more, organisation)
    replaced = set(first.pairs) - {(declared.application, declared.juror)}
    assert replaced <= set(again.pairs)
    assert [(r.application, r.juror, r.reason) for r in again.released] == [
        (declared.application, declared.juror, "conflict")]
    spare = may[declared.application] - reviewers(first.pairs)[declared.application]
    assert len(again.added) == (1 if spare else 0) and set(again.pairs) - replaced == set(again.added)
    assert all(a == declared.application and j in spare for a, j in again.added)


@SETTINGS
@given(programmes(), st.randoms(use_true_random=False))
def test_a_submitted_review_stays_whatever_changes_and_the_others_are_made_up_again(programme, rnd):
    apps, panel, conflicts, needed, organisation = programme
    first = assign(apps, panel, reviews_per_application=needed, conflicts=conflicts)
    existing = [Review(a, j, rnd.choice(STATES)) for a, j in first.pairs]
    submitted = {(r.application, r.juror) for r in existing if r.state == "submitted"}
    staying = [j for j in panel if rnd.random() < 0.8]
    more = conflicts | {(r.juror, r.application) for r in existing if rnd.random() < 0.3}
    fewer = rnd.randint(1, needed)
    again = assign(apps, staying, reviews_per_application=fewer, conflicts=more, existing=existing)
    assert submitted <= set(again.pairs)
    may = may_review(apps, staying, more, organisation)
    on, kept = reviewers(again.pairs), reviewers(submitted)
    for a in apps:
        assert on.get(a.id, set()) - kept.get(a.id, set()) <= may[a.id]
        assert len(on.get(a.id, ())) == max(len(kept.get(a.id, ())), min(fewer, len(kept.get(a.id, set()) | may[a.id])))


@SETTINGS
@given(programmes(max_applications=4, max_jurors=4))
def test_no_assignment_at_all_has_a_lower_highest_load_or_a_smaller_sum_of_squared_loads(programme):
    apps, panel, conflicts, needed, organisation = programme
    result = assign(apps, panel, reviews_per_application=needed, conflicts=conflicts)
    may = may_review(apps, panel, conflicts, organisation)
    choices = [itertools.combinations(sorted(may[a.id]), min(needed, len(may[a.id]))) for a in apps]
    best_highest = best_squares = None
    for chosen in itertools.product(*choices):
        loads = Counter({j.id: 0 for j in panel})
        loads.update(j for panel_of_one in chosen for j in panel_of_one)
        highest, squares = max(loads.values(), default=0), sum(n * n for n in loads.values())
        best_highest = highest if best_highest is None else min(best_highest, highest)
        best_squares = squares if best_squares is None else min(best_squares, squares)
    assert max(result.loads.values(), default=0) == best_highest
    assert sum(n * n for n in result.loads.values()) == best_squares


def test_in_a_category_anyone_may_review_loads_differ_by_at_most_one():
    rnd = random.Random(23)
    for _ in range(200):
        apps = [Application(f"a{n}", "innovation", f"Trường {n}") for n in range(rnd.randint(0, 60))]
        panel = [Juror(f"j{n}", f"Đại học {n}", frozenset({"innovation"})) for n in range(rnd.randint(1, 12))]
        loads = assign(apps, panel, reviews_per_application=rnd.randint(1, 4), seed=str(rnd.random())).loads
        assert max(loads.values()) - min(loads.values()) <= 1, loads
