"""Matching benchmark: one full matching run (matching.runs.match_run_execute) on PostgreSQL.

Sizes (volunteers / open help requests / published opportunities): 20,000 / 5,000 / 2,000 at
scale 1, and 1/4 and 1/16 of that (5,000 / 1,250 / 500 and 1,250 / 313 / 125). Each size has
its own database, mpact_bench_matching (scale 1) and mpact_bench_matching_1_N (scale 1/N),
created fresh, migrated, seeded with bulk_create (an Enschede-like city plus a town 20 km
away, a Zipf-like tail of languages) and VACUUM ANALYZEd.

For each size, with no MatchSuggestion and no MatchRun rows before every run:

1. a child process builds the engine's input exactly as the run does, and compares the
   global optimum (engine.assign) with a greedy first-fit baseline (greedy_first_fit below) on
   the same candidates;
2. --repeat children each do one run and nothing else: wall time, CPU time (Python, and the
   PostgreSQL backend), peak RSS (ru_maxrss before and after), SQL queries
   (CaptureQueriesContext), candidates, suggestions, total score, needs served, and the time
   and queries of each phase (read volunteers, read needs, candidates, assign, write);
3. one more child does the run under tracemalloc, for the Python heap's peak per phase.

With --profile (or when scale 1 misses the 60 s target, --profile auto) a last run is
profiled with cProfile. Results: bench/results/matching.json (and a dated copy), tables on
stdout. See bench/README.md. Run through bench/run_matching.sh, or:

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
from datetime import UTC, datetime, timedelta
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
TARGET_SECONDS = 60
# The run serves no pages, so no static files are collected: migrate without the system checks
# (with DEBUG off they stop any command when the static files are missing).
MIGRATE = ("migrate", "--no-input", "-v0", "--skip-checks")
TARGET_RSS_MB = 1024
log = foundation.log


def divisor_of(scale: str) -> int:
    """'1', '1/4', '1/16' -> 1, 4, 16."""
    text = scale.strip()
    if text.startswith("1/"):
        text = text[2:]
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a scale: {scale}")
    return value


def sizes_for(divisor: int) -> dict:
    return {name: int(count / divisor + 0.5) for name, count in FULL.items()}


def db_name(divisor: int, prefix: str = DB_PREFIX) -> str:
    return prefix if divisor == 1 else f"{prefix}_1_{divisor}"


def scale_label(divisor: int) -> str:
    return "1" if divisor == 1 else f"1/{divisor}"


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


def seed_database(divisor: int, seed: int) -> dict:
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


# --- The greedy baseline ---------------------------------------------------------------------


def greedy_first_fit(
    candidate_list, *, volunteer_capacity: dict, need_places: dict, order=None
) -> list:
    """A first-fit baseline to compare engine.assign with: needs in order of id (or in the
    given order of need ids), each takes its best-scoring candidates whose volunteer still has
    capacity, up to its places. Candidates with score 0 are left out, as assign() does."""
    by_need = {}
    for candidate in candidate_list:
        if candidate.score > 0:
            by_need.setdefault(candidate.need_id, []).append(candidate)
    left = dict(volunteer_capacity)
    chosen = []
    for need_id in order if order is not None else sorted(by_need):
        places = need_places.get(need_id, 1)
        for candidate in sorted(by_need.get(need_id, ()), key=lambda c: (-c.score, c.volunteer_id)):
            if places <= 0:
                break
            if left.get(candidate.volunteer_id, 1) > 0:
                chosen.append(candidate)
                left[candidate.volunteer_id] = left.get(candidate.volunteer_id, 1) - 1
                places -= 1
    return chosen


def outcome(chosen) -> dict:
    needs = {c.need_id for c in chosen}
    return {
        "suggestions": len(chosen),
        "total_score": sum(c.score for c in chosen),
        "needs_served": len(needs),
        "requests_served": sum(1 for kind, _pk in needs if kind == "request"),
        "opportunities_served": sum(1 for kind, _pk in needs if kind == "opportunity"),
        "volunteers_used": len({c.volunteer_id for c in chosen}),
    }


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
    out). `write` is bulk_create of the suggestions, including building them; `finish` is
    what follows (run.save, commit)."""

    STEPS = [
        ("matching.runs", "_volunteers", "read volunteers"),
        ("matching.runs", "_request_needs", "read help requests"),
        ("matching.runs", "_opportunity_needs", "read opportunities"),
        ("matching.engine", "candidates", "candidates"),
        ("matching.engine", "assign", "assign"),
        ("matching.runs", "_reasons", "reasons in words"),  # where the run has this step
    ]

    def __init__(self, capture=None, tracemalloc=None):
        self.capture, self.tracemalloc = capture, tracemalloc
        self.records, self.patches = [], []
        self.started = time.perf_counter()

    def _wrap(self, name, function):
        def wrapper(*args, **kwargs):
            queries = len(self.capture.captured_queries) if self.capture else 0
            if self.tracemalloc:
                self.tracemalloc.reset_peak()
            begin = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                end = time.perf_counter()
                record = {
                    "phase": name,
                    "start_s": round(begin - self.started, 3),
                    "seconds": round(end - begin, 3),
                }
                if self.capture:
                    record["queries"] = len(self.capture.captured_queries) - queries
                if self.tracemalloc:
                    record["tracemalloc_peak_mb"] = round(
                        self.tracemalloc.get_traced_memory()[1] / 2**20, 1
                    )
                self.records.append(record)

        return wrapper

    def __enter__(self):
        import importlib

        from matching.models import MatchSuggestion

        for module_name, attribute, name in self.STEPS:
            module = importlib.import_module(module_name)
            original = getattr(module, attribute, None)
            if original is None:
                continue
            self.patches.append((module, attribute, original))
            setattr(module, attribute, self._wrap(name, original))
        manager = MatchSuggestion.objects
        self.patches.append((manager, "bulk_create", None))
        manager.bulk_create = self._wrap("write", manager.bulk_create)
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
        result = [{"phase": "start (lock, settle)", "start_s": 0.0, "seconds": round(first, 3)}]
        result += records
        last = records[-1] if records else None
        if last:
            end = last["start_s"] + last["seconds"]
            result.append(
                {"phase": "finish", "start_s": round(end, 3), "seconds": round(total - end, 3)}
            )
        if total_queries is not None:
            counted = sum(r.get("queries", 0) for r in records)
            result[0]["queries"] = None  # start and finish share the rest
            result[-1]["queries"] = None
            result.append({"phase": "(start + finish queries)", "queries": total_queries - counted})
        return result


