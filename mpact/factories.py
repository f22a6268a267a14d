"""factory_boy factories: the one way to make data, for the tests, the demo data
(`manage.py seed_demo`) and the benchmarks (bench/).

Related objects agree: a session belongs to an activity, and the hours logged for an
opportunity name that opportunity's organisation; a response comes from a volunteer with a
profile; an invitation is sent by an administrator of the organisation it invites to; a help
request's timeline, intake and referral follow its status (the traits `in_intake`, `opened`
and `referred`, which write what matching/services.py would); a suggestion is for exactly one
help request or opportunity.

Calling a factory saves the object (and what it needs). `.build()` makes it without touching
the database (its related objects unsaved too, and nothing after the save, such as the e-mail
address or many-to-many links), which is how seed_demo and the benchmarks make large tables:
`build()` many, then `bulk_create` in batches.

In the shell layer of the import-linter contract (pyproject.toml): it reads every app, and
only the shell (seed_demo), the tests and the benchmarks import it.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from factory.django import DjangoModelFactory

from initiatives.models import (
    Activity,
    ActivityTranslation,
    HoursEntry,
    Initiative,
    InitiativeNeed,
    Invitation,
    Membership,
    Offer,
    Opportunity,
    OpportunityTranslation,
    Organisation,
    Response,
    Session,
    SignUp,
)
from matching.models import (
    Agency,
    HelpRequest,
    IntakeAssessment,
    MatchRun,
    MatchSuggestion,
    Participant,
    Referral,
    StatusChange,
    SupportMatch,
)
from mpact.core.models import Language, LanguageLevel, Neighbourhood, Skill
from mpact.users.models import COORDINATORS_GROUP, User
from volunteers.models import VolunteerLanguage, VolunteerProfile

__all__ = [
    "TEST_PASSWORD",
    "UNUSABLE_PASSWORD",
    "GOOD_INTAKE_SCORES",
    "UserFactory",
    "NeighbourhoodFactory",
    "LanguageFactory",
    "SkillFactory",
    "OrganisationFactory",
    "MembershipFactory",
    "InvitationFactory",
    "ActivityFactory",
    "SessionFactory",
    "SignUpFactory",
    "OpportunityFactory",
    "ResponseFactory",
    "HoursEntryFactory",
    "VolunteerProfileFactory",
    "VolunteerLanguageFactory",
    "VolunteerFactory",
    "ParticipantFactory",
    "AgencyFactory",
    "HelpRequestFactory",
    "StatusChangeFactory",
    "IntakeAssessmentFactory",
    "ReferralFactory",
    "MatchRunFactory",
    "MatchSuggestionFactory",
    "OpportunitySuggestionFactory",
]

# Every account a factory makes can log in with this password (seed_demo's accounts get their
# own).
TEST_PASSWORD = "correct-horse-battery"  # noqa: S105 - test and demo data only
# password=UNUSABLE_PASSWORD: an account that cannot log in with a password, stored as it is
# (no hash, no random suffix): what bulk rows use, where hashing per row would be slow.
UNUSABLE_PASSWORD = factory.django.Password.Force("!")

# An intake that leads to "in control" (IntakeAssessment.triage_for).
GOOD_INTAKE_SCORES = {
    "language": 4,
    "daily_activity": 4,
    "social_network": 4,
    "finances": 4,
    "health": 4,
    "housing": 4,
}


def _set_many(field_name):
    """A post-generation hook that sets a many-to-many field from the value passed, on create."""

    def hook(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, field_name).set(extracted)

    hook.__name__ = field_name
    return factory.PostGeneration(hook)


# --- Accounts and reference data --------------------------------------------------------------


def _join_coordinators(user, create, extracted, **kwargs):
    if create:
        from django.contrib.auth.models import Group

        from mpact.users.roles import coordinators_group_sync

        group = Group.objects.filter(name=COORDINATORS_GROUP).first()
        if group is None:
            coordinators_group_sync()
            group = Group.objects.get(name=COORDINATORS_GROUP)
        user.groups.add(group)


class UserFactory(DjangoModelFactory):
    """An account with a verified primary e-mail address (allauth's), password TEST_PASSWORD.

    `coordinator=True`: staff, in the Coordinators group."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="nl_NL")
    password = factory.django.Password(TEST_PASSWORD)  # hashed; None: unusable

    class Params:
        coordinator = factory.Trait(
            is_staff=True, coordinators_group=factory.PostGeneration(_join_coordinators)
        )

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class NeighbourhoodFactory(DjangoModelFactory):
    """Get or create by slug (municipality and name): reference data is made once."""

    class Meta:
        model = Neighbourhood
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Wijk {n}")
    municipality = "Enschede"
    slug = factory.LazyAttribute(lambda o: slugify(f"{o.municipality}-{o.name}"))
    latitude = Decimal("52.220000")
    longitude = Decimal("6.890000")


class LanguageFactory(DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ["code"]

    code = "nl"
    name_nl = "Nederlands"
    name_en = "Dutch"


class SkillFactory(DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"vaardigheid-{n}")
    name_nl = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())
    name_en = factory.LazyAttribute(lambda o: o.slug)


# --- Organisations, activities, opportunities ---------------------------------------------------


class OrganisationFactory(DjangoModelFactory):
    """An approved organisation (`unapproved=True`: waiting for a coordinator)."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Buurtgroep {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organisation.Kind.VOLUNTEER_GROUP
    email = "info@buurtgroep.example.org"
    approved_at = factory.LazyFunction(timezone.now)
    neighbourhoods = _set_many("neighbourhoods")

    class Params:
        unapproved = factory.Trait(approved_at=None)


class MembershipFactory(DjangoModelFactory):
    """An administrator of the organisation (what most tests need); `plain_member=True`: a
    member who may use the organisation's pages but not invite or remove anyone."""

    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.ADMIN

    class Params:
        plain_member = factory.Trait(role=Membership.Role.MEMBER)


class InvitationFactory(DjangoModelFactory):
    """Sent by an administrator of the organisation (made with their membership unless
    `invited_by` is given)."""

    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = Membership.Role.MEMBER
    invited_by = factory.SubFactory(
        UserFactory,
        admin_of=factory.RelatedFactory(
            MembershipFactory, "user", organisation=factory.SelfAttribute("...organisation")
        ),
    )


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Buurtwandeling {n}")
    description = "Samen wandelen door de wijk en elkaar leren kennen."
    kind = Activity.Kind.WALK
    audience = Activity.Audience.EVERYONE
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    address = "Hoofdstraat 1, Enschede"
    languages = _set_many("languages")


class SessionFactory(DjangoModelFactory):
    """A session in three days. bulk_create skips the signal that keeps the activity's next
    session: call Activity.objects.all().refresh_next_session() after."""

    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 10


class SignUpFactory(DjangoModelFactory):
    """A confirmed sign-up that has taken its place, as the sign-up service would leave it: a
    guest's (name and e-mail address), or with `user=` that person's. Created one at a time it
    takes the place on the session; built for bulk_create, update seats_taken yourself."""

    class Meta:
        model = SignUp

    session = factory.SubFactory(SessionFactory)
    user = None
    name = factory.Maybe(
        "user",
        yes_declaration=factory.SelfAttribute("user.name"),
        no_declaration=factory.Faker("name", locale="nl_NL"),
    )
    email = factory.Maybe(
        "user",
        yes_declaration=factory.SelfAttribute("user.email"),
        no_declaration=factory.Sequence(lambda n: f"guest{n}@example.org"),
    )
    status = SignUp.Status.CONFIRMED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        signup = super()._create(model_class, *args, **kwargs)
        if signup.status == SignUp.Status.CONFIRMED:
            Session.objects.filter(pk=signup.session_id).update(seats_taken=F("seats_taken") + 1)
            signup.session.refresh_from_db()
        return signup


class OpportunityFactory(DjangoModelFactory):
    """A published weekly opportunity (`draft=True`: not yet published)."""

    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Taalmaatje {n}")
    description = "Oefen elke week een uur Nederlands met een nieuwe buurtbewoner."
    commitment = Opportunity.Commitment.WEEKLY
    hours_per_week = 2
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    places = 2
    status = Opportunity.Status.PUBLISHED
    skills = _set_many("skills")
    languages = _set_many("languages")

    class Params:
        draft = factory.Trait(status=Opportunity.Status.DRAFT)


class ActivityTranslationFactory(DjangoModelFactory):
    """An activity's title and description in English (`language="ar"`, …: another)."""

    class Meta:
        model = ActivityTranslation

    activity = factory.SubFactory(ActivityFactory)
    language = "en"
    title = factory.Sequence(lambda n: f"Neighbourhood walk {n}")
    description = "Walk through the neighbourhood together and get to know each other."


class OpportunityTranslationFactory(DjangoModelFactory):
    """An opportunity's title and description in English (`language="ar"`, …: another)."""

    class Meta:
        model = OpportunityTranslation

    opportunity = factory.SubFactory(OpportunityFactory)
    language = "en"
    title = factory.Sequence(lambda n: f"Language buddy {n}")
    description = "Practise Dutch for an hour every week with a new neighbour."


# --- Volunteers ---------------------------------------------------------------------------------


class VolunteerProfileFactory(DjangoModelFactory):
    """A volunteer (shown by their first name) who accepted the current privacy statement, free
    on Monday (morning, afternoon and evening).
    `skills=[…]` and `languages={language: level}` (or pairs) are set on create."""

    class Meta:
        model = VolunteerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda o: (o.user.name or "Vrijwilliger").split()[0])
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    availability = 0b111
    privacy_consent_version = factory.LazyFunction(lambda: settings.PRIVACY_STATEMENT_VERSION)
    privacy_consent_at = factory.LazyFunction(timezone.now)
    skills = _set_many("skills")

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if create and extracted:
            pairs = extracted.items() if isinstance(extracted, dict) else extracted
            VolunteerLanguage.objects.bulk_create(
                VolunteerLanguage(profile=obj, language=language, level=level)
                for language, level in pairs
            )


