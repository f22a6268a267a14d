"""Matching benchmark: real matching runs (matching.runs.match_run_execute) on PostgreSQL.

Sizes (volunteers / open help requests / published opportunities): 20,000 / 5,000 / 2,000 at
scale 1; 1/16, 1/4 and 2 times that by default. Each size has its own database,
mpact_bench_matching (scale 1), mpact_bench_matching_1_N (scale 1/N) and mpact_bench_matching_xN
(scale N), created fresh, migrated, seeded with bulk_create (an Enschede-like city plus a town
20 km away, a Zipf-like tail of languages) and VACUUM ANALYZEd. Runs never touch it: each
sequence runs on a copy (CREATE DATABASE ... TEMPLATE, `<database>_work`, dropped afterwards).

A sequence, --repeat times per size, each run in a fresh child process:

1. first: the first run on the freshly seeded data (no suggestion yet);
2. second: a run right after, nothing changed (it should add no suggestion);
3. after change: 10% of the open help requests and published opportunities change (seeded
   RNG: a new neighbourhood, other languages, another kind of help, other skills, withdrawn or
   closed, and as many new ones), then a run.

Each run: wall time, CPU (Python and its PostgreSQL backend), peak RSS (ru_maxrss), queries
(CaptureQueriesContext), suggestions added, total score, needs served, the certificate
(pricing rounds, pairs priced and added, bound == total), the time per phase, and how much of
the machine other processes used meanwhile. After each run of the first sequence a check child
restores the run's input (its suggestions deleted in a transaction that is rolled back) and
solves it independently: every feasible pair scored, one min-cost flow over all of them per
step (requests, then one tip per volunteer), where it fits (--exhaustive-max-pairs); and a
greedy first-fit baseline on the same pairs.

With --profile (or when scale 1 misses 30 s or 300 MB, --profile auto) one more sequence runs
under cProfile. Results: bench/results/matching.json (and a dated copy), tables on stdout. See
bench/README.md. Run through bench/run_matching.sh, or:

    .venv/bin/python bench/matching.py [--scale 1/64] [--reuse] [--repeat N] [--profile]
"""

import argparse
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Run as a script, this file's folder comes first on sys.path, and `import matching` would
# find this file instead of the app: put the project root first and drop bench/.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != BENCH]

from bench import pages as foundation  # noqa: E402  (machine_info, CPU accounting, log)

PYTHON = ROOT / ".venv" / "bin" / "python"
DB_PREFIX = "mpact_bench_matching"
FULL = {"volunteers": 20_000, "requests": 5_000, "opportunities": 2_000}
# Issue 11: at full size every run under 30 s and under 300 MB peak.
TARGET_SECONDS = 30
TARGET_RSS_MB = 300
SCENARIOS = ("first", "second", "after change")
CHANGE_SHARE = 0.10
# The run serves no pages, so no static files are collected: migrate without the system checks
# (with DEBUG off they stop any command when the static files are missing).
MIGRATE = ("migrate", "--no-input", "-v0", "--skip-checks")
log = foundation.log


def parse_scale(text: str) -> Fraction:
    """'1/16', '1/4', '1', '2' -> the size as a fraction of FULL (1/N or a whole number)."""
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"not a scale: {text}") from None
    if value <= 0 or (value < 1 and value.numerator != 1) or (value > 1 and value.denominator != 1):
        raise argparse.ArgumentTypeError(f"a scale is 1/N or N: {text}")
    return value


def sizes_for(divisor) -> dict:
    """The counts at 1/divisor of the full size (divisor: 16, or Fraction(1, 2) for twice)."""
    return {name: int(count / divisor + 0.5) for name, count in FULL.items()}


def db_name(scale: Fraction, prefix: str = DB_PREFIX) -> str:
    if scale == 1:
        return prefix
    if scale < 1:
        return f"{prefix}_1_{scale.denominator}"
    return f"{prefix}_x{scale.numerator}"


def scale_label(scale: Fraction) -> str:
    return str(scale)


# --- Seed data (used by the seeding child) ---------------------------------------------------

# Enschede: the six neighbourhoods of seed_demo plus 34 more, approximate centres.
MORE_ENSCHEDE = [
    ("Binnenstad", "52.2195", "6.8945"),
    ("Lasonder-Zeggelt", "52.2250", "6.8980"),
    ("De Laares", "52.2260", "6.9060"),
    ("Hogeland-Noord", "52.2290", "6.9130"),
    ("Hogeland-Zuid", "52.2230", "6.9120"),
    ("Mekkelholt", "52.2430", "6.8920"),
    ("Schreurserve", "52.2460", "6.8830"),
    ("Bolhaar", "52.2290", "6.8800"),
    ("Twekkelerveld", "52.2350", "6.8650"),
    ("Boswinkel", "52.2310", "6.8690"),
    ("Tubantia-Toekomst", "52.2330", "6.8780"),
    ("Pathmos", "52.2120", "6.8800"),
    ("Stadsveld-Zuid", "52.2150", "6.8600"),
    ("'t Zwering", "52.2100", "6.8680"),
    ("Elferink-Heuwkamp", "52.2080", "6.8560"),
    ("Bruggert", "52.2040", "6.8750"),
    ("Horstlanden-Stadsweide", "52.2110", "6.8920"),
    ("Cromhoffsbleek-Kotman", "52.2150", "6.8870"),
    ("Helmerhoek-Noord", "52.1960", "6.8680"),
    ("Helmerhoek-Zuid", "52.1900", "6.8650"),
    ("Stroinslanden", "52.1960", "6.8870"),
    ("Het Brunink", "52.2020", "6.8980"),
    ("Dolphia", "52.2110", "6.9120"),
    ("Ribbelt-Ribbelerbrink", "52.2150", "6.9180"),
    ("Eschmarke", "52.2030", "6.9200"),
    ("Perik", "52.2060", "6.9100"),
    ("Walhof-Roessingh", "52.2170", "6.8810"),
    ("Bothoven", "52.2290", "6.8890"),
    ("Lonneker", "52.2530", "6.9160"),
    ("Drienerlo", "52.2440", "6.8530"),
    ("Ruwenbos", "52.2240", "6.9230"),
    ("Sleutelkamp", "52.2220", "6.8520"),
    ("Veldkamp-Getfert", "52.2380", "6.8760"),
    ("Schipholt", "52.2200", "6.9300"),
]
# A nearby town, about 20-23 km from Enschede's centre.
ALMELO = [
    ("Centrum", "52.3567", "6.6625"),
    ("Kerkelanden", "52.3640", "6.6480"),
    ("Nieuwstraatkwartier", "52.3500", "6.6700"),
    ("De Riet", "52.3470", "6.6400"),
    ("Schelfhorst", "52.3400", "6.6830"),
]
# Where more people ask for help, and where more volunteers live.
NEEDY = {
    "Velve-Lindenhof",
    "Deppenbroek",
    "Wesselerbrink",
    "Twekkelerveld",
    "Mekkelholt",
    "Pathmos",
    "Stroinslanden",
    "Helmerhoek-Noord",
    "Helmerhoek-Zuid",
    "De Laares",
    "Bolhaar",
}
COMFORTABLE = {"Hogeland-Noord", "Hogeland-Zuid", "Lonneker", "Drienerlo", "Binnenstad", "Ruwenbos"}

# Beyond seed_demo's twelve languages.
MORE_LANGUAGES = [
    ("de", "Duits", "German"),
    ("es", "Spaans", "Spanish"),
    ("ru", "Russisch", "Russian"),
    ("ku", "Koerdisch", "Kurdish"),
    ("prs", "Dari", "Dari"),
    ("ps", "Pasjtoe", "Pashto"),
    ("am", "Amhaars", "Amharic"),
    ("zh", "Chinees", "Chinese"),
    ("pt", "Portugees", "Portuguese"),
    ("it", "Italiaans", "Italian"),
    ("ro", "Roemeens", "Romanian"),
    ("bg", "Bulgaars", "Bulgarian"),
    ("hu", "Hongaars", "Hungarian"),
    ("el", "Grieks", "Greek"),
    ("sq", "Albanees", "Albanian"),
    ("bs", "Bosnisch", "Bosnian"),
    ("hr", "Kroatisch", "Croatian"),
    ("sr", "Servisch", "Serbian"),
    ("ur", "Urdu", "Urdu"),
    ("hi", "Hindi", "Hindi"),
    ("vi", "Vietnamees", "Vietnamese"),
    ("ln", "Lingala", "Lingala"),
    ("sw", "Swahili", "Swahili"),
    ("tl", "Tagalog", "Tagalog"),
    ("id", "Indonesisch", "Indonesian"),
    ("ber", "Tamazight", "Tamazight"),
]
# (code, share of volunteers, weights of levels B1, B2, C1, C2, native)
SOME_LANGUAGES = [
    ("ar", 0.06, (1, 1, 1, 0, 7)),
    ("tr", 0.05, (1, 1, 1, 0, 7)),
    ("pl", 0.025, (1, 1, 1, 0, 7)),
    ("uk", 0.025, (1, 1, 1, 0, 7)),
    ("fa", 0.015, (1, 1, 1, 0, 7)),
    ("ti", 0.01, (1, 1, 0, 0, 8)),
    ("so", 0.008, (1, 1, 0, 0, 8)),
]
# The long tail (29 languages), most spoken first: drawn with Zipf-like weights 1/rank.
RARE_ORDER = ["fr", "de", "es", "pap", "srn", "ru", "ku", "prs", "ps", "am", "zh", "pt", "it"]
RARE_ORDER += [code for code, _nl, _en in MORE_LANGUAGES if code not in RARE_ORDER]
LEVELS = ["B1", "B2", "C1", "C2", "native"]
SKILL_WEIGHTS = {
    "taalmaatje": 3,
    "gesprekken": 3,
    "ouderen": 2,
    "administratie": 1.5,
    "jongeren": 1.2,
    "computer": 1.2,
    "huiswerkbegeleiding": 1,
    "koken": 1,
    "sport": 1,
    "organiseren": 1,
    "vervoer": 0.8,
    "klussen": 0.8,
    "werk": 0.7,
    "communicatie": 0.6,
    "geld": 0.6,
    "tolken": 0.5,
}
FIRST_NAMES = {
    "status_holder": ["Samira", "Yonas", "Mohammed", "Fatima", "Ahmad", "Senait", "Dawit", "Reza"],
    "elderly": ["Gerrit", "Riek", "Jan", "Dinie", "Henk", "Truus", "Bernard", "Annie", "Wim"],
    "teen": ["Daan", "Sem", "Noah", "Lieke", "Yusuf", "Amira", "Milan", "Sara", "Levi", "Noor"],
    "other": ["Olena", "Piotr", "Aylin", "Mehmet", "Iryna", "Agnieszka", "Kateryna", "Emre"],
}