def _assert_clean():
    from matching.models import MatchRun, MatchSuggestion

    if MatchSuggestion.objects.exists() or MatchRun.objects.exists():
        raise SystemExit("the bench database has MatchSuggestion or MatchRun rows: reset it first")


def child_measure(out: Path) -> None:
    """One run, and nothing else, in this fresh process."""
    _django()
    import gc

    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from matching import runs
    from matching.models import MatchSuggestion

    _assert_clean()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    gc.collect()
    rss_before, maxrss_before = _rss_now_mb(), _maxrss_mb()
    pg_before = foundation.cpu_by_pid([backend])
    cpu_before = time.process_time()
    phases = None
    with CaptureQueriesContext(connection) as capture:
        phases = Phases(capture=capture)
        with phases:
            started = time.perf_counter()
            phases.started = started
            run = runs.match_run_execute()
            wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    pg_cpu = foundation.cpu_delta(pg_before, foundation.cpu_by_pid([backend]))
    maxrss_after, rss_after = _maxrss_mb(), _rss_now_mb()
    queries = capture.captured_queries
    served = MatchSuggestion.objects.filter(run=run).aggregate(
        requests=Count("help_request", distinct=True),
        opportunities=Count("opportunity", distinct=True),
    )
    result = {
        "run_status": run.status,
        "wall_s": round(wall, 3),
        "python_cpu_s": round(cpu, 3),
        "postgres_cpu_s": round(pg_cpu, 3),
        "sql_s": round(sum(float(q["time"]) for q in queries), 3),
        "queries": len(queries),
        "query_list": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:160]} for q in queries
        ],
        "maxrss_before_mb": round(maxrss_before, 1),
        "maxrss_after_mb": round(maxrss_after, 1),
        "rss_before_mb": round(rss_before, 1),
        "rss_after_mb": round(rss_after, 1),
        "candidates": run.candidates,
        "suggestions": run.suggestions,
        "total_score": run.total_score,
        "requests_served": served["requests"],
        "opportunities_served": served["opportunities"],
        "needs_served": served["requests"] + served["opportunities"],
        "phases": phases.summary(wall, len(queries)),
    }
    out.write_text(json.dumps(result, indent=2))


