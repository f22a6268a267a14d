"""Realistic demo data: neighbourhoods, languages, organisations, activities, sessions,
opportunities, volunteers, help requests, one matching run, residents' initiatives and
organisations' offers with their pairings, and the demo accounts. Safe to run again: reference
data, accounts and organisations are kept, the rest is only added when there are no activities
(or with --add); trajectories and initiatives are made once, also in a database seeded before
they existed. Counts scale up for the benchmarks.

Every row is made by the factories the tests use (mpact/factories.py); the big tables are
built with `.build()` and written with bulk_create in batches, not one INSERT per row. The
trajectories and the initiatives and offers go through the services, as people would make
them."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

import factory.django
import factory.random
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from initiatives import services as initiatives_services
from initiatives.models import (
    Activity,
    AgeGroup,
    Membership,
    Opportunity,
    Organisation,
    Session,
    SignUp,
    WalkIn,
)
from matching.models import Agency, HelpRequest, IntakeAssessment, Participant
from mpact.cache import person_changed
from mpact.core.models import ALL_WEEK, LanguageLevel, Skill
from mpact.factories import (
    UNUSABLE_PASSWORD,
    ActivityFactory,
    AgencyFactory,
    HelpRequestFactory,
    LanguageFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OpportunityFactory,
    OrganisationFactory,
    ParticipantFactory,
    SessionFactory,
    SignUpFactory,
    UserFactory,
    VolunteerLanguageFactory,
    VolunteerProfileFactory,
)
from mpact.notifications.models import Notification
from mpact.notifications.services import notifications_create_for
from mpact.users.models import COORDINATORS_GROUP, User
from mpact.users.roles import coordinators_group_sync
from volunteers.models import VolunteerLanguage, VolunteerProfile

DEMO_PASSWORD = "mpact-demo-2026"
DEMO_ACCOUNTS = {
    "resident": ("bewoner@example.org", "Fatima de Vries"),
    "organisation": ("organisatie@example.org", "Joost Bakker"),
    "coordinator": ("coordinator@example.org", "Sanne Jansen"),
    "volunteer": ("vrijwilliger@example.org", "Ahmad Haddad"),
}

# The demo volunteer reads Arabic and chose text messages for match proposals and reminders
# (the embedded default prints them: SMS_BACKEND console); a fictional number.
DEMO_CHANNELS = {
    "volunteer": {
        "language": "ar",
        "phone": "+31612345678",
        "reach_proposals_by": "both",
        "reach_reminders_by": "text",
    },
}

NEIGHBOURHOODS = [
    # (municipality, name, latitude, longitude)
    ("Enschede", "Velve-Lindenhof", "52.2262", "6.8720"),
    ("Enschede", "Deppenbroek", "52.2386", "6.8934"),
    ("Enschede", "Wesselerbrink", "52.1985", "6.8767"),
    ("Enschede", "Stadsveld", "52.2203", "6.8617"),
    ("Enschede", "Roombeek", "52.2339", "6.8974"),
    ("Enschede", "Binnensingelgebied", "52.2203", "6.8937"),
    ("Den Haag", "Schilderswijk", "52.0697", "4.3052"),
    ("Den Haag", "Transvaal", "52.0636", "4.2960"),
    ("Den Haag", "Moerwijk", "52.0531", "4.2871"),
    ("Den Haag", "Laak", "52.0660", "4.3240"),
    ("Den Haag", "Escamp", "52.0470", "4.2720"),
    ("Den Haag", "Duindorp", "52.0955", "4.2615"),
    ("Amsterdam", "Bijlmer-Centrum", "52.3143", "4.9507"),
    ("Amsterdam", "Bijlmer-Oost", "52.3187", "4.9749"),
    ("Amsterdam", "Gaasperdam", "52.2981", "4.9894"),
    ("Amsterdam", "Holendrecht", "52.2940", "4.9590"),
    ("Amsterdam", "Ganzenhoef", "52.3200", "4.9660"),
]

LANGUAGES = [
    ("nl", "Nederlands", "Dutch"),
    ("en", "Engels", "English"),
    ("ar", "Arabisch", "Arabic"),
    ("tr", "Turks", "Turkish"),
    ("ti", "Tigrinya", "Tigrinya"),
    ("fa", "Perzisch", "Persian"),
    ("uk", "Oekraïens", "Ukrainian"),
    ("so", "Somalisch", "Somali"),
    ("pap", "Papiaments", "Papiamento"),
    ("srn", "Sranantongo", "Sranan Tongo"),
    ("pl", "Pools", "Polish"),
    ("fr", "Frans", "French"),
]

ORGANISATIONS = [
    ("M-Pact Enschede", Organisation.Kind.VOLUNTEER_GROUP, "Enschede"),
    ("Vluchtelingenwerk Twente", Organisation.Kind.FOUNDATION, "Enschede"),
    ("AZC Enschede (COA)", Organisation.Kind.RECEPTION, "Enschede"),
    ("Sportclub Deppenbroek", Organisation.Kind.CLUB, "Enschede"),
    ("Multicultureel Platform Den Haag", Organisation.Kind.VOLUNTEER_GROUP, "Den Haag"),
    ("Buurthuis De Mussen", Organisation.Kind.WELFARE, "Den Haag"),
    ("Gemeente Den Haag, team participatie", Organisation.Kind.MUNICIPALITY, "Den Haag"),
    ("Mi na Mi", Organisation.Kind.FOUNDATION, "Amsterdam"),
    ("Kookcollectief Zuidoost", Organisation.Kind.VOLUNTEER_GROUP, "Amsterdam"),
    ("Techbedrijf Amstel", Organisation.Kind.COMPANY, "Amsterdam"),
]

# (kind, audience, title, description, languages)
TEMPLATES = [
    (
        Activity.Kind.TALK_SESSION,
        Activity.Audience.ADULTS,
        "Praatsessie voor volwassenen",
        "Een veilige plek om te praten over wat je bezighoudt: werk, geld, gezondheid of "
        "eenzaamheid. We luisteren, denken mee en wijzen de weg naar hulp als dat nodig is.",
        ["nl", "pap", "srn"],
    ),
    (
        Activity.Kind.TALK_SESSION,
        Activity.Audience.TEENS,
        "Praatsessie voor tieners",
        "Voor jongeren van 12 tot 18: praten over school, thuis, vrienden en je toekomst, met "
        "jongerenwerkers en leeftijdsgenoten. Gezellig en vertrouwelijk.",
        ["nl"],
    ),
    (
        Activity.Kind.LANGUAGE_CAFE,
        Activity.Audience.EVERYONE,
        "Taalcafé",
        "Oefen Nederlands in een ontspannen sfeer. Vrijwilligers praten met je over het dagelijks "
        "leven; beginners zijn van harte welkom. Koffie en thee staan klaar.",
        ["nl", "ar", "ti", "uk"],
    ),
    (
        Activity.Kind.WALK,
        Activity.Audience.EVERYONE,
        "Buurtwandeling",
        "Samen een uur wandelen door de wijk en het park. Goed voor lijf en hoofd, en je leert "
        "je buren kennen. Verzamelen bij de ingang van het buurthuis.",
        ["nl", "en"],
    ),
    (
        Activity.Kind.COOKING,
        Activity.Audience.EVERYONE,
        "Samen koken en eten",
        "We koken gerechten uit de keukens van de buurt: Syrisch, Surinaams, Eritrees, "
        "Hollands. Daarna eten we samen. Neem je favoriete recept mee!",
        ["nl", "ar", "ti", "srn"],
    ),
    (
        Activity.Kind.SPORT,
        Activity.Audience.TEENS,
        "Voetbal op het Cruijff Court",
        "Elke week voetballen met jongeren uit de wijk, onder leiding van een trainer. Ook "
        "meisjes zijn welkom. Sportschoenen mee.",
        ["nl", "en"],
    ),
    (
        Activity.Kind.SPORT,
        Activity.Audience.ADULTS,
        "Bewegen voor volwassenen",
        "Rustige oefeningen voor kracht en balans, op je eigen tempo. Geschikt voor iedereen, "
        "ook als je lang niet hebt gesport.",
        ["nl", "tr"],
    ),
    (
        Activity.Kind.COMPANY_VISIT,
        Activity.Audience.ADULTS,
        "Bedrijfsbezoek: werken in de techniek",
        "Kijk een dag mee bij een technisch bedrijf in de regio. Je hoort hoe je er aan de slag "
        "kunt, ook als je je diploma in het buitenland haalde.",
        ["nl", "en", "ar"],
    ),
    (
        Activity.Kind.MEETING,
        Activity.Audience.EVERYONE,
        "Ontmoetingsmiddag",
        "Een middag voor iedereen uit de buurt: nieuwe en oude bewoners, jong en oud. Met muziek, "
        "spelletjes en iets lekkers. Kom gewoon langs!",
        ["nl", "ar", "fa", "so"],
    ),
    (
        Activity.Kind.TRAINING,
        Activity.Audience.ADULTS,
        "Workshop brieven van instanties",
        "Brieven van de Belastingdienst, de gemeente of de zorgverzekeraar: wat staat erin en wat "
        "moet je doen? Neem je eigen brieven mee, we helpen je op weg.",
        ["nl", "ar", "tr", "pl"],
    ),
    (
        Activity.Kind.TRAINING,
        Activity.Audience.TEENS,
        "Sollicitatietraining voor jongeren",
        "Leer een cv schrijven en oefen een sollicitatiegesprek. Voor jongeren die een bijbaan of "
        "stage zoeken.",
        ["nl"],
    ),
    (
        Activity.Kind.MEETING,
        Activity.Audience.ADULTS,
        "Dialoogavond: samenleven in de wijk",
        "Een avond voor een goed gesprek tussen bewoners met verschillende achtergronden, over "
        "wat ons bindt en wat ons soms scheidt. Met een gespreksleider.",
        ["nl", "en"],
    ),
]

STREETS = {
    "Enschede": [
        "Pathmossingel",
        "Hengelosestraat",
        "Roombeek",
        "Lasondersingel",
        "Broekheurnering",
    ],
    "Den Haag": ["Hoefkade", "Paul Krugerlaan", "Loosduinseweg", "Vaillantlaan", "Zuiderparklaan"],
    "Amsterdam": ["Bijlmerdreef", "Ganzenhoefpad", "Hoogoord", "Reigersbos", "Gaasperdammerweg"],
}


# Some full sessions show the waiting list: filled with these demo guests.
GUEST_FIRST_NAMES = [
    "Amal",
    "Bram",
    "Chidi",
    "Dewi",
    "Eline",
    "Farah",
    "Gijs",
    "Hamid",
    "Iris",
    "Jamal",
    "Kofi",
    "Lotte",
    "Mila",
    "Noor",
    "Omar",
    "Priya",
]

# (name, kind, phone)
AGENCIES = [
    ("Sociaal wijkteam Enschede-Zuid", Agency.Kind.SOCIAL_TEAM, "053 481 00 00"),
    ("Schuldhulpmaatje Twente", Agency.Kind.DEBT, "053 000 11 22"),
    ("Het Juridisch Loket", Agency.Kind.LEGAL, "0900 8020"),
    ("VluchtelingenWerk Oost Nederland", Agency.Kind.REFUGEE, "053 000 33 44"),
    ("Jongerenwerk Zuidoost", Agency.Kind.YOUTH, "020 000 55 66"),
]

# (kind, what the person says)
STORIES = [
    (HelpRequest.Kind.PAPERWORK, "Ik krijg brieven van de Belastingdienst die ik niet begrijp."),
    (HelpRequest.Kind.LANGUAGE, "Ik wil Nederlands oefenen, ik heb B1 gehaald."),
    (HelpRequest.Kind.BUDDY, "Sinds mijn verhuizing ken ik niemand in de wijk."),
    (HelpRequest.Kind.MONEY, "Ik heb schulden en durf de post niet meer open te maken."),
    (HelpRequest.Kind.VOLUNTEER_WORK, "Ik was verpleegkundige in Syrië en wil graag helpen."),
    (HelpRequest.Kind.YOUTH, "Mijn zoon van 15 zit veel thuis en heeft geen vrienden."),
    (HelpRequest.Kind.SOCIAL, "Mijn moeder is 82 en erg eenzaam."),
]
ASKER_FIRST_NAMES = ["Samira", "Yonas", "Olena", "Mohammed", "Fatou", "Ricardo", "Aylin"]

BATCH = 5000  # rows per INSERT of bulk_create


def get_or_make(factory_class, lookup: dict, **fields):
    """The row `lookup` finds, else a new one made by the factory: reference data,
    organisations and agencies (and, in _accounts, the accounts) are made once, so running the
    command again keeps them."""
    found = factory_class._meta.model.objects.filter(**lookup).first()
    return found or factory_class(**lookup, **fields)


def link(through, rows: list) -> None:
    """Many-to-many rows (through-table instances) in batches."""
    through.objects.bulk_create(rows, batch_size=BATCH)


class Command(BaseCommand):
    help = "Fill the database with realistic demo data (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--activities", type=int, default=300)
        parser.add_argument("--sessions-per-activity", type=int, default=3)
        parser.add_argument("--opportunities", type=int, default=60)
        parser.add_argument("--volunteers", type=int, default=40)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--add", action="store_true", help="Add activities even when there are some already."
        )

    @transaction.atomic
    def handle(
        self,
        *args,
        activities,
        sessions_per_activity,
        opportunities,
        volunteers,
        seed,
        add,
        **options,
    ):
        rng = random.Random(seed)
        factory.random.reseed_random(seed)  # the factories' Faker values follow --seed too
        neighbourhoods = self._neighbourhoods()
        languages = self._languages()
        accounts = self._accounts()
        organisations = self._organisations(neighbourhoods, accounts["organisation"])
        if Activity.objects.exists() and not add:
            self.stdout.write("Activities exist already; use --add for more.")
            self._trajectories(accounts["coordinator"], accounts["volunteer"])
            self._initiatives_and_offers(accounts, organisations, neighbourhoods, languages)
            return
        self._activities(
            rng,
            activities,
            sessions_per_activity,
            neighbourhoods,
            languages,
            organisations,
            accounts["resident"],
        )
        skills = list(Skill.objects.all())
        self._opportunities(rng, opportunities, neighbourhoods, languages, skills, organisations)
        self._volunteers(rng, volunteers, neighbourhoods, languages, skills, accounts["volunteer"])
        self._help_requests(rng, neighbourhoods, languages, accounts["coordinator"])
        self._match(accounts["coordinator"], accounts["volunteer"])
        self._trajectories(accounts["coordinator"], accounts["volunteer"])
        # Last, with a random stream of its own, so that the data above stays as it was.
        self._talk_sessions(
            random.Random(seed + 14), organisations[0][0], neighbourhoods, organisations[0][1]
        )
        self._initiatives_and_offers(accounts, organisations, neighbourhoods, languages)
        # Written in bulk, without signals (the demo volunteer's profile, languages and
        # suggestions among them): every person's own page is rendered again.
        person_changed(users=User.objects.values("pk"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Activity.objects.count()} activities, "
                f"{Session.objects.count()} sessions, {Opportunity.objects.count()} "
                f"opportunities, {VolunteerProfile.objects.count()} volunteers. Log in with any of "
                + ", ".join(email for email, _ in DEMO_ACCOUNTS.values())
                + f" and password {DEMO_PASSWORD}"
            )
        )

    def _neighbourhoods(self):
        return [
            get_or_make(
                NeighbourhoodFactory,
                {"municipality": municipality, "name": name},
                latitude=Decimal(lat),
                longitude=Decimal(lng),
            )
            for municipality, name, lat, lng in NEIGHBOURHOODS
        ]

    def _languages(self):
        return {
            code: get_or_make(LanguageFactory, {"code": code}, name_nl=nl, name_en=en)
            for code, nl, en in LANGUAGES
        }

    def _accounts(self):
        coordinators_group_sync()
        coordinators = Group.objects.get(name=COORDINATORS_GROUP)
        # The accounts share one published password: hashed once (a hash takes a third of a
        # second by design), and only when an account is made.
        hashed = None
        accounts = {}
        for role, (email, name) in DEMO_ACCOUNTS.items():
            user = User.objects.filter(email=email).first()
            if user is None:
                hashed = hashed or make_password(DEMO_PASSWORD)
                user = UserFactory(
                    email=email,
                    name=name,
                    password=factory.django.Password.Force(hashed),
                    is_staff=role == "coordinator",
                    **DEMO_CHANNELS.get(role, {}),
                )
            if role == "coordinator":
                user.groups.add(coordinators)
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            accounts[role] = user
        return accounts

    def _organisations(self, neighbourhoods, member):
        result = []
        for name, kind, municipality in ORGANISATIONS:
            organisation = get_or_make(
                OrganisationFactory,
                {"slug": slugify(name)},
                name=name,
                kind=kind,
                description=f"{name} organiseert activiteiten in {municipality}.",
                email=f"info@{slugify(name)}.example.org",
                neighbourhoods=[
                    hood for hood in neighbourhoods if hood.municipality == municipality
                ],
            )
            result.append((organisation, municipality))
        get_or_make(
            MembershipFactory,
            {"organisation": result[0][0], "user": member},
            role=Membership.Role.ADMIN,
        )
        return result

    def _activities(
        self, rng, count, per_activity, neighbourhoods, languages, organisations, resident
    ):
        by_municipality = {}
        for hood in neighbourhoods:
            by_municipality.setdefault(hood.municipality, []).append(hood)
        today = timezone.localdate()
        activities, language_links = [], []
        for _ in range(count):
            kind, audience, title, description, codes = rng.choice(TEMPLATES)
            organisation, municipality = rng.choice(organisations)
            hood = rng.choice(by_municipality[municipality])
            activities.append(
                ActivityFactory.build(
                    organisation=organisation,
                    title=f"{title} {hood.name}",
                    description=description,
                    kind=kind,
                    audience=audience,
                    neighbourhood=hood,
                    address=f"{rng.choice(STREETS[municipality])} {rng.randint(1, 250)}, "
                    f"{municipality}",
                )
            )
            language_links.append(rng.sample(codes, k=rng.randint(1, len(codes))))
        Activity.objects.bulk_create(activities, batch_size=BATCH)
        through = Activity.languages.through
        link(
            through,
            [
                through(activity_id=activity.pk, language_id=languages[code].pk)
                for activity, codes in zip(activities, language_links, strict=True)
                for code in codes
            ],
        )
        sessions = []
        for activity in activities:
            first = today + timedelta(days=rng.randint(0, 20))
            weekly = rng.random() < 0.7
            hour = rng.choice([10, 13, 15, 19])
            for number in range(per_activity):
                day = first + timedelta(days=7 * number if weekly else rng.randint(0, 60))
                starts = timezone.make_aware(datetime.combine(day, time(hour, 0)))
                if starts <= timezone.now():
                    starts += timedelta(days=7)
                sessions.append(
                    SessionFactory.build(
                        activity=activity,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=rng.choice([1, 2, 2, 3])),
                        capacity=rng.choice([8, 12, 15, 20, 30]),
                    )
                )
        Session.objects.bulk_create(sessions, batch_size=BATCH)  # no signals: refresh below
        Activity.objects.all().refresh_next_session()
        # A few sign-ups for the demo resident (each takes its place, as the factory does).
        for session in sessions[:3]:
            SignUpFactory(session=session, user=resident)
        # Some full sessions, to show the waiting list: filled with demo guests.
        full = sessions[3::17]
        SignUp.objects.bulk_create(
            [
                SignUpFactory.build(
                    session=session,
                    name=f"{rng.choice(GUEST_FIRST_NAMES)} {chr(65 + seat % 26)}.",
                    email=f"gast{session.pk}-{seat}@example.org",
                )
                for session in full
                for seat in range(session.capacity)
            ],
            batch_size=BATCH,
        )
        Session.objects.filter(pk__in=[session.pk for session in full]).update(
            seats_taken=F("capacity")
        )

    def _talk_sessions(self, rng, organisation, neighbourhoods, municipality):
        """Two talk-session series of the demo organisation (organisatie@example.org's), one
        for adults and one for teens: eight weekly sessions held, with attendance (sign-ups
        marked, walk-ins), and eight to come, planned as a series (issue 14)."""
        hood = next(h for h in neighbourhoods if h.municipality == municipality)
        today = timezone.localdate()
        series = [
            (
                Activity.Audience.ADULTS,
                "Praatgroep: samen verder",
                "Elke week praten we in een kleine groep over wat je bezighoudt. Koffie staat "
                "klaar; je hoeft je niet aan te melden.",
                time(19, 0),
            ),
            (
                Activity.Audience.TEENS,
                "Praatgroep jongeren",
                "Voor jongeren van 12 tot 18: praten over school, thuis en vrienden, met twee "
                "begeleiders. Gewoon binnenlopen mag.",
                time(16, 0),
            ),
        ]
        for audience, title, description, clock in series:
            activity = ActivityFactory(
                organisation=organisation,
                kind=Activity.Kind.TALK_SESSION,
                audience=audience,
                title=title,
                description=description,
                neighbourhood=hood,
                address=f"{rng.choice(STREETS[municipality])} 12, {municipality}",
            )
            groups = [value for value, _label in AgeGroup.for_audience(audience)]
            people = [f"{name.lower()}.{audience}@example.org" for name in GUEST_FIRST_NAMES[:8]]
            for weeks_ago in range(8, 0, -1):
                day = today - timedelta(weeks=weeks_ago)
                starts = timezone.make_aware(datetime.combine(day, clock))
                session = Session.objects.create(
                    activity=activity,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1, minutes=30),
                    capacity=12,
                )
                # Sign-ups: a few regulars and some new faces; most came, some did not.
                signed_up = rng.sample(people, k=rng.randint(3, 6))
                SignUp.objects.bulk_create(
                    [
                        SignUpFactory.build(
                            session=session,
                            name=email.split(".")[0].capitalize(),
                            email=email,
                            attended=rng.random() < 0.8,
                        )
                        for email in signed_up
                    ]
                )
                Session.objects.filter(pk=session.pk).update(seats_taken=len(signed_up))
                WalkIn.objects.bulk_create(
                    [
                        WalkIn(
                            session=session,
                            first_name=rng.choice(GUEST_FIRST_NAMES),
                            age_group=rng.choice(groups),
                            first_time=rng.random() < 0.4,
                        )
                        for _ in range(rng.randint(1, 4))
                    ]
                )
            first = timezone.make_aware(datetime.combine(today + timedelta(days=1), clock))
            initiatives_services.sessions_generate(
                activity=activity,
                first_start=first,
                duration=timedelta(hours=1, minutes=30),
                every_weeks=1 if audience == Activity.Audience.ADULTS else 2,
                count=8,
                capacity=12,
            )

    def _opportunities(self, rng, count, neighbourhoods, languages, skills, organisations):
        by_slug = {skill.slug: skill for skill in skills}
        today = timezone.localdate()
        rows, links = [], []
        for _ in range(count):
            title, description, skill_slugs, codes, level = rng.choice(OPPORTUNITY_TEMPLATES)
            organisation, municipality = rng.choice(organisations)
            hood = rng.choice([h for h in neighbourhoods if h.municipality == municipality])
            commitment = rng.choice(list(Opportunity.Commitment))
            period = commitment == Opportunity.Commitment.PERIOD
            rows.append(
                OpportunityFactory.build(
                    organisation=organisation,
                    title=f"{title} in {hood.name}",
                    description=description,
                    min_dutch_level=level,
                    commitment=commitment,
                    hours_per_week=rng.choice([1, 2, 3, 4])
                    if commitment == Opportunity.Commitment.WEEKLY
                    else None,
                    starts_on=today if period else None,
                    ends_on=today + timedelta(days=90) if period else None,
                    neighbourhood=hood,
                    address=f"{rng.choice(STREETS[municipality])} {rng.randint(1, 250)}",
                    is_remote=rng.random() < 0.1,
                    places=rng.choice([1, 1, 2, 3, 5]),
                    needs_vog=rng.random() < 0.3,
                    open_to_newcomers=rng.random() < 0.7,
                )
            )
            links.append(([by_slug[s] for s in skill_slugs if s in by_slug], codes))
        Opportunity.objects.bulk_create(rows, batch_size=BATCH)
        skill_through = Opportunity.skills.through
        language_through = Opportunity.languages.through
        link(
            skill_through,
            [
                skill_through(opportunity_id=row.pk, skill_id=skill.pk)
                for row, (row_skills, _codes) in zip(rows, links, strict=True)
                for skill in row_skills
            ],
        )
        link(
            language_through,
            [
                language_through(opportunity_id=row.pk, language_id=languages[code].pk)
                for row, (_skills, codes) in zip(rows, links, strict=True)
                for code in codes
            ],
        )

    def _volunteers(self, rng, count, neighbourhoods, languages, skills, demo_volunteer):
        now = timezone.now()
        today = timezone.localdate()
        existing = set(
            User.objects.filter(email__startswith="vrijwilliger-").values_list("email", flat=True)
        )
        users = [
            UserFactory.build(email=email, password=UNUSABLE_PASSWORD)  # a Dutch name (Faker)
            for number in range(count)
            if (email := f"vrijwilliger-{number}@example.org") not in existing
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        if not VolunteerProfile.objects.filter(user=demo_volunteer).exists():
            users.append(demo_volunteer)
        # A realistic skew: most volunteers speak Dutch; a few languages are common, many rare.
        common = ["nl", "en", "ar", "tr"]
        rare = [code for code in languages if code not in common]
        profiles = []
        for user in users:
            hood = rng.choice(neighbourhoods)
            availability = rng.randint(1, ALL_WEEK)
            hours_per_week = rng.choice([1, 2, 4, 8])
            buddy_capacity = rng.choice([0, 0, 1, 1, 2])
            prefers_teens = rng.random() < 0.3
            has_vog = rng.random() < 0.4
            if user == demo_volunteer:
                # Free often, with a certificate of conduct: a buddy the matching can propose.
                availability, buddy_capacity, has_vog = ALL_WEEK, 2, True
            profiles.append(
                VolunteerProfileFactory.build(
                    user=user,
                    bio="Ik help graag mensen in mijn wijk.",
                    neighbourhood=hood,
                    availability=availability,
                    hours_per_week=hours_per_week,
                    buddy_capacity=buddy_capacity,
                    prefers_adults=True,
                    prefers_teens=prefers_teens,
                    has_vog=has_vog,
                    vog_date=today - timedelta(days=rng.randint(10, 900)) if has_vog else None,
                    privacy_consent_at=now,
                )
            )
        VolunteerProfile.objects.bulk_create(profiles, batch_size=BATCH)
        spoken, profile_skills = [], []
        for profile in profiles:
            codes = {"nl"} if rng.random() < 0.85 else set()
            codes.add(rng.choice(common) if rng.random() < 0.7 else rng.choice(rare))
            if profile.user == demo_volunteer:
                codes = {"nl", "ar"}  # Ahmad speaks Arabic and Dutch
            for code in codes:
                level = (
                    LanguageLevel.NATIVE
                    if code != "nl"
                    else rng.choice(
                        [LanguageLevel.B1, LanguageLevel.B2, LanguageLevel.C1, LanguageLevel.NATIVE]
                    )
                )
                spoken.append(
                    VolunteerLanguageFactory.build(
                        profile=profile, language=languages[code], level=level
                    )
                )
            for skill in rng.sample(skills, k=min(len(skills), rng.randint(1, 3))):
                profile_skills.append(
                    VolunteerProfile.skills.through(
                        volunteerprofile_id=profile.pk, skill_id=skill.pk
                    )
                )
        VolunteerLanguage.objects.bulk_create(spoken, batch_size=BATCH)
        link(VolunteerProfile.skills.through, profile_skills)

    def _help_requests(self, rng, neighbourhoods, languages, coordinator):
        """A few agencies and a realistic intake queue: new, in intake, open, referred, each
        with the timeline, intake and referral the services would have left (the factories'
        stage traits), and the coordinators told of each new request."""
        agencies = [
            get_or_make(AgencyFactory, {"name": name}, kind=kind, phone=phone)
            for name, kind, phone in AGENCIES
        ]
        situations = list(Participant.Situation)
        domains = [name for name, _label in IntakeAssessment.DOMAINS]
        for number in range(21):
            kind, story = STORIES[number % len(STORIES)]
            participant = ParticipantFactory(
                first_name=ASKER_FIRST_NAMES[number % len(ASKER_FIRST_NAMES)],
                phone=f"06{rng.randint(10000000, 99999999)}",
                situation=rng.choice(situations),
                neighbourhood=rng.choice(neighbourhoods),
                dutch_level=rng.choice(["A1", "A2", "B1", "B2"]),
                created_by=coordinator,
                languages=[languages[rng.choice(["ar", "ti", "uk", "tr", "nl"])]],
            )
            urgency = rng.choice(list(HelpRequest.Urgency))
            stage = number % 4  # new, in intake, open (intake done), referred
            stage_fields = {}
            if stage >= 1:
                stage_fields["assigned_to"] = coordinator
            if stage >= 2:
                stage_fields["intake_scores"] = {name: rng.randint(2, 5) for name in domains}
            if stage >= 3:
                stage_fields["referred_to"] = rng.choice(agencies)
            help_request = HelpRequestFactory(
                participant=participant,
                kind=kind,
                description=story,
                neighbourhood=participant.neighbourhood,
                urgency=urgency,
                created_by=coordinator,
                filed=stage == 0,
                in_intake=stage == 1,
                opened=stage == 2,
                referred=stage == 3,
                **stage_fields,
            )
            # What matching.services.help_request_create tells the coordinators.
            notifications_create_for(
                User.objects.coordinators(),
                kind=Notification.Kind.HELP_REQUEST_NEW,
                subject=gettext_lazy("New help request: %(kind)s"),
                body=gettext_lazy("A new help request is waiting for intake (%(urgency)s)."),
                params={
                    "kind": help_request.get_kind_display(),
                    "urgency": help_request.get_urgency_display(),
                },
                link=help_request.get_absolute_url(),
            )

    def _match(self, coordinator, demo_volunteer):
        """One matching run, so that coordinators see suggestions to compare and volunteers
        see opportunities suggested to them; then two more candidates for a few requests (the
        run proposes one volunteer per place: nothing to compare), and a request offered to
        the demo volunteer, so that both sides of a match can be walked with the demo
        accounts."""
        from matching.models import MatchSuggestion
        from matching.runs import MatchRunBusy, alternatives_suggest, match_run_execute
        from matching.suggestions import suggestion_approve

        try:
            run = match_run_execute(trigger="manual", by=coordinator)
        except MatchRunBusy:
            self.stdout.write("A matching run is going on; no demo suggestions.")
            return
        requests = list(
            HelpRequest.objects.filter(suggestions__run=run).distinct().order_by("pk")[:3]
        )
        added = sum(
            len(alternatives_suggest(help_request=request, run=run, count=2))
            for request in requests
        )
        offered = 0
        profile = VolunteerProfile.objects.filter(user=demo_volunteer).first()
        if (
            profile
            and not MatchSuggestion.objects.filter(
                volunteer=profile, help_request__isnull=False
            ).exists()
        ):
            arabic = HelpRequest.objects.open_for_matching().filter(
                participant__languages__code="ar"
            )
            for request in arabic.order_by("pk"):
                # Ahmad lives in the neighbourhood of a person who speaks Arabic.
                profile.neighbourhood = request.neighbourhood
                profile.save(update_fields=["neighbourhood"])
                mine = alternatives_suggest(
                    help_request=request, run=run, count=1, among={profile.pk}
                )
                if mine:
                    request.assigned_to = request.assigned_to or coordinator
                    request.save(update_fields=["assigned_to"])
                    suggestion_approve(suggestion=mine[0], by=coordinator)
                    offered = 1
                    break
        self.stdout.write(
            f"Matching: {run.suggestions} suggestions from {run.candidates} candidates; "
            f"{added} more to compare; {offered} request offered to the demo volunteer."
        )

    def _trajectories(self, coordinator, demo_volunteer):
        """Two trajectories guided by the demo volunteer (issue 14): a running one with a
        check-in behind it and the next one overdue, and a completed one with an approved
        success story; the completed one's certificate link is printed. Made once."""
        from django.conf import settings

        from matching import trajectories
        from matching.models import Goal, Trajectory

        profile = VolunteerProfile.objects.filter(user=demo_volunteer).first()
        if profile is None:
            return
        mine = Trajectory.objects.filter(guide_volunteer=profile)
        if not mine.exists():
            today = timezone.localdate()
            goals = {goal.name_en: goal for goal in Goal.objects.all()}

            def chosen(*names):
                return [goals[name] for name in names if name in goals]

            # Running: started ten weeks ago, one check-in after four weeks; the next one
            # was planned two weeks ago, so it is overdue.
            running = trajectories.trajectory_enrol(
                participant=Participant.objects.create(
                    first_name="Fatima", last_name="El Amrani", created_by=coordinator
                ),
                guide=profile,
                by=coordinator,
                kind=Trajectory.Kind.BUDDY,
                starts_on=today - timedelta(weeks=10),
                goals=[
                    *[(goal, "", 2) for goal in chosen("More social contacts", "Dutch language")],
                    (None, "Zelf afspraken maken bij de huisarts", 1),
                ],
            )
            trajectories.check_in_log(
                trajectory=running,
                by=demo_volunteer,
                held_on=running.starts_on + timedelta(weeks=4),
                how_it_went="good",
                note="Samen naar het taalcafé geweest.",
                scores={goal.pk: min(goal.score + 1, 5) for goal in running.goals.all()},
            )
            # Completed: six months with a check-in every four weeks, scores going up.
            started = today - timedelta(weeks=28)
            done = trajectories.trajectory_enrol(
                participant=Participant.objects.create(
                    first_name="Yusuf", last_name="Demir", created_by=coordinator
                ),
                guide=profile,
                by=coordinator,
                kind=Trajectory.Kind.BUDDY,
                starts_on=started,
                goals=[
                    (goal, "", 1)
                    for goal in chosen(
                        "Knowing what you are stuck on",
                        "Knowing the way to agencies that can help",
                        "A place in volunteer work",
                    )
                ],
            )
            for number in range(1, 7):
                trajectories.check_in_log(
                    trajectory=done,
                    by=demo_volunteer,
                    held_on=started + timedelta(weeks=4 * number),
                    how_it_went="good" if number > 2 else "mixed",
                    scores={
                        goal.pk: min(goal.score + (number + 1) // 2, 5) for goal in done.goals.all()
                    },
                )
            trajectories.trajectory_complete(trajectory=done, by=coordinator)
            story = trajectories.story_write(
                trajectory=done,
                by=demo_volunteer,
                text=(
                    "In het begin wist Yusuf niet waar hij moest beginnen met zijn post. Nu "
                    "weet hij welke instantie waarvoor is, en sinds twee maanden helpt hij "
                    "zelf mee in de fietsenwerkplaats."
                ),
                consent=True,
                shown_as="first_name",
            )
            trajectories.story_approve(story=story, by=coordinator)
        completed = mine.filter(status=Trajectory.Status.COMPLETED).first()
        self.stdout.write(
            f"Trajectories: {mine.count()} guided by the demo volunteer "
            f"({settings.SITE_URL}/vrijwilliger/trajecten/)."
        )
        if completed:
            self.stdout.write(
                f"Certificate of {completed.participant.first_name}: "
                f"{settings.SITE_URL}{trajectories.certificate_url(completed)} "
                f"(their page: {settings.SITE_URL}{trajectories.trajectory_url(completed)})"
            )

    def _initiatives_and_offers(self, accounts, organisations, neighbourhoods, languages):
        """Demand meets supply (issue 15), in Enschede: residents' initiatives in every state
        of the review, organisations' offers of every kind, and the pairings the support
        matching suggests, with one agreed (a room booked for a date) and one asked for by
        the initiative, waiting for the demo organisation. The demo resident proposed an
        approved initiative with offers to answer and one the coordinators asked questions
        about; a newcomer's request for goods is paired with goods on offer. All made through
        the services, once (the demo resident's approved initiative marks it)."""
        from django.conf import settings
        from django.urls import reverse

        from initiatives.models import Initiative, Offer, RoomBooking
        from matching import services as matching_services
        from matching import support
        from matching.models import SupportMatch

        resident, member = accounts["resident"], accounts["organisation"]
        coordinator = accounts["coordinator"]
        demo_organisation = organisations[0][0]
        mine = Initiative.objects.filter(proposer=resident, title=DEMO_INITIATIVE_TITLE).first()
        if mine is None:
            today, now = timezone.localdate(), timezone.now()
            hoods = {(h.municipality, h.name): h for h in neighbourhoods}

            def upcoming(weekday, days):
                """The first `weekday` (Monday 0) at least `days` from today, a week later
                on a fixed public holiday (no buurtmaaltijd on Christmas Day)."""
                day = today + timedelta(days=days)
                day += timedelta(days=(weekday - day.weekday()) % 7)
                while (day.month, day.day) in HOLIDAYS:
                    day += timedelta(weeks=1)
                return day

            by_slug = {org.slug: org for org, _municipality in organisations}
            for name, kind, municipality, description in SUPPORT_ORGANISATIONS:
                by_slug[slugify(name)] = get_or_make(
                    OrganisationFactory,
                    {"slug": slugify(name)},
                    name=name,
                    kind=kind,
                    description=description,
                    email=f"info@{slugify(name)}.example.org",
                    neighbourhoods=[h for h in neighbourhoods if h.municipality == municipality],
                )
            offers = {}
            for slug, key, kind, title, description, (municipality, hood), fields in OFFERS:
                fields = dict(fields)
                if "until_days" in fields:
                    fields["available_until"] = today + timedelta(days=fields.pop("until_days"))
                offers[key] = initiatives_services.offer_save(
                    offer=Offer(
                        organisation=by_slug[slug],
                        kind=kind,
                        title=title,
                        description=description,
                        neighbourhood=hoods[(municipality, hood)],
                        **fields,
                    )
                )
            proposers = {"resident": resident}
            for key, (email, name) in PROPOSERS.items():
                proposers[key] = User.objects.filter(email=email).first() or UserFactory(
                    email=email, name=name, password=UNUSABLE_PASSWORD
                )
            initiatives = {}
            for item in INITIATIVES:
                fields = dict(item["fields"])
                if "when" in fields:
                    weekday, days = fields.pop("when")
                    fields["date"] = upcoming(weekday, days)
                initiative = initiatives_services.initiative_propose(
                    proposer=proposers[item["proposer"]],
                    needs=item["needs"],
                    neighbourhood=hoods[("Enschede", item["hood"])],
                    **fields,
                )
                # Proposed some days ago: the list is not all of today, and the matching's
                # "waiting N days" has something to say.
                Initiative.objects.filter(pk=initiative.pk).update(
                    created_at=now - timedelta(days=item["days_ago"])
                )
                step, message = item.get("review", (None, ""))
                if step == "withdraw":
                    initiatives_services.initiative_message(
                        initiative=initiative, by=initiative.proposer, body=message
                    )
                    initiatives_services.initiative_withdraw(
                        initiative=initiative, by=initiative.proposer
                    )
                elif step:
                    initiatives_services.initiative_review(
                        initiative=initiative, step=step, by=coordinator, message=message
                    )
                initiatives[item["key"]] = initiative
            # A newcomer's request for goods, filed by a coordinator and through the intake.
            yodit = ParticipantFactory(
                first_name="Yodit",
                phone="0612398765",
                situation=Participant.Situation.STATUS_HOLDER,
                neighbourhood=hoods[("Enschede", "Deppenbroek")],
                dutch_level="A2",
                created_by=coordinator,
                languages=[languages["ti"]],
            )
            goods_request = matching_services.help_request_create(
                kind=HelpRequest.Kind.GOODS,
                description=(
                    "Yodit en haar twee kinderen krijgen volgende maand een huurwoning in "
                    "Deppenbroek. Ze hebben nog geen pannen, borden, bestek en beddengoed."
                ),
                participant=yodit,
                languages=[languages["ti"]],
                neighbourhood=yodit.neighbourhood,
                by=coordinator,
            )
            matching_services.help_request_start_intake(help_request=goods_request, by=coordinator)
            matching_services.help_request_complete_intake(
                help_request=goods_request,
                scores={
                    "language": 2,
                    "daily_activity": 3,
                    "social_network": 2,
                    "finances": 2,
                    "health": 4,
                    "housing": 3,
                },
                by=coordinator,
                notes="Woning via de gemeente; inrichting nog nodig.",
            )
            support.support_suggest()

            # Agreed by both sides: the demo organisation's room for the coffee morning.
            coffee = initiatives["coffee"]
            agreed = support.support_ask(
                offer=offers["mpact_room"],
                by=coffee.proposer,
                side=support.NEED_SIDE,
                need=coffee.needs.get(kind="room"),
            )
            support.support_accept(match=agreed, side=support.OFFER_SIDE, by=member)
            # Asked for by the initiative, waiting for the demo organisation's answer: the
            # demo resident asks for its newsletter, the repair café for its room.
            for key, offer_key, kind in [
                ("mine", "mpact_publicity", "publicity"),
                ("repair", "mpact_room", "room"),
            ]:
                initiative = initiatives[key]
                support.support_ask(
                    offer=offers[offer_key],
                    by=initiative.proposer,
                    side=support.NEED_SIDE,
                    need=initiative.needs.get(kind=kind),
                )
            mine = initiatives["mine"]

        to_answer = SupportMatch.objects.open().filter(
            offer__organisation=demo_organisation, offer_side_at__isnull=True
        )
        booking = RoomBooking.objects.filter(offer__organisation=demo_organisation).first()
        changes = Initiative.objects.filter(
            proposer=resident, status=Initiative.Status.CHANGES_REQUESTED
        ).first()
        waiting = Initiative.objects.filter(status=Initiative.Status.SUBMITTED).first()
        site = settings.SITE_URL
        self.stdout.write(
            f"Initiatives and offers: {Initiative.objects.count()} initiatives, "
            f"{Offer.objects.count()} offers, "
            f"{SupportMatch.objects.open().count()} pairings waiting for "
            f"an answer, {SupportMatch.objects.filter(status=SupportMatch.Status.AGREED).count()} "
            "agreed."
        )
        self.stdout.write(
            f"{DEMO_ACCOUNTS['resident'][0]} proposed '{mine.title}': offers to answer on "
            f"{site}{mine.get_absolute_url()} "
            f"(all of theirs: {site}{reverse('matching:my_initiatives')})"
            + (f"; the coordinators asked a question about '{changes.title}'." if changes else ".")
        )
        booked = (
            f"; its room is booked on {booking.date:%d-%m-%Y} for '{booking.initiative}'"
            if booking
            else ""
        )
        self.stdout.write(
            f"{DEMO_ACCOUNTS['organisation'][0]} answers {to_answer.count()} pairings for "
            f"{demo_organisation.name}'s offers on "
            f"{site}{reverse('matching:manage_offers', args=[demo_organisation.slug])}{booked}."
        )
        if waiting:
            self.stdout.write(
                f"{DEMO_ACCOUNTS['coordinator'][0]} reviews '{waiting.title}' on "
                f"{site}{reverse('admin:initiatives_initiative_change', args=[waiting.pk])}; "
                f"all pairings, with the newcomer's request for goods, on "
                f"{site}{reverse('admin:matching_supportmatch_changelist')}."
            )


# (title, description, skill slugs, language codes, minimum Dutch level)
OPPORTUNITY_TEMPLATES = [
    (
        "Taalmaatje voor een statushouder",
        "Oefen een uur per week Nederlands met een nieuwe buurtbewoner: boodschappen doen, "
        "praten over het nieuws, samen een formulier invullen.",
        ["taalmaatje", "gesprekken"],
        ["nl"],
        "B2",
    ),
    (
        "Gastvrouw of gastheer taalcafé",
        "Ontvang bezoekers van het taalcafé, schenk koffie en zorg dat iedereen aan een tafel "
        "terechtkomt.",
        ["organiseren", "gesprekken"],
        ["nl", "en"],
        "B1",
    ),
    (
        "Hulp bij brieven en formulieren",
        "Help bewoners hun post te begrijpen en te beantwoorden. Je leert het werk in een korte "
        "training.",
        ["administratie", "geld"],
        ["nl", "ar", "tr"],
        "C1",
    ),
    (
        "Kookvrijwilliger buurtmaaltijd",
        "Kook één keer per maand mee voor de buurtmaaltijd: 40 gasten, veel gezelligheid.",
        ["koken"],
        [],
        "",
    ),
    (
        "Voetbaltrainer voor tieners",
        "Train op woensdagmiddag een groep jongeren van 12-16 jaar op het Cruijff Court.",
        ["sport", "jongeren"],
        ["nl"],
        "A2",
    ),
    (
        "Chauffeur voor ouderen",
        "Breng ouderen met de buurtauto naar de huisarts of het ziekenhuis.",
        ["vervoer", "ouderen"],
        ["nl"],
        "B1",
    ),
    (
        "Tolk Arabisch–Nederlands",
        "Tolk bij gesprekken tussen nieuwkomers en instanties, op afspraak.",
        ["tolken"],
        ["ar", "nl"],
        "B2",
    ),
    (
        "Tolk Tigrinya–Nederlands",
        "Help Eritrese nieuwkomers en organisaties elkaar te begrijpen.",
        ["tolken"],
        ["ti", "nl"],
        "B1",
    ),
    (
        "Digihulp in de bibliotheek",
        "Help mensen met hun telefoon, DigiD en e-mail. Geduld is belangrijker dan kennis.",
        ["computer"],
        ["nl"],
        "B1",
    ),
    (
        "Klusjesman of -vrouw",
        "Kleine reparaties bij mensen thuis die het zelf niet meer kunnen.",
        ["klussen"],
        [],
        "A2",
    ),
    (
        "Maatje voor een jongere",
        "Trek een half jaar op met een jongere die een steuntje in de rug kan gebruiken.",
        ["jongeren", "gesprekken"],
        ["nl"],
        "B2",
    ),
    (
        "Helpende hand bij de ontmoetingsmiddag",
        "Zet tafels klaar, maak een praatje en ruim samen op. Ook fijn voor nieuwkomers die "
        "Nederlands willen oefenen.",
        ["organiseren"],
        [],
        "A1",
    ),
]


# --- Demand and supply in Enschede (issue 15) -------------------------------------------------

MON, TUE, WED, THU, FRI, SAT, SUN = (1 << day for day in range(7))  # Offer.weekdays bits
# (month, day): Christmas, New Year's Eve and Day, King's Day, Liberation Day.
HOLIDAYS = {(12, 24), (12, 25), (12, 26), (12, 31), (1, 1), (4, 27), (5, 5)}

# Organisations that only offer support: (name, kind, municipality, description).
SUPPORT_ORGANISATIONS = [
    (
        "Spullenbank Enschede",
        Organisation.Kind.FOUNDATION,
        "Enschede",
        "Wij zamelen gebruikte spullen in en geven ze aan wie ze nodig heeft: nieuwkomers, "
        "gezinnen met weinig geld en buurtinitiatieven.",
    ),
    (
        "Buurtfonds Twente",
        Organisation.Kind.FOUNDATION,
        "Enschede",
        "Een fonds van Twentse ondernemers en inwoners dat kleine bewonersinitiatieven een "
        "steuntje in de rug geeft.",
    ),
    (
        "Twentse Techniek",
        Organisation.Kind.COMPANY,
        "Enschede",
        "Installatiebedrijf uit Enschede met tachtig medewerkers. Eén dag per jaar doen we met "
        "het hele team vrijwilligerswerk in de stad.",
    ),
    (
        "Wijkblad Enschede-Zuid",
        Organisation.Kind.VOLUNTEER_GROUP,
        "Enschede",
        "Het wijkblad van en voor bewoners van Enschede-Zuid, gemaakt door vrijwilligers en elke "
        "maand huis aan huis bezorgd.",
    ),
]

# (organisation slug, key, kind, title, description, (municipality, neighbourhood), fields);
# "until_days": available until that many days from today.
OFFERS = [
    (
        "m-pact-enschede",
        "mpact_room",
        "room",
        "Ontmoetingsruimte van M-Pact",
        "Een lichte ruimte met een keuken, tafels en stoelen voor 40 mensen. Koffie, thee en een "
        "beamer zijn er ook. Gelijkvloers, met een invalidentoilet.",
        ("Enschede", "Velve-Lindenhof"),
        {
            "address": "Buurtcentrum Velve-Lindenhof, Enschede",
            "capacity": 40,
            "accessible": True,
            "weekdays": TUE | WED | THU | FRI | SAT,
            "conditions": "Je laat de ruimte netjes achter; de sleutel haal je de dag ervoor "
            "op bij ons kantoor.",
        },
    ),
    (
        "m-pact-enschede",
        "mpact_money",
        "money",
        "Startbudget voor bewonersinitiatieven",
        "Heb je een goed idee voor je buurt maar geen geld om te beginnen? Wij geven een klein "
        "startbudget, zonder ingewikkelde aanvraag.",
        ("Enschede", "Velve-Lindenhof"),
        {
            "quantity": 1500,
            "max_amount": 250,
            "until_days": 180,
            "conditions": "Voor activiteiten zonder winstoogmerk die open staan voor iedereen in "
            "de buurt. Na afloop stuur je de bonnetjes en een paar foto's.",
        },
    ),
    (
        "m-pact-enschede",
        "mpact_expertise",
        "expertise",
        "Hulp bij je plan, begroting en subsidieaanvraag",
        "Een ervaren vrijwilliger van M-Pact denkt met je mee: hoe maak je een draaiboek en een "
        "begroting, en waar vraag je subsidie aan, bijvoorbeeld bij de gemeente Enschede.",
        ("Enschede", "Velve-Lindenhof"),
        {"quantity": 20},
    ),
    (
        "m-pact-enschede",
        "mpact_publicity",
        "publicity",
        "Aankondiging in onze nieuwsbrief en op sociale media",
        "We zetten je activiteit in onze maandelijkse nieuwsbrief (1.200 lezers) en delen hem op "
        "Facebook en Instagram. Als je wilt ook in het Arabisch, Tigrinya en Engels.",
        ("Enschede", "Velve-Lindenhof"),
        {"conditions": "Stuur je tekst en een foto minstens twee weken van tevoren."},
    ),
    (
        "sportclub-deppenbroek",
        "club_room",
        "room",
        "Kantine van Sportclub Deppenbroek",
        "Een ruime kantine met bar en keuken voor 60 mensen. Doordeweeks overdag en 's avonds "
        "vrij; in het weekend spelen we wedstrijden.",
        ("Enschede", "Deppenbroek"),
        {
            "address": "Sportpark Deppenbroek, Enschede",
            "capacity": 60,
            "accessible": True,
            "weekdays": MON | TUE | WED | THU | FRI,
            "conditions": "Geen alcohol tijdens jeugdactiviteiten.",
        },
    ),
    (
        "sportclub-deppenbroek",
        "club_volunteers",
        "volunteers",
        "Leden van de club helpen een weekenddag mee",
        "Onze leden en jeugdtrainers helpen graag op een zaterdag of zondag: opbouwen, sjouwen of "
        "een spel voor de kinderen begeleiden.",
        ("Enschede", "Deppenbroek"),
        {"quantity": 6, "weekdays": SAT | SUN},
    ),
    (
        "azc-enschede-coa",
        "azc_room",
        "room",
        "Recreatiezaal op het AZC",
        "In de recreatiezaal ontmoeten bewoners van het AZC en de buurt elkaar. Voor activiteiten "
        "waar iedereen welkom is; bewoners van het AZC doen graag mee.",
        ("Enschede", "Wesselerbrink"),
        {
            "capacity": 50,
            "accessible": True,
            "conditions": "Aanmelden minstens een week van tevoren bij de locatiemanager. Geen "
            "alcohol.",
        },
    ),
    (
        "vluchtelingenwerk-twente",
        "vwt_room",
        "room",
        "Cursuslokaal op de eerste verdieping",
        "Een lokaal met een whiteboard en zestien stoelen, op de eerste verdieping (er is geen "
        "lift).",
        ("Enschede", "Binnensingelgebied"),
        {"capacity": 16, "accessible": False, "weekdays": MON | TUE | WED | THU},
    ),
    (
        "vluchtelingenwerk-twente",
        "vwt_expertise",
        "expertise",
        "Advies: nieuwkomers bereiken en betrekken",
        "Onze consulenten vertellen hoe je statushouders en asielzoekers uitnodigt en wat werkt: "
        "persoonlijk uitnodigen, een tolk, kinderopvang regelen, rekening houden met feestdagen.",
        ("Enschede", "Binnensingelgebied"),
        {"quantity": 8},
    ),
    (
        "spullenbank-enschede",
        "kitchen_goods",
        "goods",
        "Servies, pannen en bestek",
        "Borden, kommen, glazen, pannen en bestek, schoon en heel. Per set of per stuk: voor een "
        "buurtmaaltijd of voor een nieuw huis.",
        ("Enschede", "Stadsveld"),
        {
            "quantity": 80,
            "delivery": "either",
            "conditions": "Ophalen op dinsdag of donderdag tussen 10 en 16 uur; bezorgen kan "
            "binnen Enschede.",
        },
    ),
    (
        "spullenbank-enschede",
        "bedding_goods",
        "goods",
        "Beddengoed en handdoeken",
        "Dekbedden, kussens, hoezen en handdoeken, gewassen en per set verpakt. Voor gezinnen die "
        "een woning krijgen.",
        ("Enschede", "Stadsveld"),
        {"quantity": 30, "delivery": "pick_up"},
    ),
    (
        "twentse-techniek",
        "company_goods",
        "goods",
        "Restmateriaal: hout, verf en gereedschap",
        "Planken, restjes verf, schroeven en gereedschap dat we niet meer gebruiken. Handig voor "
        "een moestuin, een repair café of een opknapklus.",
        ("Enschede", "Roombeek"),
        {"quantity": 25, "delivery": "pick_up"},
    ),
    (
        "twentse-techniek",
        "company_day",
        "volunteers",
        "Bedrijfsvrijwilligersdag: twaalf collega's helpen mee",
        "Eén dag per jaar gaat ons hele team de stad in. Timmeren, schilderen, een tuin aanleggen "
        "of een buurtfeest opbouwen: we nemen ons eigen gereedschap mee.",
        ("Enschede", "Roombeek"),
        {
            "quantity": 12,
            "weekdays": THU | FRI,
            "until_days": 75,
            "conditions": "Op een donderdag of vrijdag in de komende tien weken; minstens twee "
            "weken van tevoren afspreken.",
        },
    ),
    (
        "twentse-techniek",
        "company_expertise",
        "expertise",
        "Een monteur denkt mee over elektra en apparaten",
        "Een van onze monteurs helpt je apparaten veilig na te kijken en legt uit waar je op let "
        "bij elektra, verlengsnoeren en gas.",
        ("Enschede", "Roombeek"),
        {"quantity": 6},
    ),
    (
        "buurtfonds-twente",
        "fund_money",
        "money",
        "Bijdrage uit het Buurtfonds Twente",
        "Een bijdrage voor de kosten van je initiatief: huur, boodschappen, materiaal of een "
        "drukker.",
        ("Enschede", "Binnensingelgebied"),
        {
            "quantity": 5000,
            "max_amount": 500,
            "until_days": 240,
            "conditions": "Voor initiatieven van bewoners in Twente zonder winstoogmerk. Na "
            "afloop een kort verslag met de bonnetjes.",
        },
    ),
    (
        "wijkblad-enschede-zuid",
        "paper_publicity",
        "publicity",
        "Een stukje in het wijkblad",
        "Elke maand gaat het wijkblad naar 9.000 adressen in Enschede-Zuid. Stuur ons een stukje "
        "van 150 woorden en een foto; we plaatsen het in het eerstvolgende nummer.",
        ("Enschede", "Wesselerbrink"),
        {"conditions": "Inleveren uiterlijk de 15e van de maand."},
    ),
    (
        "buurthuis-de-mussen",
        "mussen_room",
        "room",
        "Grote zaal van Buurthuis De Mussen",
        "Een zaal voor 80 mensen met een podium, geluid en een keuken, midden in de Schilderswijk.",
        ("Den Haag", "Schilderswijk"),
        {"capacity": 80, "accessible": True},
    ),
]

# The neighbours who propose the other initiatives (they have no password: not for logging in).
PROPOSERS = {
    "henk": ("henk.terhorst@example.org", "Henk ter Horst"),
    "gerrit": ("gerrit.nijenhuis@example.org", "Gerrit Nijenhuis"),
    "tesfay": ("tesfay.gebremedhin@example.org", "Tesfay Gebremedhin"),
    "mariam": ("mariam.yousef@example.org", "Mariam Yousef"),
    "ingrid": ("ingrid.nijhuis@example.org", "Ingrid Nijhuis"),
    "bart": ("bart.kamphuis@example.org", "Bart Kamphuis"),
    "ewa": ("ewa.kowalska@example.org", "Ewa Kowalska"),
}

DEMO_INITIATIVE_TITLE = "Buurtmaaltijd: koken uit elkaars keuken"

# Each initiative: who, where (an Enschede neighbourhood), how many days ago it was proposed,
# its fields ("when": (weekday, at least so many days from today)), its needs, and the review.
INITIATIVES = [
    {
        "key": "mine",
        "proposer": "resident",
        "hood": "Velve-Lindenhof",
        "days_ago": 9,
        "fields": {
            "title": DEMO_INITIATIVE_TITLE,
            "description": "Ik woon al twintig jaar in Velve-Lindenhof en merk dat oude en nieuwe "
            "buren elkaar nauwelijks kennen. Daarom wil ik een avond organiseren waarop we samen "
            "koken en eten. Iedereen neemt een recept mee uit de eigen keuken: Syrisch, "
            "Eritrees, Turks of gewoon Hollandse stamppot. Mijn buurvrouwen helpen met koken, "
            "en daarna eten we met z'n allen aan lange tafels.",
            "audience": "Buren uit Velve-Lindenhof, oud en nieuw, ook gezinnen met kinderen",
            "when": (4, 24),  # a Friday
            "start_time": time(17, 0),
            "end_time": time(20, 30),
            "participants": 40,
            "accessible": True,
        },
        "needs": [
            {"kind": "room", "details": "Een ruimte met een keuken, voor 40 mensen"},
            {"kind": "goods", "amount": 40, "details": "Borden, bestek en glazen voor 40 mensen"},
            {"kind": "money", "amount": 250, "details": "Boodschappen voor het eten"},
            {
                "kind": "volunteers",
                "amount": 4,
                "details": "Helpers bij het opbouwen, koken en afwassen",
            },
            {"kind": "publicity", "details": "Zodat ook buren die we nog niet kennen het horen"},
        ],
        "review": (
            "approve",
            "Wat een mooi plan, Fatima! Je initiatief staat nu op de site. Op je pagina zie je "
            "welke organisaties je kunnen helpen.",
        ),
    },
    {
        "key": "playground",
        "proposer": "resident",
        "hood": "Velve-Lindenhof",
        "days_ago": 4,
        "fields": {
            "title": "Speelmiddag op het grasveld",
            "description": "In de zomervakantie wil ik op het grasveld achter onze flat een "
            "middag met spelletjes organiseren voor de kinderen uit de buurt: zaklopen, "
            "touwtrekken en stoepkrijten, met limonade voor iedereen.",
            "audience": "Kinderen uit de buurt en hun ouders",
            "place": "Grasveld achter de flats in Velve-Lindenhof",
            "when": (5, 45),  # a Saturday
            "start_time": time(14, 0),
            "end_time": time(17, 0),
            "participants": 30,
        },
        "needs": [
            {
                "kind": "goods",
                "amount": 20,
                "details": "Buitenspeelgoed: ballen, springtouwen en stoepkrijt",
            },
            {"kind": "volunteers", "amount": 4, "details": "Volwassenen die een spel begeleiden"},
        ],
        "review": (
            "ask-changes",
            "Leuk idee, Fatima! Twee vragen voordat het op de site komt: voor welke leeftijd is "
            "de middag, en wie let er op de kinderen (komen de ouders mee)? Het grasveld is van "
            "de gemeente Enschede; vraag even na of je er een melding voor moet doen. Wij helpen "
            "je daar graag bij.",
        ),
    },
    {
        "key": "coffee",
        "proposer": "henk",
        "hood": "Velve-Lindenhof",
        "days_ago": 16,
        "fields": {
            "title": "Koffieochtend voor oude en nieuwe buren",
            "description": "Veel ouderen in onze buurt zitten vaak alleen thuis, en de nieuwe "
            "bewoners uit Syrië en Eritrea kennen hier nog bijna niemand. Op een koffieochtend "
            "leren we elkaar kennen, met koffie, thee en iets lekkers uit verschillende "
            "keukens. Als het goed gaat, doen we het elke maand.",
            "audience": "Ouderen en nieuwkomers uit de buurt",
            "when": (2, 10),  # a Wednesday
            "start_time": time(10, 0),
            "end_time": time(12, 0),
            "participants": 20,
            "accessible": True,
        },
        "needs": [
            {"kind": "room", "details": "Gelijkvloers: een paar buren lopen met een rollator"},
            {"kind": "publicity", "details": "Een oproep in het wijkblad"},
        ],
        "review": ("approve", ""),
    },
    {
        "key": "repair",
        "proposer": "gerrit",
        "hood": "Roombeek",
        "days_ago": 12,
        "fields": {
            "title": "Repair Café Roombeek",
            "description": "Een kapotte broodrooster, een fiets met een slag in het wiel of een "
            "broek met een scheur? Op het Repair Café repareren we samen in plaats van "
            "weggooien. Vrijwilligers met verstand van techniek helpen, bezoekers kijken mee en "
            "leren het zelf.",
            "audience": "Iedereen uit Roombeek en omgeving",
            "when": (5, 13),  # a Saturday
            "start_time": time(10, 0),
            "end_time": time(14, 0),
            "participants": 25,
        },
        "needs": [
            {"kind": "room", "details": "Tafels en genoeg stopcontacten voor 25 mensen"},
            {
                "kind": "goods",
                "amount": 10,
                "details": "Gereedschap: schroevendraaiers, tangen, een soldeerbout",
            },
            {
                "kind": "expertise",
                "amount": 6,
                "details": "Iemand die elektrische apparaten veilig kan nakijken",
            },
            {"kind": "publicity", "details": "Een aankondiging in de buurt"},
        ],
        "review": ("approve", ""),
    },
    {
        "key": "garden",
        "proposer": "tesfay",
        "hood": "Deppenbroek",
        "days_ago": 21,
        "fields": {
            "title": "Moestuin voor de buurt in Deppenbroek",
            "description": "Naast de speeltuin ligt een stuk grond dat niemand gebruikt. Daar "
            "willen we een moestuin beginnen, met bakken op hoogte zodat ook ouderen mee kunnen "
            "doen. Wie meedoet krijgt een eigen stukje; de oogst delen we. Ik was boer in "
            "Eritrea en deel mijn kennis graag.",
            "audience": "Buurtbewoners, ook nieuwkomers en ouderen",
            "place": "Grasveld naast de speeltuin in Deppenbroek (de gemeente geeft toestemming)",
            "participants": 15,
        },
        "needs": [
            {
                "kind": "goods",
                "amount": 30,
                "details": "Plantenbakken, potgrond en tuingereedschap",
            },
            {"kind": "money", "amount": 400, "details": "Zaden, planten en een regenton"},
            {"kind": "volunteers", "amount": 8, "details": "Handen om de bakken te bouwen"},
            {
                "kind": "expertise",
                "amount": 4,
                "details": "Advies van een hovenier over de bakken en de grond",
            },
        ],
        "review": ("approve", ""),
    },
    {
        "key": "cycling",
        "proposer": "mariam",
        "hood": "Stadsveld",
        "days_ago": 6,
        "fields": {
            "title": "Fietsles voor vrouwen die nieuw zijn in Nederland",
            "description": "Veel vrouwen uit Syrië, Afghanistan en Eritrea hebben nooit leren "
            "fietsen. In Nederland is een fiets vrijheid: naar de taalles, de winkel of je werk. "
            "Ik leer vriendinnen al een jaar fietsen; nu wil ik een echte cursus beginnen op het "
            "schoolplein.",
            "audience": "Vrouwen die nieuw zijn in Nederland",
            "place": "Schoolplein van de basisschool in Stadsveld",
            "when": (3, 17),  # a Thursday
            "start_time": time(9, 30),
            "end_time": time(11, 30),
            "participants": 10,
        },
        "needs": [
            {"kind": "goods", "amount": 12, "details": "Fietshelmen en reflecterende hesjes"},
            {
                "kind": "volunteers",
                "amount": 5,
                "details": "Vrijwilligers die naast de fiets meelopen",
            },
            {"kind": "expertise", "amount": 3, "details": "Iemand die de verkeersregels uitlegt"},
            {"kind": "publicity", "details": "Een flyer in het Arabisch, Dari en Tigrinya"},
        ],
        "review": ("approve", ""),
    },
    {
        "key": "clothes",
        "proposer": "ingrid",
        "hood": "Wesselerbrink",
        "days_ago": 2,
        "fields": {
            "title": "Kledingruil voor gezinnen in Wesselerbrink",
            "description": "Kinderen groeien zo snel uit hun kleren. Op een zaterdagmiddag "
            "ruilen gezinnen kinderkleding, schoenen en speelgoed. Wat overblijft gaat naar de "
            "Spullenbank.",
            "audience": "Gezinnen met kinderen in Wesselerbrink",
            "when": (5, 30),  # a Saturday
            "start_time": time(13, 0),
            "end_time": time(16, 0),
            "participants": 30,
        },
        "needs": [
            {"kind": "room", "details": "Een ruimte met tafels voor 30 mensen"},
            {"kind": "publicity", "details": "Een oproep op scholen en in het wijkblad"},
        ],
        # Not reviewed yet: waiting for a coordinator.
    },
    {
        "key": "market",
        "proposer": "bart",
        "hood": "Stadsveld",
        "days_ago": 11,
        "fields": {
            "title": "Rommelmarkt met standplaatsen",
            "description": "Een rommelmarkt op het plein in Stadsveld. Verkopers huren een kraam "
            "voor 15 euro; met de opbrengst betalen we de kramen, en wat overblijft is voor de "
            "organisatie.",
            "audience": "Iedereen",
            "place": "Het plein bij het winkelcentrum in Stadsveld",
            "when": (5, 38),  # a Saturday
            "start_time": time(9, 0),
            "end_time": time(15, 0),
            "participants": 100,
        },
        "needs": [
            {"kind": "money", "amount": 800, "details": "Huur van twintig kramen"},
            {"kind": "publicity", "details": "Posters en een bericht in het wijkblad"},
        ],
        "review": (
            "decline",
            "Bedankt voor je voorstel, Bart. We steunen alleen initiatieven zonder winstoogmerk, "
            "en bij deze markt blijft geld over voor de organisatie. Een buurtmarkt waar "
            "bewoners gratis een kleed mogen neerleggen steunen we graag: dien je plan dan "
            "opnieuw in.",
        ),
    },
    {
        "key": "reading",
        "proposer": "ewa",
        "hood": "Roombeek",
        "days_ago": 8,
        "fields": {
            "title": "Voorleesochtend voor peuters in het Pools en het Nederlands",
            "description": "Eén ochtend per maand lezen we prentenboeken voor in het Pools en het "
            "Nederlands, zodat kinderen beide talen horen en ouders elkaar ontmoeten.",
            "audience": "Peuters en hun ouders",
            "when": (5, 20),  # a Saturday
            "start_time": time(10, 0),
            "end_time": time(11, 0),
            "participants": 12,
        },
        "needs": [
            {"kind": "room", "details": "Een gezellige hoek met kussens"},
            {"kind": "publicity", "details": "Een bericht voor Poolse gezinnen in Enschede"},
        ],
        "review": (
            "withdraw",
            "De bibliotheek begint zelf een meertalige voorleesochtend en vroeg of ik daar wil "
            "voorlezen. Dat doe ik graag, dus ik trek mijn initiatief in. Bedankt!",
        ),
    },
]
