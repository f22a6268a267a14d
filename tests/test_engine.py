"""The matching engine on small random instances (hypothesis): hard rules never broken,
capacities never exceeded, the total score equal to a brute-force optimum, and the same input
giving the same output."""

import itertools
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import engine

CODES = ["nl", "ar", "ti"]
LEVELS = ["A1", "A2", "B1", "B2", "C1", "native"]
SKILLS = ["koken", "taal", "papier"]


languages = st.dictionaries(st.sampled_from(CODES), st.sampled_from(LEVELS), max_size=3)


@st.composite
def volunteers(draw, ids):
    result = []
    for vid in ids:
        lat, lon = draw(st.tuples(st.floats(52.20, 52.26), st.floats(6.85, 6.92)))
        result.append(
            engine.Volunteer(
                id=vid,
                languages=draw(languages),
                skills=frozenset(draw(st.sets(st.sampled_from(SKILLS)))),
                availability=draw(st.integers(0, 7)),
                lat=lat,
                lon=lon,
                max_km=draw(st.sampled_from([1.0, 3.0, 10.0])),
                capacity=draw(st.integers(0, 2)),
                has_vog=draw(st.booleans()),
                prefers_teens=draw(st.booleans()),
                load=draw(st.integers(0, 3)),
            )
        )
    return result


@st.composite
def needs(draw, ids, volunteer_ids):
    result = []
    for nid in ids:
        lat, lon = draw(st.tuples(st.floats(52.20, 52.26), st.floats(6.85, 6.92)))
        result.append(
            engine.Need(
                id=nid,
                languages=draw(languages),
                needs_shared_language=draw(st.booleans()),
                skills=frozenset(draw(st.sets(st.sampled_from(SKILLS)))),
                availability=draw(st.integers(0, 7)),
                lat=lat,
                lon=lon,
                remote=draw(st.booleans()),
                places=draw(st.integers(1, 2)),
                needs_vog=draw(st.booleans()),
                audience=draw(st.sampled_from(["adults", "teens"])),
                waiting_days=draw(st.integers(0, 60)),
                excluded=frozenset(draw(st.sets(st.sampled_from(volunteer_ids)))),
                min_levels=tuple(
                    draw(st.dictionaries(st.sampled_from(CODES), st.sampled_from(LEVELS))).items()
                ),
            )
        )
    return result


@st.composite
def instances(draw):
    volunteer_ids = list(range(1, draw(st.integers(1, 4)) + 1))
    need_ids = list(range(101, 101 + draw(st.integers(1, 3))))
    return draw(volunteers(volunteer_ids)), draw(needs(need_ids, volunteer_ids))


def breaks_a_hard_rule(volunteer, need):
    """The hard rules written out again, independently of the engine."""
    if volunteer.capacity <= 0 or volunteer.id in need.excluded:
        return True
    if need.needs_vog and not volunteer.has_vog:
        return True
    for code, level in need.min_levels:
        if code not in volunteer.languages or (
            engine.LEVEL_RANK[volunteer.languages[code]] < engine.LEVEL_RANK[level]
        ):
            return True
    if need.needs_shared_language:
        usable = [
            code
            for code in need.languages
            if code in volunteer.languages
            and engine.LEVEL_RANK[need.languages[code]] >= engine.LEVEL_RANK["B1"]
            and engine.LEVEL_RANK[volunteer.languages[code]] >= engine.LEVEL_RANK["B1"]
        ]
        if not usable:
            return True
    if need.availability and not need.availability & volunteer.availability:
        return True
    if not need.remote and (
        engine.distance_km(volunteer.lat, volunteer.lon, need.lat, need.lon) > volunteer.max_km
    ):
        return True
    return False


def brute_force_best(candidates, capacity, places):
    best = 0
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            used_v, used_n = {}, {}
            ok = True
            for c in subset:
                used_v[c.volunteer_id] = used_v.get(c.volunteer_id, 0) + 1
                used_n[c.need_id] = used_n.get(c.need_id, 0) + 1
                if used_v[c.volunteer_id] > capacity[c.volunteer_id] or (
                    used_n[c.need_id] > places[c.need_id]
                ):
                    ok = False
                    break
            if ok:
                best = max(best, sum(c.score for c in subset))
    return best


def solve(vols, need_list, top_k=10):
    cands = engine.candidates(vols, need_list, top_k=top_k)
    capacity = {v.id: v.capacity for v in vols}
    places = {n.id: n.places for n in need_list}
    return cands, engine.assign(cands, volunteer_capacity=capacity, need_places=places)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_no_hard_rule_is_ever_broken(instance):
    vols, need_list = instance
    by_id = {v.id: v for v in vols}
    needs_by_id = {n.id: n for n in need_list}
    cands, chosen = solve(vols, need_list)
    for c in cands:
        assert not breaks_a_hard_rule(by_id[c.volunteer_id], needs_by_id[c.need_id])
        assert 0 <= c.score <= 1000
    # Every pair that passes is a candidate (top_k is larger than the instance).
    passing = {(n.id, v.id) for n in need_list for v in vols if not breaks_a_hard_rule(v, n)}
    assert {(c.need_id, c.volunteer_id) for c in cands} == passing