def child_tracemalloc(out: Path) -> None:
    """The run under tracemalloc: the Python heap's peak, overall and per phase (slower, so
    kept out of the timed runs)."""
    _django()
    import tracemalloc

    from matching import runs

    _assert_clean()
    tracemalloc.start()
    with Phases(tracemalloc=tracemalloc) as phases:
        started = time.perf_counter()
        phases.started = started
        runs.match_run_execute()
        wall = time.perf_counter() - started
    current, _peak = tracemalloc.get_traced_memory()
    overall = max([r["tracemalloc_peak_mb"] for r in phases.records] + [current / 2**20])
    tracemalloc.stop()
    result = {
        "tracemalloc_peak_mb": round(overall, 1),
        "tracemalloc_wall_s": round(wall, 3),
        "phases": [
            {"phase": r["phase"], "tracemalloc_peak_mb": r["tracemalloc_peak_mb"]}
            for r in sorted(phases.records, key=lambda r: r["start_s"])
        ],
    }
    out.write_text(json.dumps(result, indent=2))


def child_compare(out: Path) -> None:
    """The engine's input, as match_run_execute builds it; the global optimum and the greedy
    baseline on the same candidates."""
    _django()
    from django.conf import settings
    from django.utils import timezone

    from matching import engine, runs

    _assert_clean()
    timings = {}

    def timed(name, function, *args, **kwargs):
        begin = time.perf_counter()
        value = function(*args, **kwargs)
        timings[name] = round(time.perf_counter() - begin, 3)
        return value

    now = timezone.now()
    volunteers = timed("read volunteers", runs._volunteers, timezone.localdate())
    requests = timed("read help requests", runs._request_needs, now)
    opportunities = timed("read opportunities", runs._opportunity_needs, now)
    needs = [need for need in requests + opportunities if need.places > 0]
    candidate_list = timed(
        "candidates", engine.candidates, volunteers, needs, top_k=settings.MATCH_TOP_K
    )
    capacity = {v.id: v.capacity for v in volunteers}
    places = {n.id: n.places for n in needs}
    optimum = timed(
        "assign", engine.assign, candidate_list, volunteer_capacity=capacity, need_places=places
    )
    greedy = timed(
        "greedy", greedy_first_fit, candidate_list, volunteer_capacity=capacity, need_places=places
    )
    # The same, oldest first across both kinds (waiting days, then id).
    by_age = [n.id for n in sorted(needs, key=lambda n: (-n.waiting_days, n.id))]
    greedy_by_age = greedy_first_fit(
        candidate_list, volunteer_capacity=capacity, need_places=places, order=by_age
    )
    with_candidates = {c.need_id for c in candidate_list if c.score > 0}
    result = {
        "top_k": settings.MATCH_TOP_K,
        "volunteers_available": len(volunteers),
        "volunteers_with_capacity": sum(1 for v in volunteers if v.capacity > 0),
        "volunteer_capacity": sum(max(0, v.capacity) for v in volunteers),
        "request_needs": sum(1 for n in needs if n.id[0] == runs.REQUEST),
        "opportunity_needs": sum(1 for n in needs if n.id[0] == runs.OPPORTUNITY),
        "opportunities_full": sum(1 for n in opportunities if n.places <= 0),
        "needs": len(needs),
        "places": sum(places.values()),
        "needs_with_candidates": len(with_candidates),
        "candidates": len(candidate_list),
        "optimum": outcome(optimum),
        "greedy": outcome(greedy),
        "greedy_oldest_first": outcome(greedy_by_age),
        "seconds": timings,
    }
    out.write_text(json.dumps(result, indent=2))


