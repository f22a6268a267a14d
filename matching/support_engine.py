"""Demand meets supply: the hard rules and the explained score of an offer (a room, goods,
money, expertise, volunteers, publicity) for a need (an initiative's, or a newcomer's request
for goods). Pure Python over plain data, like the volunteer engine (matching/engine.py), whose
distance rule and candidate shape it shares; matching/support.py reads the database into
these and stores the result.

Hard rules (`refusal`): the same kind of support; the offer open on the need's date (its first
and last day, its days of the week); a room free that date, big enough for the people
expected and wheelchair accessible when that is asked; something counted still left; the
neighbourhood within reach (MAX_KM).

The score (0-1000, whole numbers, with its reasons in words):
- distance: up to 300 points, all of it in the same neighbourhood, none at MAX_KM;
- fit: up to 300: how much of what is still needed the offer gives; for a room, how close
  its capacity is to the people expected (a hall for 200 is a poor fit for 12);
- soon: up to 200 for a need whose date is near (within 60 days), 100 for one without a date;
- waiting: 2 a day since the need was posted, up to 200, so that old needs are not starved;
- what: for goods and expertise, 50 for each word the need's description and the offer's
  title and description share (`support_words`: words of four letters or more, without the
  commonest Dutch and English ones, plural endings cut), up to 150; so plates go to the need
  for plates before bedding does.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from matching.engine import Candidate, distance_km

MAX_KM = 15.0
DISTANCE_POINTS = 300
FIT_POINTS = 300
SOON_POINTS, SOON_DAYS, UNDATED_POINTS = 200, 60, 100
WAITING_POINTS_PER_DAY, WAITING_MAX = 2, 200
WORD_POINTS, WORDS_MAX = 50, 150
MAX_SCORE = DISTANCE_POINTS + FIT_POINTS + SOON_POINTS + WAITING_MAX + WORDS_MAX
# The kinds where what exactly is given matters, so shared words count.
DESCRIBED = frozenset({"goods", "expertise"})
STOPWORDS = frozenset(
    """voor door over naar maar zijn werd worden wordt heeft hebben kunnen moet mogen willen
    deze dit die dat daar hier ook nog niet geen veel meer alle onze jullie zich hun haar
    graag wel even want omdat als wanneer waar welke zoals tegen zonder samen ongeveer
    with from that this have will your about what which their there some more other
    stuks items""".split()
)
WORD = re.compile(r"[^\W\d_]+")
# The kinds that are counted (items, euros, hours, people): initiatives.models.Support.unit.
COUNTED = frozenset({"goods", "money", "expertise", "volunteers"})


@dataclass(frozen=True)
class SupportNeed:
    id: object  # ("need", pk) or ("request", pk)
    kind: str
    lat: float
    lon: float
    date: datetime.date | None = None
    people: int | None = None  # expected participants (a room's capacity)
    amount: int | None = None  # still needed, in the kind's unit; None: not said
    accessible: bool = False
    waiting_days: int = 0
    words: frozenset = frozenset()  # support_words of what exactly is needed
    excluded: frozenset = frozenset()  # offer ids declined for this need before


@dataclass(frozen=True)
class SupportOffer:
    id: int
    kind: str
    lat: float
    lon: float
    available_from: datetime.date
    available_until: datetime.date | None = None
    weekdays: int = 0  # bit 0 Monday … bit 6 Sunday; 0: every day
    capacity: int | None = None
    accessible: bool = False
    remaining: int | None = None  # None: not counted
    max_amount: int | None = None  # money: at most this per initiative
    booked: frozenset = frozenset()  # a room's dates already given
    words: frozenset = frozenset()  # support_words of its title and description


def support_words(*texts: str) -> frozenset:
    """The words that say what something is, to compare a need with an offer: lower case,
    four letters or more, not among STOPWORDS, with a plural ending cut (borden → bord,
    fietsen → fiets, tools → tool)."""
    words = set()
    for text in texts:
        for word in WORD.findall((text or "").lower()):
            if len(word) < 4 or word in STOPWORDS:
                continue
            if word.endswith("en") and len(word) > 5:
                word = word[:-2]
            elif word.endswith("s") and len(word) > 4:
                word = word[:-1]
            words.add(word)
    return frozenset(words)


def open_on(offer: SupportOffer, day: datetime.date) -> bool:
    if day < offer.available_from:
        return False
    if offer.available_until is not None and day > offer.available_until:
        return False
    return not offer.weekdays or bool(offer.weekdays & (1 << day.weekday()))


def units_for(need: SupportNeed, offer: SupportOffer) -> int | None:
    """How much of the offer an agreement would take: what is still needed, as far as the
    offer (and, for money, its maximum per initiative) goes; one when the need gave no amount.
    None for what is not counted."""
    if offer.remaining is None:
        return None
    wanted = need.amount if need.amount is not None else 1
    if offer.max_amount is not None:
        wanted = min(wanted, offer.max_amount)
    return max(0, min(wanted, offer.remaining))


def refusal(need: SupportNeed, offer: SupportOffer, today: datetime.date) -> str | None:
    """Why this offer cannot serve this need, in words, or None when it can."""
    if need.kind != offer.kind:
        return _("This offer gives another kind of support.")
    if need.date is not None:
        if need.date < today:
            return _("The date has passed.")
        if not open_on(offer, need.date):
            return _("The offer is not available on %(date)s.") % {
                "date": date_format(need.date, "j F Y")
            }
    elif offer.available_until is not None and offer.available_until < today:
        return _("The offer is no longer available.")
    if offer.kind == "room":
        if need.date is not None and need.date in offer.booked:
            return _("The room is already booked on %(date)s.") % {
                "date": date_format(need.date, "j F Y")
            }
        if need.people and offer.capacity is not None and offer.capacity < need.people:
            return _("The room holds %(capacity)d people; %(people)d are expected.") % {
                "capacity": offer.capacity,
                "people": need.people,
            }
        if need.accessible and not offer.accessible:
            return _("The room is not wheelchair accessible.")
    if offer.remaining is not None and offer.remaining <= 0:
        return _("Nothing of this offer is left.")
    if need.amount is not None and need.amount <= 0:
        return _("This need has been met.")
    if distance_km(need.lat, need.lon, offer.lat, offer.lon) > MAX_KM:
        return _("The offer is too far away.")
    return None


def score(need: SupportNeed, offer: SupportOffer, today: datetime.date) -> tuple[int, tuple]:
    """The score (0-MAX_SCORE) of a pair that passes the hard rules, and its reasons."""
    reasons = []
    km = distance_km(need.lat, need.lon, offer.lat, offer.lon)
    points = int(round(DISTANCE_POINTS * max(0.0, 1 - km / MAX_KM)))
    if (need.lat, need.lon) == (offer.lat, offer.lon):
        reasons.append(_("same neighbourhood"))
    else:
        reasons.append(_("%(km)s km") % {"km": number_format(round(km, 1), decimal_pos=1)})
    if offer.kind == "room":
        if need.date is not None:
            reasons.append(_("free on %(date)s") % {"date": date_format(need.date, "j F Y")})
        if offer.capacity and need.people:
            points += int(FIT_POINTS * need.people / offer.capacity)
            reasons.append(
                _("room for %(capacity)d people, %(people)d expected")
                % {"capacity": offer.capacity, "people": need.people}
            )
        else:
            points += FIT_POINTS // 2
        if need.accessible:
            reasons.append(_("wheelchair accessible"))
    elif offer.remaining is not None:
        units = units_for(need, offer)
        if need.amount:
            points += int(FIT_POINTS * units / need.amount)
            if units >= need.amount:
                reasons.append(_("gives all of the %(amount)s asked") % {"amount": need.amount})
            else:
                reasons.append(
                    _("gives %(units)s of the %(amount)s asked")
                    % {"units": units, "amount": need.amount}
                )
        else:
            points += FIT_POINTS // 2
    else:
        points += FIT_POINTS // 2
    if need.date is not None:
        days = (need.date - today).days
        points += int(SOON_POINTS * max(0, SOON_DAYS - days) / SOON_DAYS)
        if days <= SOON_DAYS:
            reasons.append(_("needed within %(days)d days") % {"days": days})
    else:
        points += UNDATED_POINTS
    points += min(WAITING_MAX, WAITING_POINTS_PER_DAY * need.waiting_days)
    if need.waiting_days:
        reasons.append(_("waiting %(days)d days") % {"days": need.waiting_days})
    if offer.kind in DESCRIBED:
        shared = need.words & offer.words
        if shared:
            points += min(WORDS_MAX, WORD_POINTS * len(shared))
            reasons.append(_("both mention: %(words)s") % {"words": ", ".join(sorted(shared))})
    return max(0, min(MAX_SCORE, points)), tuple(reasons)


def candidates(needs, offers, *, today: datetime.date, top_k: int = 3) -> list[Candidate]:
    """Per need, the `top_k` offers that pass the hard rules and were not declined for it
    before (`excluded`), best score first (ties: lower offer id first). Every pair is tried:
    the needs and offers of a municipality are hundreds, not tens of thousands, so nothing is
    left out by a shortcut."""
    by_kind = {}
    for offer in offers:
        by_kind.setdefault(offer.kind, []).append(offer)
    result = []
    for need in needs:
        scored = []
        for offer in by_kind.get(need.kind, ()):
            if offer.id not in need.excluded and refusal(need, offer, today) is None:
                points, reasons = score(need, offer, today)
                scored.append(Candidate(need.id, offer.id, points, reasons))
        scored.sort(key=lambda c: (-c.score, c.volunteer_id))
        result.extend(scored[:top_k])
    return result
