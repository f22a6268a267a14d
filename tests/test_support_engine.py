"""The support engine (matching/support_engine.py) on random needs and offers (hypothesis):
`candidates` equals a brute-force definition written out here, every candidate keeps every
hard rule of the module's docstring (each written out again, not through `refusal`), scores
stay within 0..MAX_SCORE and `units_for` never gives more than there is, than the maximum
per initiative, or than was asked. Then a few named examples, each with its control."""

import datetime
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from matching import support_engine as engine
from matching.support_engine import SupportNeed, SupportOffer

TODAY = datetime.date(2025, 3, 10)  # a Monday
HOME = (52.22, 6.89)
KM_PER_DEGREE_LAT = 6371.0 * math.pi / 180


def at_km(km: float, origin=HOME) -> tuple[float, float]:
    """A point `km` due north of `origin`."""
    return origin[0] + km / KM_PER_DEGREE_LAT, origin[1]


# A few fixed points (many pairs in the same place, so that scores tie) and random ones,
# inside and outside the 15 km reach.
FIXED_POINTS = [HOME, at_km(0.5), at_km(5), at_km(14.5), at_km(15.5), at_km(40)]
points = st.one_of(
    st.sampled_from(FIXED_POINTS),
    st.tuples(st.floats(52.05, 52.39), st.floats(6.60, 7.18)),  # up to ~20 km either way
)
# Rooms and goods most often, so that kinds often meet; every kind sometimes.
KINDS = ["room", "room", "goods", "goods", "money", "expertise", "volunteers", "publicity"]
# What exactly is asked or offered, from a few words so that they often meet.
WORD_SETS = st.frozensets(st.sampled_from(["bord", "bestek", "fiets", "tool", "kleding"]))
days = st.integers(-10, 90).map(lambda n: TODAY + datetime.timedelta(days=n))


