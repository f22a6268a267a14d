"""factory_boy factories that keep related objects consistent."""

from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from initiatives.models import (
    Activity,
    HoursEntry,
    Membership,
    Opportunity,
    Organisation,
    Response,
    Session,
    SignUp,
)
from matching.models import Agency, HelpRequest, Participant
from mpact.core.models import Language, Neighbourhood, Skill
from mpact.users.models import User
from volunteers.models import VolunteerProfile


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Wijk {n}")
    municipality = "Enschede"
    slug = factory.LazyAttribute(lambda o: f"{o.municipality}-{o.name}".lower().replace(" ", "-"))
    latitude = Decimal("52.220000")
    longitude = Decimal("6.890000")


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ["code"]

    code = "nl"
    name_nl = "Nederlands"
    name_en = "Dutch"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Buurtgroep {n}")
    slug = factory.Sequence(lambda n: f"buurtgroep-{n}")
    kind = Organisation.Kind.VOLUNTEER_GROUP
    email = "info@buurtgroep.example.org"
    approved_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.ADMIN


class ActivityFactory(factory.django.DjangoModelFactory):
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

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.languages.set(extracted)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 10


class SignUpFactory(factory.django.DjangoModelFactory):
    """A confirmed sign-up that has taken its place, as the sign-up service would leave it."""

    class Meta:
        model = SignUp

    session = factory.SubFactory(SessionFactory)
    name = factory.Faker("name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"guest{n}@example.org")
    status = SignUp.Status.CONFIRMED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from django.db.models import F

        signup = super()._create(model_class, *args, **kwargs)
        if signup.status == SignUp.Status.CONFIRMED:
            Session.objects.filter(pk=signup.session_id).update(seats_taken=F("seats_taken") + 1)
            signup.session.refresh_from_db()
        return signup


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"vaardigheid-{n}")
    name_nl = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())
    name_en = factory.LazyAttribute(lambda o: o.slug)


class VolunteerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("first_name", locale="nl_NL")
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    availability = 0b111
    privacy_consent_version = "2026-11"
    privacy_consent_at = factory.LazyFunction(timezone.now)


class OpportunityFactory(factory.django.DjangoModelFactory):
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

    @factory.post_generation
    def skills(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.skills.set(extracted)

    @factory.post_generation
    def languages(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.languages.set(extracted)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    opportunity = factory.SubFactory(OpportunityFactory)
    volunteer = factory.LazyAttribute(lambda o: VolunteerProfileFactory().user)
    message = "Ik help graag!"


class HoursEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HoursEntry

    volunteer = factory.SubFactory(UserFactory)
    opportunity = factory.SubFactory(OpportunityFactory)
    organisation = factory.LazyAttribute(lambda o: o.opportunity.organisation)
    date = factory.LazyFunction(timezone.localdate)
    hours = Decimal("2.50")


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    first_name = factory.Faker("first_name", locale="nl_NL")
    phone = "0612345678"
    situation = Participant.Situation.STATUS_HOLDER
    consent_given = True
    consent_method = Participant.ConsentMethod.VERBAL
    consent_at = factory.LazyFunction(timezone.now)


class HelpRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpRequest

    kind = HelpRequest.Kind.LANGUAGE
    description = "Ik wil graag Nederlands oefenen."
    participant = factory.SubFactory(ParticipantFactory)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Sociaal wijkteam {n}")
    kind = Agency.Kind.SOCIAL_TEAM