class VolunteerLanguageFactory(DjangoModelFactory):
    class Meta:
        model = VolunteerLanguage

    profile = factory.SubFactory(VolunteerProfileFactory)
    language = factory.SubFactory(LanguageFactory)
    level = LanguageLevel.NATIVE


class VolunteerFactory(UserFactory):
    """An account with a volunteer profile."""

    profile = factory.RelatedFactory(VolunteerProfileFactory, factory_related_name="user")


class ResponseFactory(DjangoModelFactory):
    """A pending response from a volunteer with a profile (made unless `volunteer` is given)."""

    class Meta:
        model = Response

    opportunity = factory.SubFactory(OpportunityFactory)
    volunteer = factory.SubFactory(VolunteerFactory)
    message = "Ik help graag!"


class HoursEntryFactory(DjangoModelFactory):
    """Hours for an opportunity, logged for its organisation."""

    class Meta:
        model = HoursEntry

    volunteer = factory.SubFactory(UserFactory)
    opportunity = factory.SubFactory(OpportunityFactory)
    organisation = factory.LazyAttribute(lambda o: o.opportunity.organisation)
    date = factory.LazyFunction(timezone.localdate)
    hours = Decimal("2.50")


# --- Help requests and matching -----------------------------------------------------------------


class ParticipantFactory(DjangoModelFactory):
    """A status holder without an account who gave consent to a coordinator."""

    class Meta:
        model = Participant
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="nl_NL")
    phone = "0612345678"
    situation = Participant.Situation.STATUS_HOLDER
    consent_given = True
    consent_method = Participant.ConsentMethod.VERBAL
    consent_at = factory.LazyFunction(timezone.now)
    languages = _set_many("languages")


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Sociaal wijkteam {n}")
    kind = Agency.Kind.SOCIAL_TEAM