def child_profile(out: Path, top: int) -> None:
    """One run under cProfile; the top entries by own time and by cumulative time."""
    _django()
    import cProfile
    import io
    import pstats

    from matching import runs

    _assert_clean()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    runs.match_run_execute()
    profiler.disable()
    wall = time.perf_counter() - started
    profiler.dump_stats(str(out.with_suffix(".prof")))
    text = {}
    for key in ("tottime", "cumulative"):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(key).print_stats(top)
        text[key] = stream.getvalue()
    out.write_text(json.dumps({"wall_s_under_profile": round(wall, 3), **text}, indent=2))


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


def counts_ok(counts: dict | None, divisor: int) -> bool:
    sizes = sizes_for(divisor)
    return bool(
        counts
        and counts["volunteer_profiles"] == sizes["volunteers"]
        and counts["open_requests"] == sizes["requests"]
        and counts["published_opportunities"] == sizes["opportunities"]
    )


def reset_runs(pg: str, db: str) -> int:
    """No MatchSuggestion and no MatchRun rows: every measured run starts the same."""
    with psycopg.connect(f"{pg}/{db}", autocommit=True) as conn:
        deleted = conn.execute("DELETE FROM matching_matchsuggestion").rowcount
        conn.execute("DELETE FROM matching_matchrun")
        conn.execute("VACUUM (ANALYZE) matching_matchsuggestion, matching_matchrun")
    return deleted


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