def week_weights(kind: str) -> dict:
    """How likely each of the week's 21 slots (the bits of volunteers.models.availability_bit)
    is to be free, for a kind of volunteer or of person asking for help."""
    weights = {}
    for day in range(7):
        for part in range(3):  # morning, afternoon, evening
            weekday, saturday = day < 5, day == 5
            if kind == "retired":
                weight = 3 if weekday and part < 2 else 0.5 if part == 2 else 1
            elif kind == "working":  # evenings, Saturday morning, Wednesday afternoon
                if weekday and part == 2 or saturday and part == 0:
                    weight = 3
                elif not weekday and part == 1:
                    weight = 2
                else:
                    weight = 1.5 if (day, part) == (2, 1) else 0.3
            elif kind == "student":
                weight = 2 if part > 0 else 1
            elif kind == "elderly":  # daytime on weekdays
                weight = 3 if weekday and part < 2 else 0.3
            elif kind == "status_holder":  # language school in the morning
                weight = 2 if weekday and part > 0 else 1.5 if not weekday else 1
            elif kind == "teen":  # after school, Wednesday afternoon, Saturday
                if (day, part) == (2, 1):
                    weight = 3
                elif weekday:
                    weight = 2.5 if part == 1 else 1.5 if part == 2 else 0.2
                else:
                    weight = 2 if saturday else 0.5
            else:  # other adults: evenings and weekends
                weight = 3 if part == 2 else 2 if not weekday else 0.5
            weights[1 << (day * 3 + part)] = weight
    return weights


def _weighted(rng, table):
    """One key of {key: weight} (or a list of (key, weight))."""
    items = list(table.items()) if isinstance(table, dict) else list(table)
    return rng.choices([k for k, _w in items], weights=[w for _k, w in items])[0]


def _sample_weighted(rng, table: dict, k: int) -> list:
    """k distinct keys, drawn by weight."""
    pool, chosen = dict(table), []
    for _ in range(min(k, len(pool))):
        key = _weighted(rng, pool)
        chosen.append(key)
        del pool[key]
    return chosen