class StatusChangeFactory(DjangoModelFactory):
    """One step of a request's timeline, by the request's coordinator."""

    class Meta:
        model = StatusChange

    help_request = factory.SubFactory("mpact.factories.HelpRequestFactory")
    from_status = ""
    to_status = factory.SelfAttribute("help_request.status")
    by = factory.SelfAttribute("help_request.assigned_to")


class IntakeAssessmentFactory(DjangoModelFactory):
    """An intake with `scores` (GOOD_INTAKE_SCORES unless given) and the triage they lead to,
    by the request's coordinator."""

    class Meta:
        model = IntakeAssessment

    help_request = factory.SubFactory("mpact.factories.HelpRequestFactory")
    language = factory.LazyAttribute(lambda o: o.scores["language"])
    daily_activity = factory.LazyAttribute(lambda o: o.scores["daily_activity"])
    social_network = factory.LazyAttribute(lambda o: o.scores["social_network"])
    finances = factory.LazyAttribute(lambda o: o.scores["finances"])
    health = factory.LazyAttribute(lambda o: o.scores["health"])
    housing = factory.LazyAttribute(lambda o: o.scores["housing"])
    assessed_triage = factory.LazyAttribute(lambda o: IntakeAssessment.triage_for(o.scores))
    by = factory.SelfAttribute("help_request.assigned_to")

    class Params:
        scores = factory.LazyFunction(lambda: dict(GOOD_INTAKE_SCORES))


