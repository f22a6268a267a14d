"""The matching engine: hard rules, an explained soft score, and a globally optimal assignment.

Pure Python over plain data (no database), so that it can be tested exhaustively and run from
a Celery job that reads its input in a constant number of queries. The flow:

1. `candidates()` keeps, per need (a help request or an opportunity), the `top_k` volunteers
   who pass every hard rule, best score first: the problem stays sparse, and memory grows with
   the candidates, not with volunteers x needs. The volunteers are held as numpy columns, so
   that the hard rules and the score of one need against every volunteer are a few vector
   operations; only the chosen top_k are scored again in Python for their reasons.
   `candidates_exhaustive()` is the same written pair by pair: the definition, which the tests
   hold the fast version to.
2. `assign()` chooses the set of pairs with the highest total score that respects each
   volunteer's capacity and each need's places: a min-cost flow (OR-Tools), not first fit.

Scores are whole numbers (0-1000) so that the optimum is exact, and every score comes with
its reasons in words.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from mpact.core.models import LEVEL_RANK, LanguageLevel

# A level at or above B1 counts as usable for talking together.
USABLE_LEVEL = LEVEL_RANK[LanguageLevel.B1]

# The soft score's parts, in points, named once: `score()` (pair by pair, with the reasons)
# and `VolunteerPool.scores()` (one need against every volunteer) both add these up.
MAX_SCORE = 1000
LANGUAGE_POINTS, LANGUAGE_POINTS_PER_LEVEL = 150, 20  # a shared language: up to 290
SKILL_POINTS = 250  # all the skills asked for; a share for some
SHARED_SLOT_POINTS, SHARED_SLOTS_MAX = 25, 100  # per shared part of the week
DISTANCE_POINTS = 150  # next door; nothing at the volunteer's limit
AUDIENCE_POINTS = 60  # likes working with teenagers, or with adults
WAITING_POINTS_PER_DAY, WAITING_MAX = 2, 100  # old requests are not starved
LOAD_PENALTY = 20  # per suggestion or match a volunteer already has: spread the load
DAY_PARTS = [
    pgettext_lazy("part of the day in a sentence", "morning"),
    pgettext_lazy("part of the day in a sentence", "afternoon"),
    pgettext_lazy("part of the day in a sentence", "evening"),
]
WEEKDAYS = [
    pgettext_lazy("weekday in a sentence", "Monday"),
    pgettext_lazy("weekday in a sentence", "Tuesday"),
    pgettext_lazy("weekday in a sentence", "Wednesday"),
    pgettext_lazy("weekday in a sentence", "Thursday"),
    pgettext_lazy("weekday in a sentence", "Friday"),
    pgettext_lazy("weekday in a sentence", "Saturday"),
    pgettext_lazy("weekday in a sentence", "Sunday"),
]
AUDIENCE_WORDS = {"adults": gettext_lazy("adults"), "teens": gettext_lazy("teenagers")}
LEVEL_WORDS = {"native": pgettext_lazy("language level in a sentence", "mother tongue")}


@dataclass(frozen=True)
class Words:
    """Names for the codes in the reasons: language code -> name, skill slug -> name."""

    languages: dict = field(default_factory=dict)
    skills: dict = field(default_factory=dict)


NO_WORDS = Words()


@dataclass(frozen=True)
class Volunteer:
    id: int
    languages: dict  # language code -> level ("B2", "native", ...)
    skills: frozenset = frozenset()
    availability: int = 0  # 21-bit week mask, see volunteers.models.availability_bit
    lat: float = 0.0
    lon: float = 0.0
    max_km: float = 10.0
    capacity: int = 1  # how many more needs they can take now
    has_vog: bool = False
    prefers_adults: bool = True
    prefers_teens: bool = False
    load: int = 0  # suggestions or matches they already have


@dataclass(frozen=True)
class Need:
    id: object  # any sortable key, e.g. ("request", 12) or ("opportunity", 7)
    languages: dict  # the asker's languages: code -> level
    needs_shared_language: bool = True  # buddy and language requests
    skills: frozenset = frozenset()
    availability: int = 0  # 0: no times given, any volunteer fits
    lat: float = 0.0
    lon: float = 0.0
    remote: bool = False
    places: int = 1
    needs_vog: bool = False
    audience: str = "adults"  # "adults" or "teens"
    waiting_days: int = 0
    excluded: frozenset = field(default_factory=frozenset)  # declined or ended badly before
    posted: bool = False  # an opportunity: waiting_days is how long ago it was posted
    # Languages the volunteer must speak at least this well: ((code, level), ...), for an
    # opportunity's minimum level of Dutch.
    min_levels: tuple = ()


@dataclass(frozen=True)
class Candidate:
    need_id: int
    volunteer_id: int
    score: int
    reasons: tuple


def distance_km(a_lat, a_lon, b_lat, b_lon) -> float:
    """Great-circle distance between two neighbourhood centre points."""
    radius = 6371.0
    phi1, phi2 = math.radians(a_lat), math.radians(b_lat)
    d_phi, d_lambda = phi2 - phi1, math.radians(b_lon - a_lon)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * radius * math.asin(min(1.0, math.sqrt(h)))


def shared_language(volunteer: Volunteer, need: Need):
    """The best language both speak at a usable level: (code, volunteer level), or None."""
    best = None
    for code, need_level in need.languages.items():
        volunteer_level = volunteer.languages.get(code)
        if volunteer_level is None:
            continue
        if min(LEVEL_RANK[volunteer_level], LEVEL_RANK[need_level]) < USABLE_LEVEL:
            continue
        key = (LEVEL_RANK[volunteer_level], code)
        if best is None or key > best[0]:
            best = (key, (code, volunteer_level))
    return best[1] if best else None


def passes_hard_rules(volunteer: Volunteer, need: Need) -> bool:
    if volunteer.capacity <= 0 or volunteer.id in need.excluded:
        return False
    if need.needs_vog and not volunteer.has_vog:
        return False
    for code, level in need.min_levels:
        if LEVEL_RANK.get(volunteer.languages.get(code), 0) < LEVEL_RANK[level]:
            return False
    if need.needs_shared_language and shared_language(volunteer, need) is None:
        return False
    if need.availability and not (need.availability & volunteer.availability):
        return False
    if not need.remote:
        km = distance_km(volunteer.lat, volunteer.lon, need.lat, need.lon)
        if km > volunteer.max_km:
            return False
    return True


def _slot_words(mask: int) -> str:
    """Every part of the week in the mask, in words ("Tuesday morning, Wednesday afternoon";
    in Dutch one word each: "dinsdagochtend, woensdagmiddag")."""
    return ", ".join(
        pgettext("weekday and part of the day", "%(day)s %(part)s")
        % {"day": WEEKDAYS[bit // 3], "part": DAY_PARTS[bit % 3]}
        for bit in range(21)
        if mask & (1 << bit)
    )


def points_for_distance(km: float, max_km: float) -> int:
    return int(DISTANCE_POINTS * max(0.0, 1 - km / max(max_km, 0.1)))


# The parts of the score, in the order the comparison screen shows them, with their names.
PARTS = ("language", "skills", "times", "distance", "preference", "waiting", "load")
PART_WORDS = {
    "language": gettext_lazy("language"),
    "skills": gettext_lazy("skills"),
    "times": gettext_lazy("times"),
    "distance": gettext_lazy("distance"),
    "preference": gettext_lazy("preference"),
    "waiting": gettext_lazy("waiting"),
    "load": gettext_lazy("already busy"),
}


def score_parts(volunteer: Volunteer, need: Need, words: Words = NO_WORDS) -> tuple[dict, tuple]:
    """The points of each part of the soft score (PARTS; the load is negative) and the reasons
    in words. Call only for pairs that pass the hard rules."""
    parts, reasons = dict.fromkeys(PARTS, 0), []
    if need.needs_vog:  # a hard rule this pair passes: said, so that nobody has to check
        reasons.append(_("certificate of conduct (VOG): yes"))
    language = shared_language(volunteer, need)
    if language:
        code, level = language
        parts["language"] = LANGUAGE_POINTS + LANGUAGE_POINTS_PER_LEVEL * LEVEL_RANK[level]
        reasons.append(
            _("speaks %(language)s (%(level)s)")
            % {"language": words.languages.get(code, code), "level": LEVEL_WORDS.get(level, level)}
        )
    if need.skills:
        matched = need.skills & volunteer.skills
        parts["skills"] = int(SKILL_POINTS * len(matched) / len(need.skills))
        if matched:
            names = sorted(words.skills.get(slug, slug) for slug in matched)
            reasons.append(_("skills: %(skills)s") % {"skills": ", ".join(names)})
    common = need.availability & volunteer.availability
    if common:
        parts["times"] = min(SHARED_SLOTS_MAX, SHARED_SLOT_POINTS * bin(common).count("1"))
        reasons.append(_("both free %(when)s") % {"when": _slot_words(common)})
    if not need.remote:
        km = distance_km(volunteer.lat, volunteer.lon, need.lat, need.lon)
        parts["distance"] = points_for_distance(km, volunteer.max_km)
        if (volunteer.lat, volunteer.lon) == (need.lat, need.lon):
            reasons.append(_("same neighbourhood"))
        else:
            reasons.append(_("%(km)s km") % {"km": number_format(round(km, 1), decimal_pos=1)})
    if (need.audience == "teens" and volunteer.prefers_teens) or (
        need.audience == "adults" and volunteer.prefers_adults
    ):
        parts["preference"] = AUDIENCE_POINTS
        reasons.append(
            _("likes working with %(audience)s") % {"audience": AUDIENCE_WORDS[need.audience]}
        )
    parts["waiting"] = min(WAITING_MAX, WAITING_POINTS_PER_DAY * need.waiting_days)
    if need.waiting_days:
        if need.posted:
            reasons.append(_("posted %(days)d days ago") % {"days": need.waiting_days})
        else:
            reasons.append(_("waiting %(days)d days") % {"days": need.waiting_days})
    before_load = sum(parts.values())
    parts["load"] = -min(before_load, LOAD_PENALTY * volunteer.load)
    return parts, tuple(reasons)


def score(volunteer: Volunteer, need: Need, words: Words = NO_WORDS) -> tuple[int, tuple]:
    """The soft score (0-1000) and its parts in words. Call only for pairs that pass."""
    parts, reasons = score_parts(volunteer, need, words)
    return max(0, min(MAX_SCORE, sum(parts.values()))), tuple(reasons)


def candidates_exhaustive(volunteers, needs, *, top_k: int = 10) -> list[Candidate]:
    """Per need, the `top_k` best volunteers that pass the hard rules (ties: lower id first),
    pair by pair. The definition of candidates(); fine for a few hundred volunteers."""
    result = []
    for need in needs:
        scored = []
        for volunteer in volunteers:
            if passes_hard_rules(volunteer, need):
                points, reasons = score(volunteer, need)
                scored.append(Candidate(need.id, volunteer.id, points, reasons))
        scored.sort(key=lambda c: (-c.score, c.volunteer_id))
        result.extend(scored[:top_k])
    return result


class VolunteerPool:
    """The volunteers as numpy columns, built once per run, so that one need is checked and
    scored against all of them in a few vector operations. Gives exactly what passes_hard_rules
    and score give pair by pair: distances are computed with distance_km once per distinct
    place (volunteers live in a few neighbourhoods), everything else is integer arithmetic.

    `feasible()` first narrows a need to the volunteers it could have at all (with room,
    living within reach, speaking one of its languages well enough, with a VOG where one is
    needed) in a few operations on booleans, and scores only those: a need in one town asking
    for Tigrinya is scored against the Tigrinya speakers within reach, not against everyone.
    `scores()` is the same arithmetic over every volunteer."""

    def __init__(self, volunteers):
        self.volunteers = list(volunteers)
        size = len(self.volunteers)
        self.position = {v.id: i for i, v in enumerate(self.volunteers)}
        self.ids = np.array([v.id for v in self.volunteers], dtype=np.int64)
        codes = sorted({code for v in self.volunteers for code in v.languages})
        self.language_row = {code: i for i, code in enumerate(codes)}
        self.levels = np.zeros((len(codes), size), dtype=np.int16)
        slugs = sorted({slug for v in self.volunteers for slug in v.skills})
        self.skill_row = {slug: i for i, slug in enumerate(slugs)}
        self.skills = np.zeros((len(slugs), size), dtype=np.int16)
        for i, v in enumerate(self.volunteers):
            for code, level in v.languages.items():
                self.levels[self.language_row[code], i] = LEVEL_RANK[level]
            for slug in v.skills:
                self.skills[self.skill_row[slug], i] = 1
        self.availability = np.array([v.availability for v in self.volunteers], dtype=np.int64)
        self.has_capacity = np.array([v.capacity > 0 for v in self.volunteers], dtype=bool)
        self.has_vog = np.array([v.has_vog for v in self.volunteers], dtype=bool)
        self.prefers_adults = np.array([v.prefers_adults for v in self.volunteers], dtype=bool)
        self.prefers_teens = np.array([v.prefers_teens for v in self.volunteers], dtype=bool)
        self.load_penalty = np.array(
            [LOAD_PENALTY * v.load for v in self.volunteers], dtype=np.int64
        )
        places = {}
        self.place_of = np.array(
            [places.setdefault((v.lat, v.lon, v.max_km), len(places)) for v in self.volunteers],
            dtype=np.int64,
        )
        self.places = list(places)
        self._distance_cache = {}
        # The index feasible() narrows a need with: who speaks each language well enough to
        # talk in it (a row per language, as the levels).
        self.speaks = self.levels >= USABLE_LEVEL
        # best()'s sort key: the score, then the id (ids counted from the lowest).
        self._id_low = int(self.ids.min()) if size else 0
        self._id_span = int(self.ids.max()) + 1 - self._id_low if size else 1

    def scores(self, need: Need):
        """(passes, points): per volunteer, whether the pair passes the hard rules, and its
        score (meaningful where it passes)."""
        return self._evaluate(need, slice(None), len(self.volunteers))

    def feasible(self, need: Need):
        """(positions, points) of every volunteer who passes the need's hard rules: the same
        pairs as `scores()` gives, in order of position."""
        room = self.has_capacity
        if not need.remote:
            room = room & self._distances(need.lat, need.lon)[0][self.place_of]
        if need.needs_shared_language:
            rows = [
                row
                for code, level in need.languages.items()
                if LEVEL_RANK[level] >= USABLE_LEVEL
                and (row := self.language_row.get(code)) is not None
            ]
            room = room & (self.speaks[rows].any(axis=0) if rows else False)
        if need.needs_vog:
            room = room & self.has_vog
        subset = np.flatnonzero(room)
        passes, points = self._evaluate(need, subset, len(subset))
        return subset[passes], points[passes]

    def _evaluate(self, need: Need, at, size):
        """The hard rules and the score of `need` against the volunteers at `at` (a slice or
        positions), `size` of them."""
        passes = self.has_capacity[at].copy()
        if need.excluded:
            excluded = np.array(
                [self.position[v] for v in need.excluded if v in self.position], dtype=np.int64
            )
            if isinstance(at, slice):
                passes[excluded] = False
            else:
                passes &= ~np.isin(at, excluded)
        if need.needs_vog:
            passes &= self.has_vog[at]
        for code, level in need.min_levels:
            row = self.language_row.get(code)
            if row is None:
                passes[:] = False
            else:
                passes &= self.levels[row, at] >= LEVEL_RANK[level]
        # The best level of a language both speak at a usable level (0: none).
        best = np.zeros(size, dtype=np.int16)
        for code, level in need.languages.items():
            row = self.language_row.get(code)
            if row is None or LEVEL_RANK[level] < USABLE_LEVEL:
                continue
            levels = self.levels[row, at]
            best = np.maximum(best, np.where(levels >= USABLE_LEVEL, levels, 0))
        if need.needs_shared_language:
            passes &= best > 0
        points = np.where(
            best > 0, LANGUAGE_POINTS + LANGUAGE_POINTS_PER_LEVEL * best.astype(np.int64), 0
        )
        if need.skills:
            rows = [self.skill_row[slug] for slug in need.skills if slug in self.skill_row]
            matched = sum(self.skills[row, at].astype(np.int64) for row in rows)
            points = points + (SKILL_POINTS * matched) // len(need.skills)
        common = self.availability[at] & need.availability
        if need.availability:
            passes &= common != 0
        points = points + np.minimum(
            SHARED_SLOTS_MAX, SHARED_SLOT_POINTS * np.bitwise_count(common).astype(np.int64)
        )
        if not need.remote:
            within, distance_points = self._distances(need.lat, need.lon)
            place = self.place_of[at]
            passes &= within[place]
            points = points + distance_points[place]
        if need.audience == "teens":
            points = points + AUDIENCE_POINTS * self.prefers_teens[at]
        elif need.audience == "adults":
            points = points + AUDIENCE_POINTS * self.prefers_adults[at]
        points = points + min(WAITING_MAX, WAITING_POINTS_PER_DAY * need.waiting_days)
        points = np.maximum(points - self.load_penalty[at], 0)
        return passes, np.minimum(points, MAX_SCORE)

    def _distances(self, lat, lon):
        """Per distinct volunteer place: within their range of (lat, lon), and the distance
        points. Needs sit in a few neighbourhoods too, so each place pair is computed once."""
        key = (lat, lon)
        if key not in self._distance_cache:
            within, distance_points = [], []
            for place_lat, place_lon, max_km in self.places:
                km = distance_km(place_lat, place_lon, lat, lon)
                within.append(km <= max_km)
                distance_points.append(points_for_distance(km, max_km))
            self._distance_cache[key] = (
                np.array(within, dtype=bool),
                np.array(distance_points, dtype=np.int64),
            )
        return self._distance_cache[key]

    def best(self, positions, points, count: int):
        """The `count` best of the volunteers at `positions` with `points` (best score first,
        ties: the lower id), as indices into `positions`, and the index of the best one left
        out (None when none is)."""
        # One integer key per volunteer: the score, then the id.
        key = -points.astype(np.int64) * self._id_span + (self.ids[positions] - self._id_low)
        if len(key) <= count:
            return np.argsort(key, kind="stable"), None
        part = np.argpartition(key, count)  # the count-th best lands at index count
        top = part[:count]
        return top[np.argsort(key[top], kind="stable")], int(part[count])

    def top(
        self, need: Need, top_k: int, words: Words = NO_WORDS, explain: bool = True
    ) -> list[Candidate]:
        chosen, points = self.feasible(need)
        result = []
        for at in self.best(chosen, points, top_k)[0]:
            volunteer = self.volunteers[chosen[at]]
            if explain:
                result.append(Candidate(need.id, volunteer.id, *score(volunteer, need, words)))
            else:
                result.append(Candidate(need.id, volunteer.id, int(points[at]), ()))
        return result


def candidates(
    volunteers, needs, *, top_k: int = 10, words: Words = NO_WORDS, explain: bool = True
) -> list[Candidate]:
    """Per need, the `top_k` best volunteers that pass the hard rules (ties: lower id first):
    the same list as candidates_exhaustive(), in a fraction of the time. With explain=False
    the reasons are left empty (a run words only the pairs it chooses)."""
    if top_k <= 0:
        return []
    pool = VolunteerPool(volunteers)
    if not pool.volunteers:
        return []
    result = []
    for need in needs:
        result.extend(pool.top(need, top_k, words, explain))
    return result


def assign(candidate_list, *, volunteer_capacity: dict, need_places: dict) -> list[Candidate]:
    """The subset of candidates with the highest total score such that no volunteer gets more
    than their capacity and no need more than its places. Deterministic for the same input."""
    from ortools.graph.python import min_cost_flow

    usable = sorted(
        (c for c in candidate_list if c.score > 0),
        key=lambda c: (c.need_id, c.volunteer_id),
    )
    if not usable:
        return []
    need_ids = sorted({c.need_id for c in usable})
    volunteer_ids = sorted({c.volunteer_id for c in usable})
    source, sink = 0, 1
    need_node = {nid: 2 + i for i, nid in enumerate(need_ids)}
    volunteer_node = {vid: 2 + len(need_ids) + i for i, vid in enumerate(volunteer_ids)}
    flow = min_cost_flow.SimpleMinCostFlow()
    supply = 0
    for nid in need_ids:
        places = max(0, need_places.get(nid, 1))
        supply += places
        flow.add_arc_with_capacity_and_unit_cost(source, need_node[nid], places, 0)
    arcs = []
    for candidate in usable:
        arc = flow.add_arc_with_capacity_and_unit_cost(
            need_node[candidate.need_id],
            volunteer_node[candidate.volunteer_id],
            1,
            -candidate.score,
        )
        arcs.append((arc, candidate))
    for vid in volunteer_ids:
        flow.add_arc_with_capacity_and_unit_cost(
            volunteer_node[vid], sink, max(0, volunteer_capacity.get(vid, 1)), 0
        )
    # Places may stay empty: the unused supply goes straight to the sink at no gain.
    flow.add_arc_with_capacity_and_unit_cost(source, sink, supply, 0)
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: status {status}")
    return [candidate for arc, candidate in arcs if flow.flow(arc) > 0]


# --- The optimum over every feasible pair -----------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """How a run knows its assignment is the best over every feasible pair, not only over the
    candidates it started from (column generation with a dual check).

    Each round solves the min-cost flow on the pairs known so far, derives node potentials
    from the solution (shortest distances in its residual network), and prices every feasible
    pair against them: a pair left out can improve the total only if its score exceeds what
    the potentials charge for it. Those pairs are added and the flow solved again, until none
    can. `bound` is the dual objective over all feasible pairs with the final potentials: an
    upper bound on any assignment's total (LP duality; the b-matching polytope is integral),
    here equal to `total`.
    """

    rounds: int
    pairs_priced: int  # feasible pairs checked against the potentials, over all rounds
    pairs_added: int  # pairs the pricing added to the starting candidates
    bound: int
    total: int

    @property
    def is_optimal(self) -> bool:
        return self.bound == self.total


def optimise(
    volunteers, needs, *, top_k: int = 10, keep: int = 200, max_rounds: int = 200
) -> tuple[list[Candidate], Certificate]:
    """The assignment with the highest total score over every feasible pair, and the proof.

    Scores each need against every volunteer once, keeping its `keep` best feasible pairs and
    the best score among the rest. The flow starts from each need's `top_k` best; each round
    prices the kept pairs against the flow's potentials and adds, per need, at most `top_k`
    with the largest gain. A need whose unkept pairs could still gain (their best score beats
    what the potentials charge) is scored again and keeps more. Capacities are the volunteers'
    `capacity` and the needs' `places`. The chosen pairs come without reasons."""
    pool = VolunteerPool(volunteers)
    needs = [need for need in needs if need.places > 0]
    if not pool.volunteers or not needs:
        return [], Certificate(0, 0, 0, 0, 0)
    per_round = max(top_k, 1)
    kept = [_keep(pool, need, keep) for need in needs]  # (indices, points, best of the rest)
    priced = sum(len(indices) for indices, _points, _rest in kept)
    known = {}  # (need index, volunteer index) -> score
    for n, (indices, points, _rest) in enumerate(kept):
        for v, p in zip(indices[:per_round], points[:per_round], strict=True):
            known[n, int(v)] = int(p)
    added = 0
    for rounds in range(1, max_rounds + 1):
        flow = _PairFlow(needs, pool, known)
        potential_need, potential_volunteer = flow.potentials()
        highest_volunteer = int(potential_volunteer.max())
        improving = []
        for n in range(len(needs)):
            chance, gain = _chances(n, kept[n], potential_need, potential_volunteer, known)
            indices, points, rest = kept[n]
            priced += len(indices)
            while (
                len(chance) < per_round
                and rest > 0
                and rest - potential_need[n] + highest_volunteer > 0
            ):
                # The kept pairs are nearly used up and those not kept could gain too: score
                # the need again and keep more, until the rest cannot gain (or nothing is left).
                kept[n] = _keep(pool, needs[n], 4 * max(len(indices), keep))
                chance, gain = _chances(n, kept[n], potential_need, potential_volunteer, known)
                indices, points, rest = kept[n]
                priced += len(indices)
            for i in _best(chance, gain[chance], indices, pool, per_round):
                improving.append((n, int(indices[i]), int(points[i])))
        if not improving:
            chosen = flow.chosen()
            return (
                [
                    Candidate(needs[n].id, pool.volunteers[v].id, known[n, v], ())
                    for n, v in sorted(chosen)
                ],
                Certificate(
                    rounds, priced, added, flow.dual_bound(), sum(known[p] for p in chosen)
                ),
            )
        for n, v, points in improving:
            known[n, v] = points
        added += len(improving)
    raise RuntimeError(f"the pricing did not settle in {max_rounds} rounds")