@settings(max_examples=150, deadline=None)
@given(instances())
def test_capacities_hold_and_the_total_is_optimal(instance):
    vols, need_list = instance
    capacity = {v.id: v.capacity for v in vols}
    places = {n.id: n.places for n in need_list}
    cands, chosen = solve(vols, need_list)
    assert len({(c.need_id, c.volunteer_id) for c in chosen}) == len(chosen)
    for vid, cap in capacity.items():
        assert sum(1 for c in chosen if c.volunteer_id == vid) <= cap
    for nid, n_places in places.items():
        assert sum(1 for c in chosen if c.need_id == nid) <= n_places
    assert sum(c.score for c in chosen) == brute_force_best(cands, capacity, places)


@settings(max_examples=80, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_the_same_input_gives_the_same_output(instance, rng: random.Random):
    vols, need_list = instance
    cands, first = solve(vols, need_list)
    shuffled = list(cands)
    rng.shuffle(shuffled)
    again = engine.assign(
        shuffled,
        volunteer_capacity={v.id: v.capacity for v in vols},
        need_places={n.id: n.places for n in need_list},
    )
    assert again == first
    assert solve(vols, need_list)[1] == first


PLACES = [(52.21, 6.86), (52.22, 6.89), (52.25, 6.91)]


@st.composite
def larger_instances(draw):
    """Dozens of volunteers sharing a few places (as in neighbourhoods), with ties."""
    count = draw(st.integers(1, 40))
    vols = []
    for vid in draw(st.permutations(range(1, count + 1))):
        lat, lon = draw(st.sampled_from(PLACES))
        vols.append(
            engine.Volunteer(
                id=vid * 7,
                languages=draw(languages),
                skills=frozenset(draw(st.sets(st.sampled_from(SKILLS)))),
                availability=draw(st.integers(0, 2**21 - 1)),
                lat=lat,
                lon=lon,
                max_km=draw(st.sampled_from([1.0, 3.0, 10.0])),
                capacity=draw(st.integers(0, 2)),
                has_vog=draw(st.booleans()),
                prefers_adults=draw(st.booleans()),
                prefers_teens=draw(st.booleans()),
                load=draw(st.integers(0, 30)),
            )
        )
    need_list = draw(needs(list(range(1, draw(st.integers(1, 6)) + 1)), [v.id for v in vols]))
    return vols, need_list


@settings(max_examples=150, deadline=None)
@given(larger_instances())
def test_the_vector_score_of_every_pair_is_the_pair_by_pair_score(instance):
    vols, need_list = instance
    pool = engine.VolunteerPool(vols)
    for need in need_list:
        passes, points = pool.scores(need)
        for volunteer, passed, vector_points in zip(vols, passes, points, strict=True):
            assert bool(passed) == engine.passes_hard_rules(volunteer, need)
            if passed:
                assert int(vector_points) == engine.score(volunteer, need)[0]


@settings(max_examples=150, deadline=None)
@given(larger_instances(), st.integers(1, 12))
def test_vectorised_candidates_equal_the_pair_by_pair_definition(instance, top_k):
    vols, need_list = instance
    expected = engine.candidates_exhaustive(vols, need_list, top_k=top_k)
    assert engine.candidates(vols, need_list, top_k=top_k) == expected
    unexplained = engine.candidates(vols, need_list, top_k=top_k, explain=False)
    assert unexplained == [c.__class__(c.need_id, c.volunteer_id, c.score, ()) for c in expected]


def test_global_beats_first_fit():
    """Two needs, two volunteers: first fit gives the first need its favourite (a, the better
    speaker), who is the only one the second need may have; the optimum serves both."""
    a = engine.Volunteer(id=1, languages={"ar": "native"}, skills=frozenset({"taal"}))
    b = engine.Volunteer(id=2, languages={"ar": "B1"})
    flexible = engine.Need(id=101, languages={"ar": "native"}, remote=True)
    only_a = engine.Need(id=102, languages={"ar": "native"}, remote=True, excluded=frozenset({2}))
    cands, chosen = solve([a, b], [flexible, only_a])
    assert {(c.need_id, c.volunteer_id) for c in chosen} == {(101, 2), (102, 1)}
    first_fit_for_101 = max((c for c in cands if c.need_id == 101), key=lambda c: c.score)
    assert first_fit_for_101.volunteer_id == 1  # what first fit would have taken


def test_reasons_in_words():
    volunteer = engine.Volunteer(
        id=1, languages={"ar": "C1"}, availability=0b10, lat=52.22, lon=6.89, max_km=5
    )
    need = engine.Need(
        id=101,
        languages={"ar": "native"},
        availability=0b10,
        lat=52.23,
        lon=6.89,
        waiting_days=19,
    )
    points, reasons = engine.score(volunteer, need)
    text = ", ".join(reasons)
    assert "ar (C1)" in text and "19" in text and "km" in text
    assert points > 0


# --- The optimum over every feasible pair, not only the top-k candidates -----------------------


@st.composite
def pricing_instances(draw):
    volunteer_ids = list(range(1, draw(st.integers(1, 5)) + 1))
    need_ids = list(range(101, 101 + draw(st.integers(1, 3))))
    return draw(volunteers(volunteer_ids)), draw(needs(need_ids, volunteer_ids))


def every_feasible_pair(vols, need_list):
    """Written out independently of the engine's candidate search: every pair that passes the
    hard rules, with its score."""
    return [
        engine.Candidate(need.id, volunteer.id, engine.score(volunteer, need)[0], ())
        for need in need_list
        for volunteer in vols
        if not breaks_a_hard_rule(volunteer, need) and engine.score(volunteer, need)[0] > 0
    ]


@settings(max_examples=200, deadline=None)
@given(pricing_instances(), st.integers(1, 2))
def test_the_total_is_the_optimum_over_every_feasible_pair_even_from_top_1(instance, top_k):
    vols, need_list = instance
    chosen, certificate = engine.optimise(vols, need_list, top_k=top_k)
    capacity = {v.id: v.capacity for v in vols}
    places = {n.id: n.places for n in need_list}
    best = brute_force_best(every_feasible_pair(vols, need_list), capacity, places)
    assert sum(c.score for c in chosen) == best
    assert certificate.total == best and certificate.bound == best and certificate.is_optimal
    # Nothing broken on the way: hard rules, capacities, places, each pair once.
    by_id = {v.id: v for v in vols}
    need_by_id = {n.id: n for n in need_list}
    assert len({(c.need_id, c.volunteer_id) for c in chosen}) == len(chosen)
    for c in chosen:
        assert not breaks_a_hard_rule(by_id[c.volunteer_id], need_by_id[c.need_id])
    for vid, cap in capacity.items():
        assert sum(c.volunteer_id == vid for c in chosen) <= cap
    for nid, count in places.items():
        assert sum(c.need_id == nid for c in chosen) <= count


def test_the_pricing_finds_what_the_top_1_graph_misses():
    """Two needs both like volunteer A best; B is only second best for the first need, so the
    top-1 graph has no room for the first: the optimum needs a pair the pricing adds."""
    near = dict(lat=52.22, lon=6.89)
    a = engine.Volunteer(id=1, languages={"nl": "native"}, capacity=1, **near)
    b = engine.Volunteer(id=2, languages={"nl": "B1"}, capacity=1, **near)
    first = engine.Need(id=("request", 1), languages={"nl": "native"}, **near)
    second = engine.Need(id=("request", 2), languages={"nl": "native"}, waiting_days=40, **near)
    chosen, certificate = engine.optimise([a, b], [first, second], top_k=1)
    assert {(c.need_id, c.volunteer_id) for c in chosen} == {
        (("request", 2), 1),
        (("request", 1), 2),
    }
    assert certificate.rounds >= 2 and certificate.pairs_added >= 1
    capacity, places = {1: 1, 2: 1}, {first.id: 1, second.id: 1}
    best = brute_force_best(every_feasible_pair([a, b], [first, second]), capacity, places)
    assert certificate.total == certificate.bound == best


def test_explanations_a_coordinator_can_trust():
    from django.utils import translation

    near = dict(lat=52.22, lon=6.89)
    volunteer = engine.Volunteer(
        id=1, languages={"nl": "native"}, availability=0b110000, load=1, **near
    )  # Tuesday afternoon and evening
    need = engine.Need(id=1, languages={"nl": "B1"}, availability=0b111000, waiting_days=12, **near)
    tip = engine.Need(id=2, languages={}, needs_shared_language=False, waiting_days=12, posted=True)
    with translation.override("nl"):
        parts, reasons = engine.score_parts(volunteer, need)
        assert "allebei vrij op dinsdagmiddag, dinsdagavond" in reasons  # every slot, one word
        assert "dezelfde wijk" in reasons and not any("0,0 km" in r for r in reasons)
        assert "wacht al 12 dagen" in reasons
        _parts, tip_reasons = engine.score_parts(volunteer, tip)
        assert "12 dagen geleden geplaatst" in tip_reasons
    assert set(parts) == set(engine.PARTS)
    assert parts["load"] == -engine.LOAD_PENALTY  # negative: already busy
    assert sum(parts.values()) == engine.score(volunteer, need)[0]


@settings(max_examples=150, deadline=None)
@given(larger_instances())
def test_the_buckets_find_every_feasible_pair_and_no_other(instance):
    """feasible() looks only where a pair can exist (places within reach, speakers of a shared
    language); it must give exactly the pairs and scores the scan over every volunteer gives."""
    vols, need_list = instance
    pool = engine.VolunteerPool(vols)
    for need in need_list:
        passes, points = pool.scores(need)
        positions, found = pool.feasible(need)
        assert len(set(positions.tolist())) == len(positions)
        assert dict(zip(positions.tolist(), found.tolist(), strict=True)) == {
            int(i): int(points[i]) for i in np.flatnonzero(passes)
        }