class ReferralFactory(DjangoModelFactory):
    """A referral to an agency with a follow-up in two weeks, by the request's coordinator."""

    class Meta:
        model = Referral

    help_request = factory.SubFactory(
        "mpact.factories.HelpRequestFactory", status=HelpRequest.Status.REFERRED
    )
    agency = factory.SubFactory(AgencyFactory)
    reason = "Professionele hulp nodig."
    referred_on = factory.LazyFunction(timezone.localdate)
    follow_up_on = factory.LazyAttribute(lambda o: o.referred_on + timedelta(days=14))
    by = factory.SelfAttribute("help_request.assigned_to")


def _step(from_status, to_status, reason, by="help_request.assigned_to"):
    """A StatusChange written after the request, as matching.services' _transition does (the
    reason in the active language, with the services' words)."""
    return factory.RelatedFactory(
        StatusChangeFactory,
        factory_related_name="help_request",
        from_status=from_status,
        to_status=to_status,
        reason=factory.LazyAttribute(reason),
        by=factory.SelfAttribute(by),
    )


def _intake_done(step):
    triage = HelpRequest.Triage(step.help_request.triage).label
    return gettext("Intake done: %(triage)s") % {"triage": triage}


def _referred(step):
    request = step.factory_parent
    return gettext("Referred to %(agency)s: %(reason)s") % {
        "agency": request.referred_to,
        "reason": request.referral_reason,
    }


Status = HelpRequest.Status
# What each stage adds to the one before, as the services would leave the request. The steps
# are written in this order (factory_boy runs post-generation declarations in the order they
# were made).
_FILED = {
    "step_filed": _step(
        "", Status.NEW, lambda step: gettext("Request filed"), by="help_request.created_by"
    ),
}
_IN_INTAKE = {
    **_FILED,
    "status": Status.IN_INTAKE,
    "assigned_to": factory.SubFactory(UserFactory, coordinator=True),
    "step_intake": _step(Status.NEW, Status.IN_INTAKE, lambda step: gettext("Intake started")),
}
_OPENED = {
    **_IN_INTAKE,
    "status": Status.OPEN,
    "triage": factory.LazyAttribute(lambda o: IntakeAssessment.triage_for(o.intake_scores)),
    "step_open": _step(Status.IN_INTAKE, Status.OPEN, _intake_done),
    "intake": factory.RelatedFactory(
        IntakeAssessmentFactory,
        factory_related_name="help_request",
        scores=factory.SelfAttribute("..intake_scores"),
    ),
}
_REFERRED = {
    **_OPENED,
    "status": Status.REFERRED,
    "referred_to": factory.SubFactory(AgencyFactory),
    "step_referred": _step(Status.OPEN, Status.REFERRED, _referred),
    "referral": factory.RelatedFactory(
        ReferralFactory,
        factory_related_name="help_request",
        agency=factory.SelfAttribute("..referred_to"),
        reason=factory.SelfAttribute("..referral_reason"),
    ),
}


class HelpRequestFactory(DjangoModelFactory):
    """A new request for a participant about language practice, without a timeline. Passing
    `status=` only sets the field; the stage traits make the request as the services would
    have filed it and moved it on (each stage includes the ones before):

    - `filed=True`: new, with the first step of its timeline (filed, by `created_by`);
    - `in_intake=True`: assigned to a coordinator (made unless `assigned_to` is given), with
      the timeline filed → in intake;
    - `opened=True`: and the intake (`intake_scores`, GOOD_INTAKE_SCORES unless given) with
      the triage it leads to, open for matching;
    - `referred=True`: and referred (`referred_to`: the agency, made unless given;
      `referral_reason`).

    `for_organisation=True`: an organisation asks for more volunteers."""

    class Meta:
        model = HelpRequest
        skip_postgeneration_save = True

    kind = HelpRequest.Kind.LANGUAGE
    description = "Ik wil graag Nederlands oefenen."
    participant = factory.SubFactory(ParticipantFactory)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    languages = _set_many("languages")

    class Params:
        intake_scores = factory.LazyFunction(lambda: dict(GOOD_INTAKE_SCORES))
        referred_to = None  # the agency of `referred` (made unless given)
        referral_reason = "Professionele hulp nodig."
        filed = factory.Trait(**_FILED)
        in_intake = factory.Trait(**_IN_INTAKE)
        opened = factory.Trait(**_OPENED)
        referred = factory.Trait(**_REFERRED)
        for_organisation = factory.Trait(
            participant=None,
            organisation=factory.SubFactory(OrganisationFactory),
            kind=HelpRequest.Kind.MORE_VOLUNTEERS,
            description="We zoeken meer vrijwilligers voor ons taalcafé.",
        )