def prepare(args, env: dict, divisor: int) -> dict:
    db = db_name(divisor, args.db_prefix)
    info = {"name": db}
    counts = table_counts(args.pg, db) if args.reuse else None
    if counts_ok(counts, divisor):
        log(f"reusing {db}: {counts}")
        info["reused"] = True
        info["migrate_s"] = round(foundation.manage(env, *MIGRATE), 1)
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
            *("--seed", str(args.seed), "--divisor", str(divisor)),
        )
        info["seed_s"] = round(time.perf_counter() - started, 1)
        log(f"  seeding: {info['seed_s']} s {info['seeded']}")
        counts = table_counts(args.pg, db)
        if not counts_ok(counts, divisor):
            sys.exit(f"seeded {counts}, not {sizes_for(divisor)}")
        info["reused"] = False
    started = time.perf_counter()
    foundation.vacuum_analyze(args.pg, db)
    info["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    info["counts"] = table_counts(args.pg, db)
    return info


def measure_size(args, base_env: dict, divisor: int) -> dict:
    db = db_name(divisor, args.db_prefix)
    env = {**base_env, "DATABASE_URL": f"{args.pg}/{db}"}
    result = {"scale": scale_label(divisor), "sizes": sizes_for(divisor)}
    result["database"] = prepare(args, env, divisor)
    out = args.out_dir / "matching-child.json"

    reset_runs(args.pg, db)
    log(f"scale {scale_label(divisor)}: engine input, optimum and greedy baseline")
    result["compare"] = run_child(env, "compare", out)

    runs_ = []
    for number in range(args.repeat):
        deleted = reset_runs(args.pg, db)
        busy = foundation.wait_quiet(args.quiet_wait) if args.quiet_wait else None
        log(f"scale {scale_label(divisor)}: run {number + 1}/{args.repeat} (reset {deleted} rows)")
        run = run_child(env, "measure", out)
        run["machine_busy_before"] = None if busy is None else round(busy, 2)
        log(
            f"  {run['wall_s']:.2f} s, peak RSS {run['maxrss_after_mb']:.0f} MB, "
            f"{run['queries']} queries, {run['suggestions']} suggestions, "
            f"total score {run['total_score']}"
        )
        runs_.append(run)
    result["runs"] = runs_
    walls = [r["wall_s"] for r in runs_]
    median_run = sorted(runs_, key=lambda r: r["wall_s"])[len(runs_) // 2]
    result["summary"] = {
        "wall_s_median": round(statistics.median(walls), 2),
        "wall_s_min": min(walls),
        "wall_s_max": max(walls),
        "peak_rss_mb": max(r["maxrss_after_mb"] for r in runs_),
        "rss_before_run_mb": max(r["maxrss_before_mb"] for r in runs_),
        "queries": sorted({r["queries"] for r in runs_}),
        "python_cpu_s": median_run["python_cpu_s"],
        "postgres_cpu_s": median_run["postgres_cpu_s"],
        "sql_s": median_run["sql_s"],
        "phases": median_run["phases"],
        **{
            key: median_run[key]
            for key in ("candidates", "suggestions", "total_score", "needs_served")
        },
        "same_outcome_every_run": len(
            {(r["candidates"], r["suggestions"], r["total_score"]) for r in runs_}
        )
        == 1,
        "optimum_matches_run": result["compare"]["optimum"]["total_score"]
        == median_run["total_score"],
    }
    if args.tracemalloc:
        reset_runs(args.pg, db)
        log(f"scale {scale_label(divisor)}: one run under tracemalloc")
        result["tracemalloc"] = run_child(env, "tracemalloc", out)
    missed = (
        result["summary"]["wall_s_median"] > TARGET_SECONDS
        or result["summary"]["peak_rss_mb"] > TARGET_RSS_MB
    )
    if args.profile == "always" or (args.profile == "auto" and divisor == 1 and missed):
        reset_runs(args.pg, db)
        log(f"scale {scale_label(divisor)}: one run under cProfile")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = args.out_dir / f"matching-profile-{divisor}-{stamp}.json"
        result["profile"] = run_child(env, "profile", target, "--top", str(args.top))
        result["profile"]["file"] = str(target.with_suffix(".prof").relative_to(ROOT))
    out.unlink(missing_ok=True)
    return result


def print_tables(result: dict) -> None:
    m = result["machine"]
    print(
        f"\n{result['date']}  {m['cpus']} cores ({m['cpu_model']}), Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}, Django {m['django']}, numpy {m['numpy']}, "
        f"OR-Tools {m['ortools']}; median of {result['config']['repeat']} runs"
    )
    header = (
        f"{'scale':>5} {'volunteers':>10} {'requests':>8} {'opps':>5} {'wall s':>7} "
        f"{'py CPU':>6} {'pg CPU':>6} {'RSS MB':>7} {'heap MB':>7} {'queries':>7} "
        f"{'cands':>7} {'sugg':>6} {'score':>9} {'served':>6} {'greedy score':>12} "
        f"{'greedy served':>13}"
    )
    print(header)
    print("-" * len(header))
    for size in result["sizes"]:
        s, c = size["summary"], size["compare"]
        heap = size.get("tracemalloc", {}).get("tracemalloc_peak_mb")
        print(
            f"{size['scale']:>5} {size['sizes']['volunteers']:>10,} "
            f"{size['sizes']['requests']:>8,} {size['sizes']['opportunities']:>5,} "
            f"{s['wall_s_median']:>7.2f} {s['python_cpu_s']:>6.1f} {s['postgres_cpu_s']:>6.1f} "
            f"{s['peak_rss_mb']:>7.0f} {heap if heap is not None else '-':>7} "
            f"{'/'.join(map(str, s['queries'])):>7} {s['candidates']:>7,} "
            f"{s['suggestions']:>6,} {s['total_score']:>9,} {s['needs_served']:>6,} "
            f"{c['greedy']['total_score']:>12,} {c['greedy']['needs_served']:>13,}"
        )
    print("\nPhases of the median run (seconds / queries):")
    for size in result["sizes"]:
        parts = [
            f"{p['phase']} {p['seconds']:.2f}"
            + (f"/{p['queries']}" if p.get("queries") is not None else "")
            for p in size["summary"]["phases"]
            if "seconds" in p
        ]
        print(f"  {size['scale']:>5}: " + ", ".join(parts))
    print("\nOptimum (engine.assign) against greedy first fit, on the same candidates:")
    for size in result["sizes"]:
        c = size["compare"]
        o, g, a = c["optimum"], c["greedy"], c["greedy_oldest_first"]
        print(
            f"  {size['scale']:>5}: {c['needs']:,} needs ({c['request_needs']:,} requests, "
            f"{c['opportunity_needs']:,} opportunities, {c['places']:,} places), "
            f"{c['needs_with_candidates']:,} with a candidate; optimum {o['total_score']:,} "
            f"over {o['needs_served']:,} needs ({o['suggestions']:,} suggestions); greedy by id "
            f"{g['total_score']:,} over {g['needs_served']:,} ({g['suggestions']:,}); greedy "
            f"oldest first {a['total_score']:,} over {a['needs_served']:,}"
        )
    queries = {tuple(size["summary"]["queries"]) for size in result["sizes"]}
    print(
        "\nQueries per run: "
        + ("the same at every size" if len(queries) == 1 else f"DIFFER by size: {queries}")
    )
    for size in result["sizes"]:
        if "profile" in size:
            print(f"\ncProfile at scale {size['scale']} ({size['profile']['file']}):")
            print(size["profile"]["tottime"])
            print(size["profile"]["cumulative"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        nargs="+",
        default=["1/16", "1/4", "1"],
        help="sizes to measure, as fractions of 20,000/5,000/2,000 (e.g. 1/64 for a quick check)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep databases of the right size")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs per size")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--db-prefix",
        default=DB_PREFIX,
        help=f"the databases' name: PREFIX at scale 1, PREFIX_1_N at 1/N (default {DB_PREFIX})",
    )
    parser.add_argument(
        "--no-tracemalloc", dest="tracemalloc", action="store_false", help="skip the heap run"
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="always",
        default="auto",
        choices=["auto", "always", "never"],
        help="cProfile a run (auto: only when scale 1 misses 60 s or 1 GB)",
    )
    parser.add_argument("--top", type=int, default=30, help="profile entries to show")
    parser.add_argument("--quiet-wait", type=float, default=30, help="max wait for a quiet machine")
    parser.add_argument("--out-dir", type=Path, default=BENCH / "results")
    parser.add_argument("--tag", default="", help="suffix of the results file")
    parser.add_argument(
        "--child",
        choices=["seed", "measure", "compare", "tracemalloc", "profile"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--divisor", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child == "seed":
            _django()
            args.out.write_text(json.dumps(seed_database(args.divisor, args.seed)))
        elif args.child == "measure":
            child_measure(args.out)
        elif args.child == "compare":
            child_compare(args.out)
        elif args.child == "tracemalloc":
            child_tracemalloc(args.out)
        else:
            child_profile(args.out, args.top)
        return

    divisors = sorted({divisor_of(scale) for scale in args.scale}, reverse=True)
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
            **versions(),
        },
        "config": {
            k: (str(v) if isinstance(v, Path) else v)
            for k, v in vars(args).items()
            if k not in ("child", "out")
        },
        "targets": {"wall_s": TARGET_SECONDS, "peak_rss_mb": TARGET_RSS_MB},
        "code": git_state(),
        "sizes": [],
    }
    for divisor in divisors:
        result["sizes"].append(measure_size(args, env, divisor))

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"matching{'-' + args.tag if args.tag else ''}"
    for target in (args.out_dir / f"{name}.json", args.out_dir / f"{name}-{stamp}.json"):
        target.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_tables(result)
    log(f"results: {args.out_dir / (name + '.json')} (and {name}-{stamp}.json)")


if __name__ == "__main__":
    main()