def haversine_km(a, b) -> float:
    """Great-circle distance, written out here (mean earth radius 6371 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@st.composite
def need_lists(draw):
    result = []
    for index in range(draw(st.integers(1, 5))):
        lat, lon = draw(points)
        result.append(
            SupportNeed(
                id=draw(st.sampled_from([("need", index), ("request", index)])),
                kind=draw(st.sampled_from(KINDS)),
                lat=lat,
                lon=lon,
                date=draw(st.none() | days),
                people=draw(st.none() | st.integers(1, 120)),
                amount=draw(st.none() | st.integers(0, 30)),
                accessible=draw(st.booleans()),
                waiting_days=draw(st.integers(0, 150)),
                words=draw(WORD_SETS),
            )
        )
    return result


@st.composite
def offer_lists(draw, need_dates):
    result = []
    ids = draw(st.permutations(range(1, draw(st.integers(0, 9)) + 1)))
    for offer_id in ids:
        lat, lon = draw(points)
        available_from = TODAY + datetime.timedelta(days=draw(st.integers(-40, 40)))
        length = draw(st.none() | st.integers(0, 120))
        booked_pool = sorted(need_dates) + [TODAY + datetime.timedelta(days=3)]
        result.append(
            SupportOffer(
                id=offer_id * 10,  # ids far from the order in which the offers come
                kind=draw(st.sampled_from(KINDS)),
                lat=lat,
                lon=lon,
                available_from=available_from,
                available_until=(
                    None if length is None else available_from + datetime.timedelta(days=length)
                ),
                weekdays=draw(
                    st.sampled_from([0, 0b1111111, 0b0011111, 0b1100000]) | st.integers(0, 127)
                ),
                capacity=draw(st.none() | st.integers(1, 150)),
                accessible=draw(st.booleans()),
                remaining=draw(st.none() | st.integers(0, 25)),
                max_amount=draw(st.none() | st.integers(1, 25)),
                booked=frozenset(draw(st.sets(st.sampled_from(booked_pool), max_size=3))),
                words=draw(WORD_SETS),
            )
        )
    return result


@st.composite
def instances(draw):
    needs = draw(need_lists())
    offers = draw(offer_lists({n.date for n in needs if n.date is not None}))
    return needs, offers, draw(st.integers(1, 4))


# --- The rules and the ranking, written out again ------------------------------------------


def broken_rules(need: SupportNeed, offer: SupportOffer) -> list[str]:
    """Every hard rule of the module docstring this pair breaks (empty: it may be paired)."""
    broken = []
    if need.kind != offer.kind:
        broken.append("kind")
    if need.date is not None:
        if need.date < TODAY:
            broken.append("date passed")
        if need.date < offer.available_from:
            broken.append("before the offer's first day")
        if offer.available_until is not None and need.date > offer.available_until:
            broken.append("after the offer's last day")
        if offer.weekdays != 0 and not offer.weekdays & (1 << need.date.weekday()):
            broken.append("not on that day of the week")
    elif offer.available_until is not None and offer.available_until < TODAY:
        broken.append("offer ended")
    if offer.kind == "room":
        if need.date is not None and need.date in offer.booked:
            broken.append("room booked that date")
        if need.people and offer.capacity is not None and offer.capacity < need.people:
            broken.append("room too small")
        if need.accessible and not offer.accessible:
            broken.append("not accessible")
    if offer.remaining is not None and offer.remaining <= 0:
        broken.append("nothing left")
    if need.amount is not None and need.amount <= 0:
        broken.append("need met")
    if haversine_km((need.lat, need.lon), (offer.lat, offer.lon)) > engine.MAX_KM:
        broken.append("too far")
    return broken


def brute_force(needs, offers, top_k):
    """All pairs the engine allows, best score first (ties: lower offer id), top_k per need."""
    result = []
    for need in needs:
        allowed = [
            (engine.score(need, offer, TODAY)[0], offer.id)
            for offer in offers
            if engine.refusal(need, offer, TODAY) is None
        ]
        best_first = sorted(allowed, key=lambda pair: (-pair[0], pair[1]))
        result += [(need.id, offer_id, points) for points, offer_id in best_first[:top_k]]
    return result


# --- Properties -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(instances())
def test_candidates_are_the_brute_force_best_per_need(instance):
    needs, offers, top_k = instance
    found = engine.candidates(needs, offers, today=TODAY, top_k=top_k)
    assert [(c.need_id, c.volunteer_id, c.score) for c in found] == brute_force(
        needs, offers, top_k
    )
    offers_by_id = {o.id: o for o in offers}
    needs_by_id = {n.id: n for n in needs}
    for c in found:
        assert (
            c.reasons
            == engine.score(needs_by_id[c.need_id], offers_by_id[c.volunteer_id], TODAY)[1]
        )


@settings(max_examples=300, deadline=None)
@given(instances())
def test_every_candidate_keeps_every_hard_rule(instance):
    needs, offers, top_k = instance
    offers_by_id = {o.id: o for o in offers}
    needs_by_id = {n.id: n for n in needs}
    for c in engine.candidates(needs, offers, today=TODAY, top_k=top_k):
        assert broken_rules(needs_by_id[c.need_id], offers_by_id[c.volunteer_id]) == []
        assert 0 <= c.score <= engine.MAX_SCORE


@settings(max_examples=300, deadline=None)
@given(instances())
def test_refusal_says_no_exactly_when_a_rule_is_broken(instance):
    """The other way round too: no pair is refused without a rule of the docstring."""
    needs, offers, _top_k = instance
    for need in needs:
        for offer in offers:
            refused = engine.refusal(need, offer, TODAY)
            broken = broken_rules(need, offer)
            assert (refused is not None) == bool(broken), (need, offer, refused, broken)


def docstring_score(need: SupportNeed, offer: SupportOffer) -> float:
    """The score as the module docstring describes it, before any rounding."""
    km = haversine_km((need.lat, need.lon), (offer.lat, offer.lon))
    distance = 300 * max(0.0, 1 - km / 15)
    if offer.kind == "room":
        fit = 300 * need.people / offer.capacity if offer.capacity and need.people else 150
    elif offer.remaining is not None and need.amount:
        wanted = need.amount if offer.max_amount is None else min(need.amount, offer.max_amount)
        fit = 300 * min(wanted, offer.remaining) / need.amount
    else:
        fit = 150
    if need.date is None:
        soon = 100
    else:
        soon = 200 * max(0, 60 - (need.date - TODAY).days) / 60
    shared = len(need.words & offer.words) if offer.kind in ("goods", "expertise") else 0
    return distance + fit + soon + min(200, 2 * need.waiting_days) + min(150, 50 * shared)


@settings(max_examples=300, deadline=None)
@given(instances())
def test_scores_are_the_docstrings_within_rounding(instance):
    """Each part within its own bounds, so the sum never needs the clamp to 0..MAX_SCORE."""
    needs, offers, _top_k = instance
    for need in needs:
        for offer in offers:
            if engine.refusal(need, offer, TODAY) is None:
                expected = docstring_score(need, offer)
                assert 0 <= expected <= engine.MAX_SCORE
                assert abs(engine.score(need, offer, TODAY)[0] - expected) < 3


@settings(max_examples=300, deadline=None)
@given(instances())
def test_scores_stay_within_bounds(instance):
    needs, offers, _top_k = instance
    for need in needs:
        for offer in offers:
            if engine.refusal(need, offer, TODAY) is not None:
                continue
            points, reasons = engine.score(need, offer, TODAY)
            assert isinstance(points, int) and 0 <= points <= engine.MAX_SCORE
            assert all(isinstance(r, str) and r for r in reasons)
            # The same pair waiting longer never scores less; nearer never scores less.
            older = SupportNeed(**{**need.__dict__, "waiting_days": need.waiting_days + 30})
            assert engine.score(older, offer, TODAY)[0] >= points
            nearer = SupportOffer(**{**offer.__dict__, "lat": need.lat, "lon": need.lon})
            assert engine.score(need, nearer, TODAY)[0] >= points


@settings(max_examples=500, deadline=None)
@given(
    amount=st.none() | st.integers(0, 40),
    remaining=st.none() | st.integers(0, 40),
    max_amount=st.none() | st.integers(1, 40),
)
def test_units_for_never_gives_more_than_there_is_allowed_or_asked(amount, remaining, max_amount):
    need = SupportNeed(id=("need", 1), kind="money", lat=HOME[0], lon=HOME[1], amount=amount)
    offer = SupportOffer(
        id=1,
        kind="money",
        lat=HOME[0],
        lon=HOME[1],
        available_from=TODAY,
        remaining=remaining,
        max_amount=max_amount,
    )
    units = engine.units_for(need, offer)
    if remaining is None:
        assert units is None
        return
    assert 0 <= units <= remaining
    if max_amount is not None:
        assert units <= max_amount
    assert units <= (amount if amount is not None else 1)
    # And it gives all it can: the smallest of the three limits.
    assert units == min(
        remaining,
        max_amount if max_amount is not None else remaining,
        amount if amount is not None else 1,
    )


# --- Named examples -------------------------------------------------------------------------


def _need(**extra):
    fields = {
        "id": ("need", 1),
        "kind": "room",
        "lat": HOME[0],
        "lon": HOME[1],
        "date": TODAY + datetime.timedelta(days=14),  # a Monday
        "people": 20,
        "accessible": True,
    }
    fields.update(extra)
    return SupportNeed(**fields)


def _room(**extra):
    fields = {
        "id": 7,
        "kind": "room",
        "lat": HOME[0],
        "lon": HOME[1],
        "available_from": TODAY,
        "capacity": 30,
        "accessible": True,
    }
    fields.update(extra)
    return SupportOffer(**fields)


def _paired(need, offer) -> bool:
    return [
        (c.need_id, c.volunteer_id) for c in engine.candidates([need], [offer], today=TODAY)
    ] == [(need.id, offer.id)]


def test_the_control_pair_is_a_candidate():
    """The examples below each change one thing of this pair, which passes."""
    assert engine.refusal(_need(), _room(), TODAY) is None
    assert _paired(_need(), _room())


def test_a_room_too_small_is_refused():
    need, room = _need(people=31), _room(capacity=30)
    assert "30" in engine.refusal(need, room, TODAY) and not _paired(need, room)
    assert _paired(_need(people=30), room)  # exactly full is fine


def test_a_room_booked_that_date_is_refused():
    need = _need()
    room = _room(booked=frozenset({need.date}))
    assert engine.refusal(need, room, TODAY) is not None and not _paired(need, room)
    other_day = _room(booked=frozenset({need.date + datetime.timedelta(days=1)}))
    assert _paired(need, other_day)


def test_a_room_not_open_on_that_weekday_is_refused():
    need = _need()  # a Monday
    weekends = _room(weekdays=0b1100000)
    assert engine.refusal(need, weekends, TODAY) is not None and not _paired(need, weekends)
    assert _paired(need, _room(weekdays=0b0000001))  # Mondays only


def test_a_room_without_wheelchair_access_is_refused_when_asked():
    room = _room(accessible=False)
    assert engine.refusal(_need(accessible=True), room, TODAY) is not None
    assert not _paired(_need(accessible=True), room)
    assert _paired(_need(accessible=False), room)


def test_an_offer_too_far_away_is_refused():
    far = _room(lat=at_km(15.5)[0])
    assert engine.refusal(_need(), far, TODAY) is not None and not _paired(_need(), far)
    assert _paired(_need(), _room(lat=at_km(14.5)[0]))


def test_goods_left_are_shared_out_and_nothing_left_is_refused():
    need = _need(kind="goods", amount=6, people=None)
    goods = _room(kind="goods", capacity=None, remaining=4)
    assert engine.units_for(need, goods) == 4
    assert engine.refusal(need, SupportOffer(**{**goods.__dict__, "remaining": 0}), TODAY)


def test_money_is_limited_per_initiative():
    need = _need(kind="money", amount=500, people=None)
    grant = _room(kind="money", capacity=None, remaining=1000, max_amount=250)
    assert engine.units_for(need, grant) == 250
    points, reasons = engine.score(need, grant, TODAY)
    assert any("250" in r and "500" in r for r in reasons)


def test_ties_go_to_the_lower_offer_id_and_top_k_holds():
    need = _need()
    rooms = [_room(id=i) for i in (30, 10, 20, 40)]
    found = engine.candidates([need], rooms, today=TODAY, top_k=3)
    assert [c.volunteer_id for c in found] == [10, 20, 30]


def test_goods_that_say_what_was_asked_for_come_first():
    """Plates go to the need for plates before bedding does: shared words count, for goods and
    expertise only, and the reason names them."""
    need = SupportNeed(
        id=("need", 1),
        kind="goods",
        lat=HOME[0],
        lon=HOME[1],
        amount=40,
        words=engine.support_words("40 borden en bestek voor de buurtmaaltijd"),
    )
    plates = SupportOffer(
        id=2,
        kind="goods",
        lat=HOME[0],
        lon=HOME[1],
        available_from=TODAY,
        remaining=100,
        words=engine.support_words("Servies", "Borden, glazen en bestek uit de kringloop"),
    )
    bedding = SupportOffer(
        id=1,
        kind="goods",
        lat=HOME[0],
        lon=HOME[1],
        available_from=TODAY,
        remaining=100,
        words=engine.support_words("Beddengoed", "Dekbedden en kussens"),
    )
    found = engine.candidates([need], [bedding, plates], today=TODAY, top_k=2)
    assert [c.volunteer_id for c in found] == [2, 1]
    assert found[0].score - found[1].score == 2 * engine.WORD_POINTS
    assert any("bestek" in reason and "bord" in reason for reason in found[0].reasons)
    room = SupportOffer(**{**plates.__dict__, "kind": "room", "capacity": 50, "remaining": None})
    room_need = SupportNeed(**{**need.__dict__, "kind": "room", "amount": None})
    assert not any("bestek" in r for r in engine.score(room_need, room, TODAY)[1])


def test_support_words_cut_plurals_and_common_words():
    assert engine.support_words("Fietsen en de tools, voor 12 kinderen!") == {
        "fiets",
        "tool",
        "kinder",
    }
    assert engine.support_words("", None) == frozenset()