class MatchRunFactory(DjangoModelFactory):
    """A finished manual run."""

    class Meta:
        model = MatchRun

    status = MatchRun.Status.DONE
    trigger = MatchRun.Trigger.MANUAL
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(seconds=2))


class MatchSuggestionFactory(DjangoModelFactory):
    """A volunteer proposed for an open help request, waiting for a coordinator.

    `approved=True`: the coordinator (the request's) offered it to the volunteer.
    `for_opportunity=True` (or OpportunitySuggestionFactory): suggested for a published
    opportunity instead, straight onto the volunteer's page. Exactly one of help_request and
    opportunity is set (the model's check constraint)."""

    class Meta:
        model = MatchSuggestion

    help_request = factory.SubFactory(HelpRequestFactory, opened=True)
    opportunity = None
    volunteer = factory.SubFactory(VolunteerProfileFactory)
    score = 500
    reasons = factory.LazyFunction(
        lambda: {"nl": ["spreekt Nederlands (moedertaal)"], "en": ["speaks Dutch (native)"]}
    )
    status = MatchSuggestion.Status.PROPOSED

    class Params:
        approved = factory.Trait(
            status=MatchSuggestion.Status.APPROVED,
            decided_by=factory.SelfAttribute("help_request.assigned_to"),
            decided_at=factory.LazyFunction(timezone.now),
            approved_at=factory.SelfAttribute("decided_at"),
        )
        for_opportunity = factory.Trait(
            help_request=None,
            opportunity=factory.SubFactory(OpportunityFactory),
            reasons=factory.LazyFunction(lambda: {"nl": ["5,0 km"], "en": ["5.0 km"]}),
        )


class OpportunitySuggestionFactory(MatchSuggestionFactory):
    """A published opportunity suggested to a volunteer (MatchSuggestionFactory's
    for_opportunity)."""

    for_opportunity = True


class InitiativeFactory(DjangoModelFactory):
    """A resident's initiative waiting for review (`approved=True`: approved), needing a room
    unless `needs` names other kinds: needs=[("money", 250), ("room", None)]."""

    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    proposer = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Kookavond voor buren {n}")
    description = "Samen koken met buren uit verschillende landen, iedereen neemt een recept mee."
    audience = "Buren en nieuwkomers"
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=21))
    participants = 20
    status = Initiative.Status.SUBMITTED

    class Params:
        approved = factory.Trait(status=Initiative.Status.APPROVED)

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if not create:
            return
        for kind, amount in extracted if extracted is not None else [("room", None)]:
            InitiativeNeed.objects.create(initiative=self, kind=kind, amount=amount)


class OfferFactory(DjangoModelFactory):
    """An open room offer for 30 people, every day (kind="goods", quantity=10: goods)."""

    class Meta:
        model = Offer

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "room"
    title = factory.Sequence(lambda n: f"Zaal in het buurthuis {n}")
    description = "Een lichte zaal met keuken, tafels en stoelen."
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    capacity = factory.LazyAttribute(lambda o: 30 if o.kind == "room" else None)
    accessible = True
    quantity = None
    remaining = factory.LazyAttribute(lambda o: o.quantity)


class SupportMatchFactory(DjangoModelFactory):
    """A suggested pairing of an offer with an initiative's need, nobody has said yes yet."""

    class Meta:
        model = SupportMatch

    offer = factory.SubFactory(OfferFactory)
    need = factory.LazyAttribute(
        lambda o: InitiativeFactory(approved=True, neighbourhood=o.offer.neighbourhood).needs.get(
            kind="room"
        )
    )
    date = factory.LazyAttribute(lambda o: o.need.initiative.date if o.need else None)
    source = SupportMatch.Source.ENGINE
    score = 500
    reasons = factory.LazyFunction(lambda: {"nl": ["zelfde wijk"], "en": ["same neighbourhood"]})
