"""Realistic demo data: neighbourhoods, languages, organisations, activities, sessions, and
three demo accounts. Safe to run again: reference data and accounts are kept, activities are
only added when there are none (or with --add). Counts scale up for benchmarks."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from initiatives.models import Activity, Membership, Opportunity, Organisation, Session, SignUp
from mpact.core.models import ALL_WEEK, Language, LanguageLevel, Neighbourhood, Skill
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
        neighbourhoods = self._neighbourhoods()
        languages = self._languages()
        accounts = self._accounts()
        organisations = self._organisations(neighbourhoods, accounts["organisation"])
        if Activity.objects.exists() and not add:
            self.stdout.write("Activities exist already; use --add for more.")
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
        self._match(accounts["coordinator"])
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
        result = []
        for municipality, name, lat, lng in NEIGHBOURHOODS:
            hood, _ = Neighbourhood.objects.get_or_create(
                municipality=municipality,
                name=name,
                defaults={
                    "slug": slugify(f"{municipality}-{name}"),
                    "latitude": Decimal(lat),
                    "longitude": Decimal(lng),
                },
            )
            result.append(hood)
        return result

    def _languages(self):
        return {
            code: Language.objects.get_or_create(
                code=code, defaults={"name_nl": nl, "name_en": en}
            )[0]
            for code, nl, en in LANGUAGES
        }

    def _accounts(self):
        coordinators_group_sync()
        accounts = {}
        for role, (email, name) in DEMO_ACCOUNTS.items():
            user, created = User.objects.get_or_create(email=email, defaults={"name": name})
            if created:
                user.set_password(DEMO_PASSWORD)
                if role == "coordinator":
                    user.is_staff = True
                user.save()
            if role == "coordinator":
                user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            accounts[role] = user
        return accounts

    def _organisations(self, neighbourhoods, member):
        result = []
        for name, kind, municipality in ORGANISATIONS:
            organisation, created = Organisation.objects.get_or_create(
                slug=slugify(name),
                defaults={
                    "name": name,
                    "kind": kind,
                    "description": f"{name} organiseert activiteiten in {municipality}.",
                    "email": f"info@{slugify(name)}.example.org",
                    "approved_at": timezone.now(),
                },
            )
            if created:
                organisation.neighbourhoods.set(
                    [hood for hood in neighbourhoods if hood.municipality == municipality]
                )
            result.append((organisation, municipality))
        Membership.objects.get_or_create(
            organisation=result[0][0], user=member, defaults={"role": Membership.Role.ADMIN}
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
                Activity(
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
        Activity.objects.bulk_create(activities, batch_size=1000)
        through = Activity.languages.through
        through.objects.bulk_create(
            [
                through(activity_id=activity.pk, language_id=languages[code].pk)
                for activity, codes in zip(activities, language_links, strict=True)
                for code in codes
            ],
            batch_size=5000,
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
                    Session(
                        activity=activity,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=rng.choice([1, 2, 2, 3])),
                        capacity=rng.choice([8, 12, 15, 20, 30]),
                    )
                )
        Session.objects.bulk_create(sessions, batch_size=5000)  # no signals: refresh below
        Activity.objects.all().refresh_next_session()
        # A few sign-ups for the demo resident, and some full sessions to show the waiting list.
        for session in sessions[: min(3, len(sessions))]:
            SignUp.objects.create(
                session=session,
                user=resident,
                name=resident.name,
                email=resident.email,
                status=SignUp.Status.CONFIRMED,
            )
            Session.objects.filter(pk=session.pk).update(seats_taken=1)
        # Some full sessions, to show the waiting list: filled with demo guests.
        first_names = [
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
        guests = []
        for session in sessions[3::17]:
            for seat in range(session.capacity):
                name = f"{rng.choice(first_names)} {chr(65 + seat % 26)}."
                guests.append(
                    SignUp(
                        session=session,
                        name=name,
                        email=f"gast{session.pk}-{seat}@example.org",
                        status=SignUp.Status.CONFIRMED,
                    )
                )
        SignUp.objects.bulk_create(guests, batch_size=5000)
        Session.objects.filter(pk__in=[session.pk for session in sessions[3::17]]).update(
            seats_taken=F("capacity")
        )

    def _opportunities(self, rng, count, neighbourhoods, languages, skills, organisations):
        by_slug = {skill.slug: skill for skill in skills}
        rows, links = [], []
        for _ in range(count):
            title, description, skill_slugs, codes, level = rng.choice(OPPORTUNITY_TEMPLATES)
            organisation, municipality = rng.choice(organisations)
            hood = rng.choice([h for h in neighbourhoods if h.municipality == municipality])
            commitment = rng.choice(list(Opportunity.Commitment))
            today = timezone.localdate()
            rows.append(
                Opportunity(
                    organisation=organisation,
                    title=f"{title} in {hood.name}",
                    description=description,
                    min_dutch_level=level,
                    commitment=commitment,
                    hours_per_week=rng.choice([1, 2, 3, 4])
                    if commitment == Opportunity.Commitment.WEEKLY
                    else None,
                    starts_on=today if commitment == Opportunity.Commitment.PERIOD else None,
                    ends_on=today + timedelta(days=90)
                    if commitment == Opportunity.Commitment.PERIOD
                    else None,
                    neighbourhood=hood,
                    address=f"{rng.choice(STREETS[municipality])} {rng.randint(1, 250)}",
                    is_remote=rng.random() < 0.1,
                    places=rng.choice([1, 1, 2, 3, 5]),
                    needs_vog=rng.random() < 0.3,
                    open_to_newcomers=rng.random() < 0.7,
                    status=Opportunity.Status.PUBLISHED,
                )
            )
            links.append(([by_slug[s] for s in skill_slugs if s in by_slug], codes))
        Opportunity.objects.bulk_create(rows, batch_size=2000)
        skill_through = Opportunity.skills.through
        language_through = Opportunity.languages.through
        skill_through.objects.bulk_create(
            [
                skill_through(opportunity_id=row.pk, skill_id=skill.pk)
                for row, (row_skills, _codes) in zip(rows, links, strict=True)
                for skill in row_skills
            ],
            batch_size=5000,
        )
        language_through.objects.bulk_create(
            [
                language_through(opportunity_id=row.pk, language_id=languages[code].pk)
                for row, (_skills, codes) in zip(rows, links, strict=True)
                for code in codes
            ],
            batch_size=5000,
        )

    def _volunteers(self, rng, count, neighbourhoods, languages, skills, demo_volunteer):
        now = timezone.now()
        existing = set(
            User.objects.filter(email__startswith="vrijwilliger-").values_list("email", flat=True)
        )
        users = [
            User(email=email, name=f"Vrijwilliger {number}", password="!")
            for number in range(count)
            if (email := f"vrijwilliger-{number}@example.org") not in existing
        ]
        User.objects.bulk_create(users, batch_size=5000)
        users = list(User.objects.filter(email__in=[u.email for u in users]))
        if not VolunteerProfile.objects.filter(user=demo_volunteer).exists():
            users.append(demo_volunteer)
        # A realistic skew: most volunteers speak Dutch; a few languages are common, many rare.
        common, rare = (
            ["nl", "en", "ar", "tr"],
            [c for c in languages if c not in {"nl", "en", "ar", "tr"}],
        )
        profiles, profile_languages, profile_skills = [], [], []
        for user in users:
            profiles.append(
                VolunteerProfile(
                    user=user,
                    display_name=user.name.split()[0] if user.name else user.email,
                    bio="Ik help graag mensen in mijn wijk.",
                    neighbourhood=rng.choice(neighbourhoods),
                    availability=rng.randint(1, ALL_WEEK),
                    hours_per_week=rng.choice([1, 2, 4, 8]),
                    buddy_capacity=rng.choice([0, 0, 1, 1, 2]),
                    prefers_adults=True,
                    prefers_teens=rng.random() < 0.3,
                    has_vog=(has_vog := rng.random() < 0.4),
                    vog_date=timezone.localdate() - timedelta(days=rng.randint(10, 900))
                    if has_vog
                    else None,
                    privacy_consent_version=settings.PRIVACY_STATEMENT_VERSION,
                    privacy_consent_at=now,
                )
            )
        VolunteerProfile.objects.bulk_create(profiles, batch_size=5000)
        for profile in profiles:
            codes = {"nl"} if rng.random() < 0.85 else set()
            codes.add(rng.choice(common) if rng.random() < 0.7 else rng.choice(rare))
            for code in codes:
                level = (
                    LanguageLevel.NATIVE
                    if code != "nl"
                    else rng.choice(
                        [LanguageLevel.B1, LanguageLevel.B2, LanguageLevel.C1, LanguageLevel.NATIVE]
                    )
                )
                profile_languages.append(
                    VolunteerLanguage(profile=profile, language=languages[code], level=level)
                )
            for skill in rng.sample(skills, k=min(len(skills), rng.randint(1, 3))):
                profile_skills.append(
                    VolunteerProfile.skills.through(
                        volunteerprofile_id=profile.pk, skill_id=skill.pk
                    )
                )
        VolunteerLanguage.objects.bulk_create(profile_languages, batch_size=5000)
        VolunteerProfile.skills.through.objects.bulk_create(profile_skills, batch_size=5000)

    def _match(self, coordinator):
        """One matching run, so that coordinators see suggestions to compare and volunteers
        see opportunities suggested to them."""
        from matching.runs import MatchRunBusy, match_run_execute

        try:
            run = match_run_execute(trigger="manual", by=coordinator)
        except MatchRunBusy:
            self.stdout.write("A matching run is going on; no demo suggestions.")
            return
        self.stdout.write(
            f"Matching: {run.suggestions} suggestions from {run.candidates} candidates."
        )

    def _help_requests(self, rng, neighbourhoods, languages, coordinator):
        """A few agencies and a realistic intake queue: new, in intake, open, referred."""
        from matching import services as matching
        from matching.models import Agency, HelpRequest, Participant

        agencies = [
            Agency.objects.get_or_create(name=name, defaults={"kind": kind, "phone": phone})[0]
            for name, kind, phone in [
                ("Sociaal wijkteam Enschede-Zuid", Agency.Kind.SOCIAL_TEAM, "053 481 00 00"),
                ("Schuldhulpmaatje Twente", Agency.Kind.DEBT, "053 000 11 22"),
                ("Het Juridisch Loket", Agency.Kind.LEGAL, "0900 8020"),
                ("VluchtelingenWerk Oost Nederland", Agency.Kind.REFUGEE, "053 000 33 44"),
                ("Jongerenwerk Zuidoost", Agency.Kind.YOUTH, "020 000 55 66"),
            ]
        ]
        stories = [
            (
                HelpRequest.Kind.PAPERWORK,
                "Ik krijg brieven van de Belastingdienst die ik niet begrijp.",
            ),
            (HelpRequest.Kind.LANGUAGE, "Ik wil Nederlands oefenen, ik heb B1 gehaald."),
            (HelpRequest.Kind.BUDDY, "Sinds mijn verhuizing ken ik niemand in de wijk."),
            (HelpRequest.Kind.MONEY, "Ik heb schulden en durf de post niet meer open te maken."),
            (
                HelpRequest.Kind.VOLUNTEER_WORK,
                "Ik was verpleegkundige in Syrië en wil graag helpen.",
            ),
            (HelpRequest.Kind.YOUTH, "Mijn zoon van 15 zit veel thuis en heeft geen vrienden."),
            (HelpRequest.Kind.SOCIAL, "Mijn moeder is 82 en erg eenzaam."),
        ]
        first_names = ["Samira", "Yonas", "Olena", "Mohammed", "Fatou", "Ricardo", "Aylin"]
        situations = list(Participant.Situation)
        for number in range(21):
            kind, story = stories[number % len(stories)]
            participant = Participant.objects.create(
                first_name=first_names[number % len(first_names)],
                phone=f"06{rng.randint(10000000, 99999999)}",
                situation=rng.choice(situations),
                neighbourhood=rng.choice(neighbourhoods),
                dutch_level=rng.choice(["A1", "A2", "B1", "B2"]),
                consent_given=True,
                consent_method=Participant.ConsentMethod.VERBAL,
                consent_at=timezone.now(),
                created_by=coordinator,
            )
            participant.languages.set([languages[rng.choice(["ar", "ti", "uk", "tr", "nl"])]])
            help_request = matching.help_request_create(
                participant=participant,
                kind=kind,
                description=story,
                neighbourhood=participant.neighbourhood,
                urgency=rng.choice(list(HelpRequest.Urgency)),
                by=coordinator,
            )
            stage = number % 4
            if stage >= 1:
                matching.help_request_start_intake(help_request=help_request, by=coordinator)
            if stage >= 2:
                scores = {
                    name: rng.randint(2, 5)
                    for name in [
                        "language",
                        "daily_activity",
                        "social_network",
                        "finances",
                        "health",
                        "housing",
                    ]
                }
                matching.help_request_complete_intake(
                    help_request=help_request, scores=scores, by=coordinator
                )
            if stage >= 3:
                matching.help_request_refer(
                    help_request=help_request,
                    agency=rng.choice(agencies),
                    reason="Professionele hulp nodig.",
                    follow_up_on=timezone.localdate() + timedelta(days=14),
                    by=coordinator,
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