def _chances(n, kept, potential_need, potential_volunteer, known):
    """Positions in need n's kept pairs whose gain against the potentials is positive and
    that the flow does not have yet, and every kept pair's gain."""
    indices, points, _rest = kept
    gain = points - (potential_need[n] - potential_volunteer[indices])
    chance = [i for i in np.flatnonzero(gain > 0) if (n, int(indices[i])) not in known]
    return np.array(chance, dtype=np.int64), gain


def _keep(pool, need, count):
    """A need's `count` best feasible volunteers (indices, points; best first, ties: lower id)
    and the best score among the feasible ones not kept (0 when all are kept). Copies: what
    is kept must not hold on to the need's whole feasible set."""
    positions, points = pool.feasible(need)
    positive = points > 0
    positions, points = positions[positive], points[positive]
    top, left_out = pool.best(positions, points, count)
    rest = 0 if left_out is None else int(points[left_out])
    return positions[top], points[top].astype(np.int64), rest


def _best(positions, values, indices, pool, count):
    """Of `positions` (into a need's kept `indices`), the `count` with the highest values
    (ties: the lower volunteer id first)."""
    if not len(positions):
        return positions
    order = np.lexsort((pool.ids[indices[positions]], -values))[:count]
    return positions[order]


class _PairFlow:
    """One min-cost flow over the known pairs: source -> need (its places) -> volunteer (one
    pair at most once) -> sink (the volunteer's capacity); a bypass source -> sink lets places
    stay empty at no gain. Scores are negated into costs."""

    def __init__(self, needs, pool, known):
        from ortools.graph.python import min_cost_flow

        self.needs, self.pool = needs, pool
        self.pairs = sorted(known)
        volunteer_count = len(pool.volunteers)
        # Nodes: 0 source, 1 sink, then one per need, then one per volunteer (all of them, so
        # that volunteers not in any pair get a potential too: the sink's).
        self.source, self.sink = 0, 1
        need_base, volunteer_base = 2, 2 + len(needs)
        self.need_node = need_base + np.arange(len(needs), dtype=np.int64)
        self.volunteer_node = volunteer_base + np.arange(volunteer_count, dtype=np.int64)
        self.node_count = volunteer_base + volunteer_count
        places = np.array([need.places for need in needs], dtype=np.int64)
        capacity = np.array([max(0, v.capacity) for v in pool.volunteers], dtype=np.int64)
        supply = int(places.sum())
        pair_need = np.array([n for n, _v in self.pairs], dtype=np.int64)
        pair_volunteer = np.array([v for _n, v in self.pairs], dtype=np.int64)
        pair_score = np.array([known[pair] for pair in self.pairs], dtype=np.int64)
        self.tails = np.concatenate(
            [
                np.full(len(needs), self.source),
                self.need_node[pair_need],
                self.volunteer_node,
                [self.source],
            ]
        ).astype(np.int64)
        self.heads = np.concatenate(
            [
                self.need_node,
                self.volunteer_node[pair_volunteer],
                np.full(volunteer_count, self.sink),
                [self.sink],
            ]
        ).astype(np.int64)
        self.capacities = np.concatenate(
            [places, np.ones(len(self.pairs), dtype=np.int64), capacity, [supply]]
        ).astype(np.int64)
        self.costs = np.concatenate(
            [
                np.zeros(len(needs), dtype=np.int64),
                -pair_score,
                np.zeros(volunteer_count, dtype=np.int64),
                [0],
            ]
        ).astype(np.int64)
        self.pair_arcs = slice(len(needs), len(needs) + len(self.pairs))
        solver = min_cost_flow.SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(
            self.tails, self.heads, self.capacities, self.costs
        )
        supplies = np.zeros(self.node_count, dtype=np.int64)
        supplies[self.source], supplies[self.sink] = supply, -supply
        solver.set_nodes_supplies(np.arange(self.node_count, dtype=np.int64), supplies)
        status = solver.solve()
        if status != solver.OPTIMAL:
            raise RuntimeError(f"min-cost flow did not solve: status {status}")
        self.flows = np.array(solver.flows(np.arange(len(self.tails), dtype=np.int64)))
        self.supply = supply
        self._potential = None

    def chosen(self) -> list[tuple[int, int]]:
        used = self.flows[self.pair_arcs] > 0
        return [pair for pair, is_used in zip(self.pairs, used, strict=True) if is_used]

    def _node_potential(self) -> np.ndarray:
        """Node potentials that certify the flow (no residual arc with a negative reduced
        cost) and price pairs tightly: each need's potential is as high as the flow allows
        (shortest distances from the sink: about its weakest pair's score when full, 0 when
        places are free), each volunteer's as low as it allows (0 while they have room, less
        when the score of a pair they are in says so)."""
        if self._potential is None:
            forward = self.flows < self.capacities
            backward = self.flows > 0
            tails = np.concatenate([self.tails[forward], self.heads[backward]])
            heads = np.concatenate([self.heads[forward], self.tails[backward]])
            costs = np.concatenate([self.costs[forward], -self.costs[backward]])
            far = np.int64(2**40)  # not reachable from the sink: no cycle can use the node
            distance = np.full(self.node_count, far, dtype=np.int64)
            distance[self.sink] = 0
            for _ in range(self.node_count + 1):
                relaxed = distance.copy()
                np.minimum.at(relaxed, heads, np.minimum(distance[tails] + costs, far))
                if np.array_equal(relaxed, distance):
                    break
                distance = relaxed
            else:
                raise RuntimeError("negative cycle in an optimal flow's residual network")
            # Lower each volunteer to the least its own arcs allow (y(tail) >= y(head) - cost).
            lowest = np.full(self.node_count, -far, dtype=np.int64)
            np.maximum.at(lowest, tails, distance[heads] - costs)
            volunteers = self.volunteer_node
            bound = np.where(lowest[volunteers] > -far, lowest[volunteers], 0)
            distance[volunteers] = np.minimum(distance[volunteers], bound)
            self._potential = distance
        return self._potential

    def potentials(self):
        """Per need and per volunteer, the potential of its node."""
        distance = self._node_potential()
        return distance[self.need_node], distance[self.volunteer_node]

    def dual_bound(self) -> int:
        """The total no assignment can beat, from the potentials: minus the min-cost flow's dual
        objective, sum over nodes of supply x (minus potential) less the capacity of arcs with
        negative reduced cost; for pairs not in the graph the pricing found none."""
        y = self._node_potential()
        reduced = self.costs + y[self.tails] - y[self.heads]
        dual = self.supply * (y[self.sink] - y[self.source]) - int(
            (self.capacities * np.maximum(0, -reduced)).sum()
        )
        return -int(dual)