def seed_database(divisor: int | Fraction, seed: int) -> dict:
    """Fill an empty, migrated database (runs in a child with Django set up).

    Every row is made by the project's factories (mpact/factories.py, as the tests and
    seed_demo make theirs), built without the database and written with bulk_create; what is
    particular to this benchmark is the choice of the attributes (the skew above)."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from initiatives.models import Opportunity, Organisation, Response
    from matching.models import HelpRequest, Participant
    from mpact.core.models import AVAILABILITY_SLOTS, Language, Neighbourhood, Skill
    from mpact.factories import (
        UNUSABLE_PASSWORD,
        HelpRequestFactory,
        LanguageFactory,
        NeighbourhoodFactory,
        OpportunityFactory,
        OrganisationFactory,
        ParticipantFactory,
        ResponseFactory,
        UserFactory,
        VolunteerLanguageFactory,
        VolunteerProfileFactory,
    )
    from mpact.management.commands import seed_demo
    from mpact.users.models import User
    from volunteers.models import VolunteerLanguage, VolunteerProfile

    sizes = sizes_for(divisor)
    rng = random.Random(f"{seed}-{divisor}")
    now = timezone.now()
    today = timezone.localdate()
    Kind = HelpRequest.Kind
    counts = {}

    with transaction.atomic():
        # Reference data: neighbourhoods, languages (skills come from a migration).
        rows = [
            ("Enschede", name, lat, lon)
            for municipality, name, lat, lon in seed_demo.NEIGHBOURHOODS
            if municipality == "Enschede"
        ]
        rows += [("Enschede", name, lat, lon) for name, lat, lon in MORE_ENSCHEDE]
        rows += [("Almelo", name, lat, lon) for name, lat, lon in ALMELO]
        hoods = Neighbourhood.objects.bulk_create(
            [
                NeighbourhoodFactory.build(  # slug: slugify(municipality-name)
                    municipality=municipality,
                    name=name,
                    latitude=Decimal(lat),
                    longitude=Decimal(lon),
                )
                for municipality, name, lat, lon in rows
            ]
        )
        base = {
            hood.pk: (0.35 if hood.municipality == "Almelo" else rng.uniform(0.4, 2.0))
            for hood in hoods
        }
        volunteer_hood_weights = {
            hood: base[hood.pk] * (2.0 if hood.name in COMFORTABLE else 1.0) for hood in hoods
        }
        participant_hood_weights = {
            hood: base[hood.pk] * (3.0 if hood.name in NEEDY else 1.0) for hood in hoods
        }
        language_rows = list(seed_demo.LANGUAGES) + MORE_LANGUAGES
        languages = {
            language.code: language
            for language in Language.objects.bulk_create(
                [
                    LanguageFactory.build(code=code, name_nl=nl, name_en=en)
                    for code, nl, en in language_rows
                ]
            )
        }
        skills = {skill.slug: skill for skill in Skill.objects.all()}
        missing = set(SKILL_WEIGHTS) - set(skills)
        if missing:
            raise SystemExit(f"curated skills missing (migration?): {sorted(missing)}")
        counts["neighbourhoods"] = len(hoods)
        counts["languages"] = len(languages)

        # Volunteers: users, profiles, languages, skills.
        volunteer_count = sizes["volunteers"]
        users = User.objects.bulk_create(
            [
                UserFactory.build(
                    email=f"vrijwilliger-{number}@bench.example.org",
                    name=f"Vrijwilliger {number}",
                    password=UNUSABLE_PASSWORD,
                    is_active=rng.random() >= 0.02,
                )
                for number in range(volunteer_count)
            ],
            batch_size=5000,
        )
        personas = {"retired": 30, "working": 55, "student": 15}
        persona_weeks = {persona: week_weights(persona) for persona in personas}
        persona_slots = {"retired": (2, 8), "working": (1, 5), "student": (2, 8)}
        hood_list = list(volunteer_hood_weights)
        hood_for_volunteer = rng.choices(
            hood_list, weights=list(volunteer_hood_weights.values()), k=volunteer_count
        )
        profiles = []
        for user, hood in zip(users, hood_for_volunteer, strict=True):
            persona = _weighted(rng, personas)
            slots = 0 if rng.random() < 0.03 else rng.randint(*persona_slots[persona])
            has_vog = rng.random() < 0.4
            paused = rng.random()
            profiles.append(
                VolunteerProfileFactory.build(
                    user=user,
                    display_name=user.name,
                    bio="Ik help graag mensen in mijn wijk.",
                    neighbourhood=None if rng.random() < 0.02 else hood,
                    availability=sum(_sample_weighted(rng, persona_weeks[persona], slots)),
                    hours_per_week=_weighted(rng, {0: 10, 1: 15, 2: 30, 3: 10, 4: 20, 6: 8, 8: 7}),
                    buddy_capacity=_weighted(rng, {0: 45, 1: 40, 2: 15}),
                    max_distance_km=_weighted(rng, {2: 7, 5: 40, 10: 40, 20: 13}),
                    prefers_adults=rng.random() < 0.9,
                    prefers_teens=rng.random() < 0.25,
                    has_vog=has_vog,
                    vog_date=today - timedelta(days=rng.randint(10, 900)) if has_vog else None,
                    paused_until=(
                        today + timedelta(days=rng.randint(1, 90))
                        if paused < 0.07
                        else today - timedelta(days=rng.randint(1, 200))
                        if paused < 0.12
                        else None
                    ),
                    privacy_consent_at=now,
                )
            )
        VolunteerProfile.objects.bulk_create(profiles, batch_size=5000)
        rare_weights = {code: 1 / rank for rank, code in enumerate(RARE_ORDER, start=1)}
        profile_languages, profile_skills = [], []
        for profile in profiles:
            spoken = {}
            if rng.random() < 0.94:
                spoken["nl"] = _weighted(rng, {"native": 78, "C2": 6, "C1": 8, "B2": 5, "B1": 3})
            if rng.random() < (0.55 if spoken else 0.9):
                spoken["en"] = _weighted(rng, {"B1": 25, "B2": 35, "C1": 25, "C2": 10, "native": 5})
            for code, share, level_weights in SOME_LANGUAGES:
                if rng.random() < share:
                    spoken[code] = _weighted(rng, zip(LEVELS, level_weights, strict=True))
            if rng.random() < 0.15:
                code = _weighted(rng, rare_weights)
                spoken.setdefault(code, _weighted(rng, zip(LEVELS, (1, 1, 1, 1, 4), strict=True)))
            if rng.random() < 0.05:  # learning one
                spoken.setdefault(
                    rng.choice(["ar", "tr", "es", "de", "fr"]), rng.choice(["A1", "A2"])
                )
            for code, level in spoken.items():
                profile_languages.append(
                    VolunteerLanguageFactory.build(
                        profile=profile, language=languages[code], level=level
                    )
                )
            count = 0 if rng.random() < 0.05 else _weighted(rng, {1: 30, 2: 35, 3: 25, 4: 10})
            for slug in _sample_weighted(rng, SKILL_WEIGHTS, count):
                profile_skills.append(
                    VolunteerProfile.skills.through(
                        volunteerprofile_id=profile.pk, skill_id=skills[slug].pk
                    )
                )
        VolunteerLanguage.objects.bulk_create(profile_languages, batch_size=10000)
        VolunteerProfile.skills.through.objects.bulk_create(profile_skills, batch_size=10000)
        counts["volunteer_profiles"] = len(profiles)
        counts["volunteer_languages"] = len(profile_languages)
        counts["volunteer_skills"] = len(profile_skills)

        # Participants and their open help requests (plus older ones in other states).
        groups = {
            # share, situation, ages, languages (weights), Dutch level (weights), English, kinds
            "status_holder": (
                0.45,
                Participant.Situation.STATUS_HOLDER,
                (19, 62),
                {"ar": 50, "ti": 25, "fa": 12, "so": 6, "prs": 4, "ku": 3},
                {"A1": 35, "A2": 45, "B1": 20},
                0.12,
                {
                    Kind.LANGUAGE: 40,
                    Kind.BUDDY: 25,
                    Kind.PAPERWORK: 15,
                    Kind.VOLUNTEER_WORK: 10,
                    Kind.MONEY: 5,
                    Kind.SOCIAL: 5,
                },
            ),
            "elderly": (
                0.30,
                Participant.Situation.RESIDENT,
                (70, 93),
                {"nl": 1},
                {"native": 1},
                0.0,
                {
                    Kind.SOCIAL: 35,
                    Kind.BUDDY: 25,
                    Kind.INFORMAL_CARE: 20,
                    Kind.PAPERWORK: 15,
                    Kind.OTHER: 5,
                },
            ),
            "teen": (
                0.15,
                Participant.Situation.RESIDENT,
                (12, 17),
                {"nl": 80, "ar": 8, "tr": 8, "ti": 4},
                {"native": 60, "C1": 25, "B2": 15},
                0.3,
                {Kind.YOUTH: 60, Kind.BUDDY: 20, Kind.LANGUAGE: 10, Kind.OTHER: 10},
            ),
            "other": (
                0.10,
                Participant.Situation.OTHER,
                (22, 65),
                {"uk": 35, "pl": 30, "tr": 25, "so": 10},
                {"A1": 20, "A2": 40, "B1": 40},
                0.35,
                {
                    Kind.LANGUAGE: 35,
                    Kind.PAPERWORK: 25,
                    Kind.BUDDY: 20,
                    Kind.MONEY: 10,
                    Kind.GOODS: 10,
                },
            ),
        }
        descriptions = {
            Kind.LANGUAGE: "Ik wil Nederlands oefenen in het dagelijks leven.",
            Kind.BUDDY: "Ik ken nog niemand in de wijk en zoek een maatje.",
            Kind.PAPERWORK: "Ik krijg brieven van instanties die ik niet begrijp.",
            Kind.VOLUNTEER_WORK: "Ik wil graag vrijwilligerswerk doen.",
            Kind.GOODS: "We hebben een wasmachine en een bed nodig.",
            Kind.SOCIAL: "Ik ben veel alleen en zou graag iemand spreken.",
            Kind.MONEY: "Ik heb schulden en durf de post niet meer open te maken.",
            Kind.YOUTH: "Ik zoek iemand die helpt met school en sport.",
            Kind.INFORMAL_CARE: "Mijn man is ziek; ik kan wat hulp in huis gebruiken.",
            Kind.OTHER: "Ik weet niet goed waar ik moet beginnen.",
        }
        request_count = sizes["requests"]
        group_names = list(groups)
        group_of = rng.choices(
            group_names, weights=[groups[g][0] for g in group_names], k=request_count
        )
        hood_list = list(participant_hood_weights)
        participant_hoods = rng.choices(
            hood_list, weights=list(participant_hood_weights.values()), k=request_count
        )
        participants, participant_languages, kinds = [], [], []
        for number, (group, hood) in enumerate(zip(group_of, participant_hoods, strict=True)):
            _share, situation, (young, old), codes, dutch, english, kind_weights = groups[group]
            participants.append(
                ParticipantFactory.build(
                    first_name=rng.choice(FIRST_NAMES[group]),
                    last_name=f"B{number}",
                    phone="",
                    situation=situation,
                    neighbourhood=None if rng.random() < 0.01 else hood,
                    year_of_birth=now.year - rng.randint(young, old),
                    dutch_level=_weighted(rng, dutch),
                    consent_given=True,
                    consent_method=Participant.ConsentMethod.VERBAL,
                    consent_at=now,
                    created_at=now - timedelta(days=rng.randint(0, 400)),
                )
            )
            spoken = {_weighted(rng, codes)}
            if rng.random() < english:
                spoken.add("en")
            participant_languages.append(spoken)
            kinds.append(_weighted(rng, kind_weights))
        Participant.objects.bulk_create(participants, batch_size=5000)
        through = Participant.languages.through
        through.objects.bulk_create(
            [
                through(participant_id=participant.pk, language_id=languages[code].pk)
                for participant, spoken in zip(participants, participant_languages, strict=True)
                for code in spoken
            ],
            batch_size=10000,
        )

        # The coordinator notes when the person is free for 60% of the requests (0: any time).
        if {bit for bit, _day, _part in AVAILABILITY_SLOTS} != set(week_weights("teen")):
            raise SystemExit("week_weights() no longer matches volunteers.models.availability_bit")
        request_weeks = {group: week_weights(group) for group in groups}
        has_slots = "available_slots" in {f.name for f in HelpRequest._meta.fields}

        def request(participant, group, kind, status, age_days):
            created = now - timedelta(days=age_days, minutes=rng.randint(0, 1439))
            times = {}
            if has_slots and rng.random() < 0.6:
                times["available_slots"] = sum(
                    _sample_weighted(rng, request_weeks[group], rng.randint(2, 6))
                )
            return HelpRequestFactory.build(
                **times,
                kind=kind,
                description=descriptions[kind],
                participant=participant,
                neighbourhood=participant.neighbourhood if rng.random() < 0.9 else None,
                urgency=_weighted(rng, {"low": 25, "normal": 60, "high": 15}),
                status=status,
                triage=_weighted(rng, {"in_control": 80, "temporary": 15, "long_term": 5}),
                created_at=created,
                last_activity_at=created + (now - created) * rng.random(),
            )

        # Open requests: mostly recent, a tail waiting for months (oldest first by id).
        ages = sorted((min(int(rng.expovariate(1 / 30)), 365) for _ in participants), reverse=True)
        open_requests = [
            request(participant, group, kind, HelpRequest.Status.OPEN, age)
            for participant, group, kind, age in zip(
                participants, group_of, kinds, ages, strict=True
            )
        ]
        # Earlier or not-yet-open requests of the same people (not matched on).
        other_statuses = {
            "new": 20,
            "in_intake": 20,
            "matched": 30,
            "closed": 15,
            "referred": 10,
            "withdrawn": 5,
        }
        older = [
            request(
                participants[index],
                group_of[index],
                rng.choice(list(descriptions)),
                _weighted(rng, other_statuses),
                rng.randint(0, 700),
            )
            for index in rng.sample(range(len(participants)), k=len(participants) // 4)
        ]
        # Every help request is created oldest first, so that ids follow age.
        all_requests = sorted(older + open_requests, key=lambda r: r.created_at)
        HelpRequest.objects.bulk_create(all_requests, batch_size=5000)
        through = HelpRequest.languages.through
        through.objects.bulk_create(
            [
                through(helprequest_id=help_request.pk, language_id=languages[code].pk)
                for help_request, spoken in zip(open_requests, participant_languages, strict=True)
                if rng.random() < 0.1
                for code in sorted(spoken)[:1]
            ],
            batch_size=10000,
        )
        counts["participants"] = len(participants)
        counts["open_requests"] = len(open_requests)
        counts["other_requests"] = len(older)

        # Organisations and opportunities.
        org_count = max(6, int(150 / divisor + 0.5))
        org_kinds = list(Organisation.Kind)
        org_hoods = rng.choices(
            hood_list, weights=list(participant_hood_weights.values()), k=org_count
        )
        organisations = Organisation.objects.bulk_create(
            [
                OrganisationFactory.build(
                    name=f"Organisatie {number} {hood.name}",
                    slug=f"organisatie-{number}",
                    email="",
                    kind=rng.choice(org_kinds),
                    # Every 20th, and the last (so that small sizes have one too), waits for
                    # approval: what it publishes is not public.
                    approved_at=(
                        None
                        if number % 20 == 19 or number == org_count - 1
                        else now - timedelta(days=100)
                    ),
                )
                for number, hood in enumerate(org_hoods)
            ]
        )
        home = dict(zip([o.pk for o in organisations], org_hoods, strict=True))
        approved = [o for o in organisations if o.approved_at]
        unapproved = [o for o in organisations if not o.approved_at]

        def opportunity(organisation, status, created, ended=False):
            title, description, skill_slugs, codes, level = rng.choice(
                seed_demo.OPPORTUNITY_TEMPLATES
            )
            if rng.random() < 0.3:  # not every organisation asks for a language or level
                codes, level = [], ""
            remote = rng.random() < 0.1
            hood = home[organisation.pk] if rng.random() < 0.7 else rng.choice(hood_list)
            commitment = rng.choice(list(Opportunity.Commitment))
            period = commitment == Opportunity.Commitment.PERIOD
            starts = today - timedelta(days=rng.randint(0, 60)) if period else None
            if ended:
                starts = today - timedelta(days=120)
            row = OpportunityFactory.build(
                organisation=organisation,
                title=f"{title} ({'op afstand' if remote else hood.name})",
                description=description,
                min_dutch_level=level,
                commitment=commitment,
                hours_per_week=rng.choice([1, 2, 3, 4]) if commitment == "weekly" else None,
                starts_on=starts,
                ends_on=(
                    today - timedelta(days=10)
                    if ended
                    else starts + timedelta(days=rng.randint(60, 200))
                    if period
                    else None
                ),
                neighbourhood=None if remote and rng.random() < 0.5 else hood,
                is_remote=remote,
                places=_weighted(rng, {1: 40, 2: 25, 3: 15, 4: 10, 5: 10}),
                needs_vog=rng.random() < 0.3,
                open_to_newcomers=rng.random() < 0.7,
                status=status,
                created_at=created,
            )
            return row, skill_slugs, codes

        opportunity_count = sizes["opportunities"]
        made = [
            opportunity(
                rng.choice(approved),
                Opportunity.Status.PUBLISHED,
                now - timedelta(days=rng.randint(0, 90), minutes=rng.randint(0, 1439)),
            )
            for _ in range(opportunity_count)
        ]
        # Not open to matching: drafts, filled and closed ones, ended ones, unapproved owners.
        noise = max(4, opportunity_count // 10)
        for number in range(noise):
            created = now - timedelta(days=rng.randint(0, 300))
            if number % 4 == 0:
                made.append(opportunity(rng.choice(unapproved), "published", created))
            elif number % 4 == 1:
                made.append(opportunity(rng.choice(approved), "published", created, ended=True))
            else:
                status = rng.choice(["draft", "filled", "closed"])
                made.append(opportunity(rng.choice(approved), status, created))
        made.sort(key=lambda item: item[0].created_at)
        rows = Opportunity.objects.bulk_create([row for row, _s, _c in made], batch_size=2000)
        skill_through = Opportunity.skills.through
        language_through = Opportunity.languages.through
        skill_through.objects.bulk_create(
            [
                skill_through(opportunity_id=row.pk, skill_id=skills[slug].pk)
                for row, slugs, _codes in made
                for slug in slugs
            ],
            batch_size=10000,
        )
        language_through.objects.bulk_create(
            [
                language_through(opportunity_id=row.pk, language_id=languages[code].pk)
                for row, _slugs, codes in made
                for code in codes
            ],
            batch_size=10000,
        )
        counts["organisations"] = len(organisations)
        counts["opportunities_published"] = opportunity_count
        counts["opportunities_other"] = len(rows) - opportunity_count

        # Responses to a quarter of the open opportunities: some places are taken.
        responses = []
        public = [row for row, _s, _c in made if row.status == "published"]
        for row in rng.sample(public, k=len(public) // 4):
            for user in rng.sample(users, k=_weighted(rng, {1: 60, 2: 30, 3: 10})):
                responses.append(
                    ResponseFactory.build(
                        opportunity=row,
                        volunteer=user,
                        message="Ik help graag.",
                        status=_weighted(
                            rng, {"pending": 45, "accepted": 35, "declined": 15, "withdrawn": 5}
                        ),
                    )
                )
        Response.objects.bulk_create(responses, batch_size=5000)
        counts["responses"] = len(responses)
    return counts


# --- The change between runs (used by the change child) --------------------------------------


def change_needs(seed: int, share: float = CHANGE_SHARE) -> dict:
    """Change `share` of the open help requests and of the published opportunities, as people
    and organisations do between two runs (seeded RNG, the same every time):

    - 40% of them a new neighbourhood (a remote opportunity gets a place);
    - requests: 20% other languages (another asker's languages and Dutch level), 20% another
      kind of help (other skills; the shared-language and VOG rules may change with it);
    - opportunities: 40% another opportunity's skills, languages and minimum Dutch level;
    - 20% withdrawn (help_request_withdraw, which ends their suggestions) or closed
      (opportunity_set_status), and as many new ones: a new person asking with a copy of an
      open request's situation, languages, kind and times in a random neighbourhood (written as
      the seed writes them), and a copy of a published opportunity (opportunity_duplicate,
      then published) in a random neighbourhood.
    """
    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from initiatives.models import Opportunity
    from initiatives.services.opportunities import opportunity_duplicate, opportunity_set_status
    from matching.models import HelpRequest, MatchSuggestion, Participant
    from matching.services import help_request_withdraw
    from mpact.core.models import Neighbourhood
    from mpact.factories import HelpRequestFactory, ParticipantFactory

    rng = random.Random(f"{seed}-change")
    now = timezone.now()
    hoods = list(Neighbourhood.objects.order_by("pk"))
    in_play = MatchSuggestion.objects.filter(status__in=MatchSuggestion.ACTIVE)
    requests_in_play = set(in_play.values_list("help_request_id", flat=True))
    opportunities_in_play = set(in_play.values_list("opportunity_id", flat=True))
    open_requests = list(
        HelpRequest.objects.open_for_matching()
        .filter(participant__isnull=False)
        .select_related("participant", "participant__neighbourhood", "neighbourhood")
        .prefetch_related("languages", "participant__languages")
        .order_by("pk")
    )
    published = list(
        Opportunity.objects.public()
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate(now)))
        .prefetch_related("skills", "languages")
        .order_by("pk")
    )

    def split(rows):
        chosen = rng.sample(rows, k=round(share * len(rows)))
        fifth = len(chosen) // 5
        return {
            "neighbourhood": chosen[: 2 * fifth],
            "languages": chosen[2 * fifth : 3 * fifth],
            "kind": chosen[3 * fifth : 4 * fifth],
            "gone": chosen[4 * fifth :],
        }

    def other_hood(current):
        return rng.choice([hood for hood in hoods if hood != current])

    report = {"requests": {}, "opportunities": {}}
    with transaction.atomic():
        parts = split(open_requests)
        for request in parts["neighbourhood"]:
            request.neighbourhood = other_hood(
                request.neighbourhood or request.participant.neighbourhood
            )
        HelpRequest.objects.bulk_update(parts["neighbourhood"], ["neighbourhood"])
        for request in parts["languages"]:
            donor = rng.choice(
                [r for r in open_requests if r.participant_id != request.participant_id]
            )
            participant = request.participant
            participant.languages.set(donor.participant.languages.all())
            participant.dutch_level = donor.participant.dutch_level
            participant.save(update_fields=["dutch_level"])
            request.languages.set(donor.languages.all())
        Kind = HelpRequest.Kind
        kinds = [Kind.LANGUAGE, Kind.BUDDY, Kind.PAPERWORK, Kind.VOLUNTEER_WORK, Kind.GOODS]
        kinds += [Kind.SOCIAL, Kind.MONEY, Kind.YOUTH, Kind.INFORMAL_CARE, Kind.OTHER]
        for request in parts["kind"]:
            request.kind = rng.choice([kind for kind in kinds if kind != request.kind])
        HelpRequest.objects.bulk_update(parts["kind"], ["kind"])
        for request in parts["gone"]:
            help_request_withdraw(help_request=request)
        # As many new requests as were withdrawn: new people, like open ones, asking today.
        gone = {request.pk for request in parts["gone"]}
        templates = [rng.choice([r for r in open_requests if r.pk not in gone]) for _ in gone]
        people = Participant.objects.bulk_create(
            [
                ParticipantFactory.build(
                    first_name=template.participant.first_name,
                    last_name=f"N{number}",
                    phone="",
                    situation=template.participant.situation,
                    neighbourhood=rng.choice(hoods),
                    year_of_birth=template.participant.year_of_birth,
                    dutch_level=template.participant.dutch_level,
                    consent_given=True,
                    consent_method=template.participant.consent_method,
                    consent_at=now,
                    created_at=now,
                )
                for number, template in enumerate(templates)
            ]
        )
        through = Participant.languages.through
        if people:
            through.objects.bulk_create(
                [
                    through(participant_id=person.pk, language_id=language.pk)
                    for person, template in zip(people, templates, strict=True)
                    for language in template.participant.languages.all()
                ]
            )
        HelpRequest.objects.bulk_create(
            [
                HelpRequestFactory.build(
                    kind=template.kind,
                    description=template.description,
                    participant=person,
                    neighbourhood=None,
                    urgency=template.urgency,
                    status=HelpRequest.Status.OPEN,
                    triage=template.triage,
                    available_slots=template.available_slots,
                    created_at=now,
                    last_activity_at=now,
                )
                for person, template in zip(people, templates, strict=True)
            ]
        )
        for name, rows in parts.items():
            report["requests"][name] = {
                "changed": len(rows),
                "with_a_suggestion_in_play": sum(1 for r in rows if r.pk in requests_in_play),
            }
        report["requests"]["new"] = {"changed": len(people), "with_a_suggestion_in_play": 0}

        parts = split(published)
        for opportunity in parts["neighbourhood"]:
            opportunity.neighbourhood = other_hood(opportunity.neighbourhood)
            opportunity.is_remote = False
        Opportunity.objects.bulk_update(parts["neighbourhood"], ["neighbourhood", "is_remote"])
        for opportunity in parts["languages"] + parts["kind"]:
            current = {s.pk for s in opportunity.skills.all()}
            donor = rng.choice([o for o in published if {s.pk for s in o.skills.all()} != current])
            opportunity.skills.set(donor.skills.all())
            opportunity.languages.set(donor.languages.all())
            opportunity.min_dutch_level = donor.min_dutch_level
            opportunity.save(update_fields=["min_dutch_level"])
        for opportunity in parts["gone"]:
            opportunity_set_status(opportunity=opportunity, status=Opportunity.Status.CLOSED)
        gone = {opportunity.pk for opportunity in parts["gone"]}
        added = 0
        for _ in gone:
            template = rng.choice([o for o in published if o.pk not in gone])
            copy = opportunity_duplicate(opportunity=template)
            copy.neighbourhood = rng.choice(hoods)
            copy.is_remote = False
            copy.save(update_fields=["neighbourhood", "is_remote"])
            opportunity_set_status(opportunity=copy, status=Opportunity.Status.PUBLISHED)
            added += 1
        parts = {
            "neighbourhood": parts["neighbourhood"],
            "skills and languages": parts["languages"] + parts["kind"],
            "gone": parts["gone"],
        }
        for name, rows in parts.items():
            report["opportunities"][name] = {
                "changed": len(rows),
                "with_a_suggestion_in_play": sum(1 for o in rows if o.pk in opportunities_in_play),
            }
        report["opportunities"]["new"] = {"changed": added, "with_a_suggestion_in_play": 0}
    report["open_requests_before"] = len(open_requests)
    report["published_opportunities_before"] = len(published)
    return report


# --- Independent solves on the run's input (used by the check child) -------------------------


def feasible_pairs(pool, needs, tip_capacity=None) -> list:
    """Per need: every feasible volunteer with a score above 0 (positions in the pool, and the
    scores), best first (ties: lower id), from VolunteerPool.scores (the engine's vector form of
    passes_hard_rules and score). With tip_capacity (per position), only those with a tip
    left."""
    import numpy as np

    result = []
    for need in needs:
        passes, points = pool.scores(need)
        usable = passes & (points > 0)
        if tip_capacity is not None:
            usable &= tip_capacity > 0
        feasible = np.flatnonzero(usable)
        order = np.lexsort((pool.ids[feasible], -points[feasible]))
        feasible = feasible[order]
        result.append((feasible.astype(np.int32), points[feasible].astype(np.int32)))
    return result


def optimum_over_all_pairs(pairs, places, capacity) -> tuple[int, list]:
    """The highest total over every pair given (per need: positions, scores), with at most
    `places[n]` per need and `capacity[v]` per volunteer: one min-cost flow (OR-Tools) over all
    of them, built here from arrays (not engine.optimise, not engine.assign). Returns the total
    and the chosen (need, position) pairs."""
    import numpy as np
    from ortools.graph.python import min_cost_flow

    need_count, volunteer_count = len(pairs), len(capacity)
    pair_need = np.concatenate(
        [np.full(len(p), n, dtype=np.int64) for n, (p, _s) in enumerate(pairs)] + [[]]
    ).astype(np.int64)
    pair_volunteer = np.concatenate([p for p, _s in pairs] + [[]]).astype(np.int64)
    pair_score = np.concatenate([s for _p, s in pairs] + [[]]).astype(np.int64)
    if not len(pair_need):
        return 0, []
    places = np.maximum(np.asarray(places, dtype=np.int64), 0)
    capacity = np.maximum(np.asarray(capacity, dtype=np.int64), 0)
    supply = int(places.sum())
    source, sink, need_base = 0, 1, 2
    volunteer_base = need_base + need_count
    tails = np.concatenate(
        [
            np.full(need_count, source),
            need_base + pair_need,
            volunteer_base + np.arange(volunteer_count),
            [source],
        ]
    ).astype(np.int64)
    heads = np.concatenate(
        [
            need_base + np.arange(need_count),
            volunteer_base + pair_volunteer,
            np.full(volunteer_count, sink),
            [sink],
        ]
    ).astype(np.int64)
    capacities = np.concatenate(
        [places, np.ones(len(pair_need), dtype=np.int64), capacity, [supply]]
    ).astype(np.int64)
    costs = np.concatenate(
        [np.zeros(need_count), -pair_score, np.zeros(volunteer_count), [0]]
    ).astype(np.int64)
    del pair_score
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    del tails, heads, capacities, costs
    supplies = np.zeros(volunteer_base + volunteer_count, dtype=np.int64)
    supplies[source], supplies[sink] = supply, -supply
    solver.set_nodes_supplies(np.arange(len(supplies), dtype=np.int64), supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: status {status}")
    first = need_count
    flows = np.array(solver.flows(np.arange(first, first + len(pair_need), dtype=np.int64)))
    used = np.flatnonzero(flows > 0)
    chosen = list(zip(pair_need[used].tolist(), pair_volunteer[used].tolist(), strict=True))
    return -int(solver.optimal_cost()), chosen


def greedy_first_fit(pairs, places, capacity, order) -> list:
    """The first-fit baseline: needs in `order` (of id), each takes its best-scoring feasible
    volunteers who still have capacity, up to its places. Returns (need, position, score)."""
    import numpy as np

    left = np.maximum(np.asarray(capacity, dtype=np.int64), 0)
    chosen = []
    for n in order:
        positions, scores = pairs[n]
        if places[n] <= 0 or not len(positions):
            continue
        free = np.flatnonzero(left[positions] > 0)[: places[n]]
        left[positions[free]] -= 1
        chosen += [(n, int(positions[i]), int(scores[i])) for i in free]
    return chosen


def tip_capacity(volunteers, used: dict, waiting_tips: set) -> list:
    """What matching.runs.plan leaves for the tips: at most one per volunteer, none for who has
    one waiting, and none beyond the capacity the requests left."""
    return [
        0 if v.id in waiting_tips else max(0, min(1, v.capacity - used.get(v.id, 0)))
        for v in volunteers
    ]


def check_run(run_id: int, *, max_pairs: int, engine_assign_max_pairs: int, by_pair_max: int):
    """The run's input, solved independently: restores the state the run read (its suggestions
    deleted inside a transaction that is rolled back), reads it as the run does, checks the
    run's pairs, and computes per step (requests, then tips from the capacity the run's own
    requests left) the optimum over every feasible pair and the greedy baseline."""
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from matching import engine, runs
    from matching.models import MatchRun, MatchSuggestion

    run = MatchRun.objects.get(pk=run_id)
    now = run.started_at
    with transaction.atomic():
        made = list(
            MatchSuggestion.objects.filter(run=run).values_list(
                "help_request_id", "opportunity_id", "volunteer_id", "score"
            )
        )
        MatchSuggestion.objects.filter(run=run).delete()
        volunteers = runs._volunteers(timezone.localdate(now))
        request_needs = [n for n in runs._request_needs(now) if n.places > 0]
        opportunity_needs = [n for n in runs._opportunity_needs(now) if n.places > 0]
        waiting = runs._with_a_waiting_tip()
        transaction.set_rollback(True)
    started = time.perf_counter()
    pool = engine.VolunteerPool(volunteers)
    capacity = [v.capacity for v in volunteers]
    run_requests = {
        ((runs.REQUEST, r), pool.position[v]): s for r, _o, v, s in made if r is not None
    }
    run_tips = {((runs.OPPORTUNITY, o), pool.position[v]): s for r, o, v, s in made if r is None}
    result = {
        "needs": {
            "requests": len(request_needs),
            "opportunities": len(opportunity_needs),
            "request_places": sum(n.places for n in request_needs),
            "opportunity_places": sum(n.places for n in opportunity_needs),
        },
        "volunteers": len(volunteers),
        "volunteers_with_capacity": sum(1 for v in volunteers if v.capacity > 0),
        "waiting_tips": len(waiting),
        "run": {
            "requests_total": sum(run_requests.values()),
            "tips_total": sum(run_tips.values()),
            "suggestions": len(made),
            "total_score": run.total_score,
            "bound": run.bound,
        },
    }

    def valid(pairs, needs, chosen, cap):
        """Pairs of the run that are not feasible with the score it gave, and volunteers or
        needs over their capacity or places."""
        index = {need.id: n for n, need in enumerate(needs)}
        bad = 0
        for (need_id, position), points in chosen.items():
            positions, scores = pairs[index[need_id]]
            hit = np.flatnonzero(positions == position)
            bad += not (len(hit) and int(scores[hit[0]]) == points)
        per_volunteer, per_need = {}, {}
        for need_id, position in chosen:
            per_volunteer[position] = per_volunteer.get(position, 0) + 1
            per_need[need_id] = per_need.get(need_id, 0) + 1
        over = sum(1 for p, k in per_volunteer.items() if k > cap[p])
        over += sum(1 for n, k in per_need.items() if k > needs[index[n]].places)
        return bad, over

    def step(name, needs, pairs, cap, run_pairs, order):
        count = sum(len(p) for p, _s in pairs)
        places = [n.places for n in needs]
        bad, over = valid(pairs, needs, run_pairs, cap)
        greedy = greedy_first_fit(pairs, places, cap, order)
        info = {
            "feasible_pairs": count,
            "run_total": sum(run_pairs.values()),
            "run_pairs_not_feasible_or_other_score": bad,
            "run_over_capacity_or_places": over,
            "greedy_total": sum(points for _n, _v, points in greedy),
            "greedy_suggestions": len(greedy),
            "greedy_needs_served": len({n for n, _v, _p in greedy}),
            "run_needs_served": len({need_id for need_id, _v in run_pairs}),
        }
        if count <= max_pairs:
            begin = time.perf_counter()
            total, chosen = optimum_over_all_pairs(pairs, places, cap)
            info["exhaustive_total"] = total
            info["exhaustive_suggestions"] = len(chosen)
            info["exhaustive_needs_served"] = len({n for n, _v in chosen})
            info["exhaustive_s"] = round(time.perf_counter() - begin, 1)
            info["exhaustive_maxrss_mb"] = round(_maxrss_mb())
        else:
            info["exhaustive_total"] = None
            info["exhaustive_skipped"] = f"{count:,} pairs > --exhaustive-max-pairs {max_pairs:,}"
        if count <= engine_assign_max_pairs:  # the engine's own min-cost flow, on every pair
            everything = [
                engine.Candidate(needs[n].id, pool.volunteers[p].id, s, ())
                for n, (positions, scores) in enumerate(pairs)
                for p, s in zip(positions.tolist(), scores.tolist(), strict=True)
            ]
            chosen = engine.assign(
                everything,
                volunteer_capacity={v.id: c for v, c in zip(volunteers, cap, strict=True)},
                need_places={n.id: n.places for n in needs},
            )
            info["engine_assign_total"] = sum(c.score for c in chosen)
        if len(needs) * len(volunteers) <= by_pair_max:
            # The definition, pair by pair (passes_hard_rules and score), without numpy.
            takers = [replace(v, capacity=c) for v, c in zip(volunteers, cap, strict=True)]
            listed = engine.candidates_exhaustive(takers, needs, top_k=len(takers))
            listed = [c for c in listed if c.score > 0]
            by_pool = {
                (needs[n].id, pool.volunteers[p].id, s)
                for n, (positions, scores) in enumerate(pairs)
                for p, s in zip(positions.tolist(), scores.tolist(), strict=True)
            }
            info["pair_by_pair_same_pairs"] = by_pool == {
                (c.need_id, c.volunteer_id, c.score) for c in listed
            }
            chosen = engine.assign(
                listed,
                volunteer_capacity={v.id: v.capacity for v in takers},
                need_places={n.id: n.places for n in needs},
            )
            info["pair_by_pair_assign_total"] = sum(c.score for c in chosen)
        result[name] = info
        return greedy

    by_id = sorted(range(len(request_needs)), key=lambda n: request_needs[n].id)
    pairs = feasible_pairs(pool, request_needs)
    greedy = step("requests", request_needs, pairs, capacity, run_requests, by_id)
    del pairs
    # Tips, from the capacity the run's requests left (the optimum's tips depend on which of
    # several equally good request assignments was chosen), and greedy's from greedy's.
    used = {}
    for (_need_id, position), _points in run_requests.items():
        used[volunteers[position].id] = used.get(volunteers[position].id, 0) + 1
    cap = tip_capacity(volunteers, used, waiting)
    by_id = sorted(range(len(opportunity_needs)), key=lambda n: opportunity_needs[n].id)
    pairs = feasible_pairs(pool, opportunity_needs, np.array(cap))
    step("tips", opportunity_needs, pairs, cap, run_tips, by_id)
    greedy_used = {}
    for _n, position, _points in greedy:
        greedy_used[volunteers[position].id] = greedy_used.get(volunteers[position].id, 0) + 1
    greedy_cap = tip_capacity(volunteers, greedy_used, waiting)
    pairs = feasible_pairs(pool, opportunity_needs, np.array(greedy_cap))
    greedy_tips = greedy_first_fit(pairs, [n.places for n in opportunity_needs], greedy_cap, by_id)
    del pairs
    requests, tips = result["requests"], result["tips"]
    exhaustive = (
        None
        if requests["exhaustive_total"] is None or tips["exhaustive_total"] is None
        else requests["exhaustive_total"] + tips["exhaustive_total"]
    )
    result["greedy"] = {
        "total_score": requests["greedy_total"] + sum(p for _n, _v, p in greedy_tips),
        "suggestions": requests["greedy_suggestions"] + len(greedy_tips),
        "needs_served": requests["greedy_needs_served"] + len({n for n, _v, _p in greedy_tips}),
    }
    result["exhaustive_total"] = exhaustive
    result["run_equals_exhaustive"] = None if exhaustive is None else exhaustive == run.total_score
    result["check_s"] = round(time.perf_counter() - started, 1)
    result["check_maxrss_mb"] = round(_maxrss_mb())
    return result


# --- Children (Django set up, one job each) --------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpact.settings")
    import django

    django.setup()


def _rss_now_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Phases:
    """Times the run's steps by wrapping the functions match_run_execute calls (one extra
    Python call each; the run's code is not changed; a step the run does not have is left
    out), with the queries of each and the process's peak RSS when it ends. `write` is
    bulk_create of the suggestions, including building them; `finish` is what follows (saving
    the run, the commit)."""

    STEPS = [
        ("matching.suggestions", "opportunity_suggestions_settle", ["settle tips"]),
        ("matching.runs", "_volunteers", ["read volunteers"]),
        ("matching.runs", "_request_needs", ["read help requests"]),
        ("matching.runs", "_opportunity_needs", ["read opportunities"]),
        ("matching.runs", "_with_a_waiting_tip", ["read waiting tips"]),
        # plan() calls optimise twice: the requests, then the tips.
        ("matching.engine", "optimise", ["optimise requests", "optimise tips"]),
        ("matching.runs", "_reasons", ["reasons in words"]),
        ("matching.suggestions", "suggestions_announce", ["tell coordinators"]),
    ]

    def __init__(self, capture=None):
        self.capture = capture
        self.records, self.patches = [], []
        self.started = time.perf_counter()

    def _wrap(self, names, function):
        calls = []

        def wrapper(*args, **kwargs):
            queries = len(self.capture.captured_queries) if self.capture else 0
            name = names[min(len(calls), len(names) - 1)]
            calls.append(name)
            begin = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                end = time.perf_counter()
                record = {
                    "phase": name,
                    "start_s": round(begin - self.started, 3),
                    "seconds": round(end - begin, 3),
                    "maxrss_mb": round(_maxrss_mb()),
                }
                if self.capture:
                    record["queries"] = len(self.capture.captured_queries) - queries
                self.records.append(record)

        return wrapper

    def __enter__(self):
        import importlib

        from matching.models import MatchSuggestion

        for module_name, attribute, names in self.STEPS:
            module = importlib.import_module(module_name)
            original = getattr(module, attribute, None)
            if original is None:
                continue
            self.patches.append((module, attribute, original))
            setattr(module, attribute, self._wrap(names, original))
        manager = MatchSuggestion.objects
        self.patches.append((manager, "bulk_create", None))
        manager.bulk_create = self._wrap(["write"], manager.bulk_create)
        return self

    def __exit__(self, *exc):
        for target, attribute, original in reversed(self.patches):
            if original is None:
                delattr(target, attribute)
            else:
                setattr(target, attribute, original)

    def summary(self, total: float, total_queries: int | None = None) -> list[dict]:
        records = sorted(self.records, key=lambda r: r["start_s"])
        first = records[0]["start_s"] if records else total
        result = [{"phase": "start (lock)", "start_s": 0.0, "seconds": round(first, 3)}]
        # Steps between the wrapped ones (here: only around the write) are not listed.
        result += records
        last = max(records, key=lambda r: r["start_s"] + r["seconds"]) if records else None
        if last:
            end = last["start_s"] + last["seconds"]
            result.append(
                {"phase": "finish", "start_s": round(end, 3), "seconds": round(total - end, 3)}
            )
        if total_queries is not None:
            counted = sum(r.get("queries", 0) for r in records)
            result.append({"phase": "(other queries)", "queries": total_queries - counted})
        return result


def _in_play_counts() -> dict:
    from django.db.models import Count

    from matching.models import MatchSuggestion

    in_play = MatchSuggestion.objects.filter(status__in=MatchSuggestion.ACTIVE)
    tips = (
        MatchSuggestion.objects.filter(
            opportunity__isnull=False, status=MatchSuggestion.Status.PROPOSED
        )
        .values("volunteer_id")
        .annotate(count=Count("id"))
        .order_by("-count")
    )
    return {
        "requests_with_a_suggestion": in_play.filter(help_request__isnull=False)
        .values("help_request_id")
        .distinct()
        .count(),
        "tips_waiting": sum(row["count"] for row in tips),
        "most_tips_waiting_for_one_volunteer": tips[0]["count"] if tips else 0,
    }


def child_measure(out: Path, scenario: str) -> None:
    """One run, and nothing else, in this fresh process."""
    _django()
    import gc

    from django.db import connection
    from django.db.models import Count, Q, Sum
    from django.test.utils import CaptureQueriesContext

    from matching import runs
    from matching.models import MatchRun, MatchSuggestion

    if scenario == "first" and (MatchSuggestion.objects.exists() or MatchRun.objects.exists()):
        raise SystemExit("a first run needs a database without MatchSuggestion or MatchRun rows")
    before = _in_play_counts()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    gc.collect()
    rss_before, maxrss_before = _rss_now_mb(), _maxrss_mb()
    pg_before = foundation.cpu_by_pid([backend])
    machine_before = foundation.machine_busy()
    cpu_before = time.process_time()
    with CaptureQueriesContext(connection) as capture:
        with Phases(capture=capture) as phases:
            started = time.perf_counter()
            phases.started = started
            run = runs.match_run_execute()
            wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    machine_after = foundation.machine_busy()
    pg_cpu = foundation.cpu_delta(pg_before, foundation.cpu_by_pid([backend]))
    maxrss_after, rss_after = _maxrss_mb(), _rss_now_mb()
    queries = capture.captured_queries
    # CPU that other processes used during the run, as a share of the machine.
    others = (machine_after[0] - machine_before[0]) - cpu - pg_cpu
    machine_total = machine_after[1] - machine_before[1]
    made = MatchSuggestion.objects.filter(run=run)
    served = made.aggregate(
        requests=Count("help_request", distinct=True),
        opportunities=Count("opportunity", distinct=True),
    )
    score = made.aggregate(
        requests=Sum("score", filter=Q(help_request__isnull=False)),
        tips=Sum("score", filter=Q(opportunity__isnull=False)),
    )
    result = {
        "scenario": scenario,
        "run_id": run.pk,
        "run_status": run.status,
        "wall_s": round(wall, 3),
        "python_cpu_s": round(cpu, 3),
        "postgres_cpu_s": round(pg_cpu, 3),
        "others_cpu_share": round(max(0.0, others) / max(machine_total, 1e-9), 3),
        "sql_s": round(sum(float(q["time"]) for q in queries), 3),
        "queries": len(queries),
        "query_list": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:160]} for q in queries
        ],
        "maxrss_before_mb": round(maxrss_before, 1),
        "maxrss_after_mb": round(maxrss_after, 1),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(rss_after, 1),
        "suggestions": run.suggestions,
        "request_suggestions": made.filter(help_request__isnull=False).count(),
        "tip_suggestions": made.filter(opportunity__isnull=False).count(),
        "requests_score": score["requests"] or 0,
        "tips_score": score["tips"] or 0,
        "total_score": run.total_score,
        "bound": run.bound,
        "bound_equals_total": run.bound == run.total_score,
        "pricing_rounds": run.pricing_rounds,
        "pairs_priced": run.pairs_priced,
        "pairs_added": run.pairs_added,
        "requests_served": served["requests"],
        "opportunities_served": served["opportunities"],
        "needs_served": served["requests"] + served["opportunities"],
        "in_play_before": before,
        "in_play_after": _in_play_counts(),
        "phases": phases.summary(wall, len(queries)),
    }
    out.write_text(json.dumps(result, indent=2))


def child_profile(out: Path, scenario: str, top: int) -> None:
    """One run under cProfile; the top entries by own time and by cumulative time."""
    _django()
    import cProfile
    import io
    import pstats

    from matching import runs

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    run = runs.match_run_execute()
    profiler.disable()
    wall = time.perf_counter() - started
    profiler.dump_stats(str(out.with_suffix(".prof")))
    text = {}
    for key in ("tottime", "cumulative"):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(key).print_stats(top)
        text[key] = stream.getvalue()
    out.write_text(
        json.dumps(
            {
                "scenario": scenario,
                "wall_s_under_profile": round(wall, 3),
                "maxrss_mb": round(_maxrss_mb()),
                "suggestions": run.suggestions,
                "file": str(out.with_suffix(".prof")),
                **text,
            },
            indent=2,
        )
    )


def child_check(out: Path, run_id: int, args) -> None:
    _django()
    result = check_run(
        run_id,
        max_pairs=args.exhaustive_max_pairs,
        engine_assign_max_pairs=args.engine_assign_max_pairs,
        by_pair_max=args.pair_by_pair_max,
    )
    out.write_text(json.dumps(result, indent=2))


# --- Orchestration (no Django here) -----------------------------------------------------------


def table_counts(pg: str, db: str) -> dict | None:
    queries = {
        "volunteer_profiles": "SELECT count(*) FROM volunteers_volunteerprofile",
        "open_requests": "SELECT count(*) FROM matching_helprequest "
        "WHERE status = 'open' AND participant_id IS NOT NULL",
        "published_opportunities": "SELECT count(*) FROM initiatives_opportunity o "
        "JOIN initiatives_organisation g ON g.id = o.organisation_id "
        "WHERE o.status = 'published' AND g.approved_at IS NOT NULL "
        "AND (o.ends_on IS NULL OR o.ends_on >= current_date)",
    }
    try:
        with psycopg.connect(f"{pg}/{db}", connect_timeout=5) as conn:
            return {name: conn.execute(sql).fetchone()[0] for name, sql in queries.items()}
    except psycopg.Error:
        return None


def counts_ok(counts: dict | None, scale: Fraction) -> bool:
    sizes = sizes_for(1 / scale)
    return bool(
        counts
        and counts["volunteer_profiles"] == sizes["volunteers"]
        and counts["open_requests"] == sizes["requests"]
        and counts["published_opportunities"] == sizes["opportunities"]
    )


def reset_runs(pg: str, db: str) -> int:
    """No MatchSuggestion and no MatchRun rows (a database an older version of this script ran
    on directly)."""
    with psycopg.connect(f"{pg}/{db}", autocommit=True) as conn:
        deleted = conn.execute("DELETE FROM matching_matchsuggestion").rowcount
        deleted += conn.execute("DELETE FROM matching_matchrun").rowcount
        if deleted:
            conn.execute("VACUUM (ANALYZE) matching_matchsuggestion, matching_matchrun")
    return deleted


def copy_database(pg: str, template: str, db: str) -> float:
    """A fresh copy of the seeded database (CREATE DATABASE ... TEMPLATE: the same rows,
    statistics and visibility map). Returns the seconds it took."""
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        started = time.perf_counter()
        conn.execute(f'CREATE DATABASE "{db}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return time.perf_counter() - started


def drop_database(pg: str, db: str) -> None:
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def postgres_version(pg: str) -> str:
    with psycopg.connect(f"{pg}/postgres", connect_timeout=5) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def versions() -> dict:
    code = (
        "import django, numpy, psycopg; from importlib.metadata import version; "
        "print(django.__version__, numpy.__version__, psycopg.__version__, version('ortools'))"
    )
    out = subprocess.run([str(PYTHON), "-c", code], capture_output=True, text=True, check=True)
    django_v, numpy_v, psycopg_v, ortools_v = out.stdout.split()
    return {"django": django_v, "numpy": numpy_v, "psycopg": psycopg_v, "ortools": ortools_v}


def git_state() -> dict:
    """The code measured: the commit, and whether matching/ differs from it."""

    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "subject": git("log", "-1", "--format=%s"),
        "uncommitted_in_matching": git("status", "--porcelain", "--", "matching").splitlines(),
    }


def run_child(env: dict, job: str, out: Path, *extra: str) -> dict:
    subprocess.run(
        [str(PYTHON), str(Path(__file__).resolve()), "--child", job, "--out", str(out), *extra],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(out.read_text())


def prepare(args, env: dict, scale: Fraction) -> dict:
    db = db_name(scale, args.db_prefix)
    info = {"name": db}
    counts = table_counts(args.pg, db) if args.reuse else None
    if counts_ok(counts, scale):
        log(f"reusing {db}: {counts}")
        info["reused"] = True
        info["migrate_s"] = round(foundation.manage(env, *MIGRATE), 1)
        info["reset_rows"] = reset_runs(args.pg, db)
    else:
        log(f"recreating database {db}")
        foundation.recreate_database(args.pg, db)
        info["migrate_s"] = round(foundation.manage(env, *MIGRATE), 1)
        log(f"  migrate: {info['migrate_s']} s")
        started = time.perf_counter()
        info["seeded"] = run_child(
            env,
            "seed",
            args.out_dir / "matching-seed.json",
            *("--seed", str(args.seed), "--divisor", str(1 / scale)),
        )
        info["seed_s"] = round(time.perf_counter() - started, 1)
        log(f"  seeding: {info['seed_s']} s {info['seeded']}")
        counts = table_counts(args.pg, db)
        if not counts_ok(counts, scale):
            sys.exit(f"seeded {counts}, not {sizes_for(1 / scale)}")
        info["reused"] = False
    started = time.perf_counter()
    foundation.vacuum_analyze(args.pg, db)
    info["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    info["counts"] = table_counts(args.pg, db)
    return info


def run_sequence(args, base_env: dict, scale: Fraction, *, check: bool, profile: bool) -> dict:
    """first, second, after change on a fresh copy of the seeded database; each run in its
    own process (under cProfile with profile=True); the copy is dropped afterwards."""
    base = db_name(scale, args.db_prefix)
    work = f"{base}_work"
    env = {**base_env, "DATABASE_URL": f"{args.pg}/{work}"}
    out = args.out_dir / "matching-child.json"
    label = scale_label(scale)
    sequence = {"copy_s": round(copy_database(args.pg, base, work), 1), "runs": {}}
    try:
        for scenario in SCENARIOS:
            if scenario == "after change":
                sequence["change"] = run_child(env, "change", out, "--seed", str(args.seed))
                log(f"  changed: {sequence['change']}")
            # Fresh statistics before every run (autovacuum's job in production).
            foundation.vacuum_analyze(args.pg, work)
            busy = foundation.wait_quiet(args.quiet_wait) if args.quiet_wait else None
            load = os.getloadavg()[0]
            if profile:
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                name = scenario.replace(" ", "-")
                target = (
                    args.out_dir / f"matching-profile-{db_name(scale, 'x')}-{name}-{stamp}.json"
                )
                log(f"scale {label}: {scenario} run under cProfile")
                run = run_child(
                    env, "profile", target, "--scenario", scenario, "--top", str(args.top)
                )
                log(f"  {run['wall_s_under_profile']:.1f} s under cProfile")
            else:
                log(f"scale {label}: {scenario} run")
                run = run_child(env, "measure", out, "--scenario", scenario)
                log(
                    f"  {run['wall_s']:.2f} s, peak RSS {run['maxrss_after_mb']:.0f} MB, "
                    f"{run['queries']} queries, {run['suggestions']} suggestions, total "
                    f"{run['total_score']:,} (bound {run['bound']:,}), {run['pricing_rounds']} "
                    f"rounds, {run['pairs_priced']:,} priced, {run['pairs_added']:,} added; "
                    f"others used {run['others_cpu_share']:.0%} of the machine"
                )
            run["machine_busy_before"] = None if busy is None else round(busy, 2)
            run["load_1min_before"] = round(load, 2)
            if check and not profile:
                log(f"scale {label}: {scenario}: independent solve of the run's input")
                run["check"] = run_child(
                    env,
                    "check",
                    out,
                    *("--run-id", str(run["run_id"])),
                    *("--exhaustive-max-pairs", str(args.exhaustive_max_pairs)),
                    *("--engine-assign-max-pairs", str(args.engine_assign_max_pairs)),
                    *("--pair-by-pair-max", str(args.pair_by_pair_max)),
                )
                c = run["check"]
                exhaustive = c["exhaustive_total"]
                log(
                    f"  run {c['run']['total_score']:,}, over every feasible pair "
                    f"{'-' if exhaustive is None else f'{exhaustive:,}'}, greedy "
                    f"{c['greedy']['total_score']:,} ({c['check_s']} s, {c['check_maxrss_mb']} MB)"
                )
            sequence["runs"][scenario] = run
    finally:
        out.unlink(missing_ok=True)
        drop_database(args.pg, work)
    return sequence


def summarise(sequences: list[dict]) -> dict:
    summary = {}
    for scenario in SCENARIOS:
        runs_ = [s["runs"][scenario] for s in sequences]
        walls = [r["wall_s"] for r in runs_]
        rss = [r["maxrss_after_mb"] for r in runs_]
        median_run = sorted(runs_, key=lambda r: r["wall_s"])[len(runs_) // 2]
        summary[scenario] = {
            "runs": len(runs_),
            "wall_s_median": round(statistics.median(walls), 2),
            "wall_s": walls,
            "peak_rss_mb_median": round(statistics.median(rss)),
            "peak_rss_mb": rss,
            "rss_before_run_mb": max(r["maxrss_before_mb"] for r in runs_),
            "queries": sorted({r["queries"] for r in runs_}),
            "python_cpu_s": round(statistics.median(r["python_cpu_s"] for r in runs_), 2),
            "postgres_cpu_s": round(statistics.median(r["postgres_cpu_s"] for r in runs_), 2),
            "others_cpu_share_max": max(r["others_cpu_share"] for r in runs_),
            "phases": median_run["phases"],
            **{
                key: median_run[key]
                for key in (
                    "suggestions",
                    "request_suggestions",
                    "tip_suggestions",
                    "total_score",
                    "bound",
                    "needs_served",
                    "requests_served",
                    "opportunities_served",
                    "pricing_rounds",
                    "pairs_priced",
                    "pairs_added",
                    "in_play_after",
                )
            },
            "bound_equals_total_every_run": all(r["bound_equals_total"] for r in runs_),
            "same_outcome_every_run": len({(r["suggestions"], r["total_score"]) for r in runs_})
            == 1,
        }
    return summary


def measure_size(args, base_env: dict, scale: Fraction) -> dict:
    db = db_name(scale, args.db_prefix)
    env = {**base_env, "DATABASE_URL": f"{args.pg}/{db}"}
    result = {"scale": scale_label(scale), "sizes": sizes_for(1 / scale)}
    result["database"] = prepare(args, env, scale)
    kept, discarded = [], []
    attempts = args.repeat + args.extra_sequences
    for number in range(attempts):
        if len(kept) >= args.repeat:
            break
        log(f"scale {scale_label(scale)}: sequence {number + 1} ({len(kept)} kept so far)")
        sequence = run_sequence(
            args, base_env, scale, check=args.check and number == 0, profile=False
        )
        busiest = max(r["others_cpu_share"] for r in sequence["runs"].values())
        sequence["others_cpu_share_max"] = busiest
        # A sequence in which other processes took more than --max-busy of the machine during
        # a run is kept aside (reported, not in the medians) while there are attempts left.
        if busiest > args.max_busy and attempts - number - 1 >= args.repeat - len(kept):
            log(f"  others used {busiest:.0%} of the machine during a run: sequence set aside")
            discarded.append(sequence)
        else:
            kept.append(sequence)
    result["sequences"] = kept
    result["sequences_set_aside"] = discarded
    result["checks"] = {
        scenario: run["check"]
        for sequence in kept + discarded
        for scenario, run in sequence["runs"].items()
        if "check" in run
    }
    result["summary"] = summarise(kept)
    missed = scale == 1 and any(
        s["wall_s_median"] > TARGET_SECONDS or s["peak_rss_mb_median"] > TARGET_RSS_MB
        for s in result["summary"].values()
    )
    result["targets_missed"] = missed
    if args.profile == "always" or (args.profile == "auto" and missed):
        profiled = run_sequence(args, base_env, scale, check=False, profile=True)
        result["profile"] = profiled["runs"]
        result["profile_change"] = profiled.get("change")
    return result


def print_tables(result: dict) -> None:
    m = result["machine"]
    print(
        f"\n{result['date']}  {m['cpus']} cores ({m['cpu_model']}), Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}, Django {m['django']}, numpy {m['numpy']}, "
        f"OR-Tools {m['ortools']}; medians of up to {result['config']['repeat']} sequences"
    )
    header = (
        f"{'scale':>5} {'run':<12} {'wall s':>7} {'RSS MB':>6} {'queries':>7} {'added':>6} "
        f"{'total':>10} {'served':>6} {'rounds':>6} {'priced':>11} {'added pr':>8} "
        f"{'b=t':>3} {'others':>6}"
    )
    print(header)
    print("-" * len(header))
    for size in result["sizes"]:
        for scenario, s in size["summary"].items():
            print(
                f"{size['scale']:>5} {scenario:<12} {s['wall_s_median']:>7.2f} "
                f"{s['peak_rss_mb_median']:>6} {'/'.join(map(str, s['queries'])):>7} "
                f"{s['suggestions']:>6,} {s['total_score']:>10,} {s['needs_served']:>6,} "
                f"{s['pricing_rounds']:>6} {s['pairs_priced']:>11,} {s['pairs_added']:>8,} "
                f"{'yes' if s['bound_equals_total_every_run'] else 'NO':>3} "
                f"{s['others_cpu_share_max']:>6.0%}"
            )
    print("\nThe run against an independent solve over every feasible pair, and greedy first fit:")

    def number(value):
        return "-" if value is None else f"{value:,}"

    for size in result["sizes"]:
        for scenario, c in size["checks"].items():
            r, t = c["requests"], c["tips"]
            print(
                f"  {size['scale']:>5} {scenario:<12} run {c['run']['total_score']:>10,}  "
                f"exhaustive {number(c['exhaustive_total']):>10}  (requests "
                f"{r['run_total']:,} / {number(r['exhaustive_total'])}, tips {t['run_total']:,} / "
                f"{number(t['exhaustive_total'])}; pairs {r['feasible_pairs']:,} + "
                f"{t['feasible_pairs']:,}; engine.assign {number(r.get('engine_assign_total'))} / "
                f"{number(t.get('engine_assign_total'))}; pair by pair "
                f"{number(r.get('pair_by_pair_assign_total'))} / "
                f"{number(t.get('pair_by_pair_assign_total'))})  greedy "
                f"{c['greedy']['total_score']:,} over {c['greedy']['needs_served']:,} needs"
            )
    print("\nPhases of the median run (seconds / queries / peak RSS MB at its end):")
    for size in result["sizes"]:
        for scenario, s in size["summary"].items():
            parts = [
                f"{p['phase']} {p['seconds']:.2f}"
                + (f"/{p['queries']}" if p.get("queries") is not None else "")
                + (f"/{p['maxrss_mb']}" if p.get("maxrss_mb") is not None else "")
                for p in s["phases"]
                if "seconds" in p
            ]
            print(f"  {size['scale']:>5} {scenario}: " + ", ".join(parts))
    for size in result["sizes"]:
        for scenario, profile in size.get("profile", {}).items():
            print(f"\ncProfile at scale {size['scale']}, {scenario} run ({profile['file']}):")
            print(profile["tottime"])
            print(profile["cumulative"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        nargs="+",
        type=parse_scale,
        default=[Fraction(1, 16), Fraction(1, 4), Fraction(1), Fraction(2)],
        help="sizes, as 1/N or N times 20,000/5,000/2,000 (default: 1/16 1/4 1 2)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep databases of the right size")
    parser.add_argument("--repeat", type=int, default=3, help="sequences per size (medians)")
    parser.add_argument(
        "--extra-sequences",
        type=int,
        default=2,
        help="more sequences allowed to replace ones that other processes disturbed",
    )
    parser.add_argument(
        "--max-busy",
        type=float,
        default=0.25,
        help="set a sequence aside if other processes used more of the machine during a run",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--db-prefix",
        default=DB_PREFIX,
        help=f"databases: PREFIX at scale 1, PREFIX_1_N at 1/N, PREFIX_xN at N ({DB_PREFIX})",
    )
    parser.add_argument(
        "--no-check", dest="check", action="store_false", help="skip the independent solves"
    )
    parser.add_argument(
        "--exhaustive-max-pairs",
        type=int,
        default=40_000_000,
        help="solve over every feasible pair only up to this many pairs per step (memory)",
    )
    parser.add_argument(
        "--engine-assign-max-pairs",
        type=int,
        default=2_000_000,
        help="also give every feasible pair to engine.assign up to this many pairs per step",
    )
    parser.add_argument(
        "--pair-by-pair-max",
        type=int,
        default=500_000,
        help="also check pair by pair (candidates_exhaustive) up to needs x volunteers",
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="always",
        default="auto",
        choices=["auto", "always", "never"],
        help="one more sequence under cProfile (auto: when scale 1 misses 30 s or 300 MB)",
    )
    parser.add_argument("--top", type=int, default=30, help="profile entries to show")
    parser.add_argument(
        "--quiet-wait", type=float, default=60, help="max wait for a quiet machine before a run"
    )
    parser.add_argument("--out-dir", type=Path, default=BENCH / "results")
    parser.add_argument("--tag", default="", help="suffix of the results file")
    parser.add_argument(
        "--child",
        choices=["seed", "measure", "change", "check", "profile"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--divisor", type=Fraction, default=Fraction(1), help=argparse.SUPPRESS)
    parser.add_argument("--scenario", choices=SCENARIOS, help=argparse.SUPPRESS)
    parser.add_argument("--run-id", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child == "seed":
            _django()
            args.out.write_text(json.dumps(seed_database(args.divisor, args.seed)))
        elif args.child == "measure":
            child_measure(args.out, args.scenario)
        elif args.child == "change":
            _django()
            args.out.write_text(json.dumps(change_needs(args.seed)))
        elif args.child == "check":
            child_check(args.out, args.run_id, args)
        else:
            child_profile(args.out, args.scenario, args.top)
        return

    scales = sorted(set(args.scale))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mpact.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            **foundation.machine_info(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "postgresql": postgres_version(args.pg),
            "load_average_at_start": os.getloadavg(),
            **versions(),
        },
        "config": {
            k: (str(v) if isinstance(v, Path | Fraction) else v)
            for k, v in vars(args).items()
            if k not in ("child", "out", "divisor", "scenario", "run_id")
        },
        "targets": {"wall_s": TARGET_SECONDS, "peak_rss_mb": TARGET_RSS_MB},
        "code": git_state(),
        "sizes": [],
    }
    result["config"]["scale"] = [str(scale) for scale in scales]
    for scale in scales:
        result["sizes"].append(measure_size(args, env, scale))
    result["machine"]["load_average_at_end"] = os.getloadavg()

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"matching{'-' + args.tag if args.tag else ''}"
    for target in (args.out_dir / f"{name}.json", args.out_dir / f"{name}-{stamp}.json"):
        target.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_tables(result)
    log(f"results: {args.out_dir / (name + '.json')} (and {name}-{stamp}.json)")


if __name__ == "__main__":
    main()
