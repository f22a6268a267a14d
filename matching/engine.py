"""The matching engine: hard rules, an explained soft score, and a globally optimal assignment.

Pure Python over plain data (no database), so that it can be tested exhaustively and run from
a Celery job that reads its input in a constant number of queries. The flow:

1. `candidates()` keeps, per need (a help request or an opportunity), the `top_k` volunteers
   who pass every hard rule, best score first: the problem stays sparse, and memory grows with
   the candidates, not with volunteers x needs.
2. `assign()` chooses the set of pairs with the highest total score that respects each
   volunteer's capacity and each need's places: a min-cost flow (OR-Tools), not first fit.

Scores are whole numbers (0-1000) so that the optimum is exact, and every score comes with
its reasons in words.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# CEFR levels ranked; a level at or above B1 counts as usable for talking together.
LEVEL_RANK = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "native": 7}
USABLE_LEVEL = LEVEL_RANK["B1"]
DAY_PARTS = ["morning", "afternoon", "evening"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


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
    id: int
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
    for bit in range(21):
        if mask & (1 << bit):
            return f"{_(WEEKDAYS[bit // 3])} {_(DAY_PARTS[bit % 3])}"
    return ""


def score(volunteer: Volunteer, need: Need) -> tuple[int, tuple]:
    """The soft score (0-1000) and its parts in words. Call only for pairs that pass."""
    points, reasons = 0, []
    language = shared_language(volunteer, need)
    if language:
        code, level = language
        points += 150 + 20 * LEVEL_RANK[level]  # up to 290
        reasons.append(_("speaks %(language)s (%(level)s)") % {"language": code, "level": level})
    if need.skills:
        matched = need.skills & volunteer.skills
        points += int(250 * len(matched) / len(need.skills))
        if matched:
            reasons.append(_("skills: %(skills)s") % {"skills": ", ".join(sorted(matched))})
    common = need.availability & volunteer.availability
    if common:
        points += min(100, 25 * bin(common).count("1"))
        reasons.append(_("both free %(when)s") % {"when": _slot_words(common)})
    if not need.remote:
        km = distance_km(volunteer.lat, volunteer.lon, need.lat, need.lon)
        points += int(150 * max(0.0, 1 - km / max(volunteer.max_km, 0.1)))
        reasons.append(_("%(km).1f km") % {"km": km})
    if (need.audience == "teens" and volunteer.prefers_teens) or (
        need.audience == "adults" and volunteer.prefers_adults
    ):
        points += 60
        reasons.append(_("likes working with %(audience)s") % {"audience": _(need.audience)})
    # Old requests are not starved: up to 100 points for 50 days of waiting.
    points += min(100, 2 * need.waiting_days)
    if need.waiting_days:
        reasons.append(_("waiting %(days)d days") % {"days": need.waiting_days})
    # Spread the load: each suggestion or match a volunteer already has costs 20 points.
    points -= min(points, 20 * volunteer.load)
    return max(0, min(1000, points)), tuple(reasons)


def candidates(volunteers, needs, *, top_k: int = 10) -> list[Candidate]:
    """Per need, the `top_k` best volunteers that pass the hard rules (ties: lower id first)."""
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
