from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from mpact.core.models import Language, Neighbourhood


class Organisation(models.Model):
    class Kind(models.TextChoices):
        VOLUNTEER_GROUP = "volunteer_group", _("Volunteer group")
        FOUNDATION = "foundation", _("Foundation")
        WELFARE = "welfare", _("Welfare organisation")
        CLUB = "club", _("Sport or culture club")
        COMPANY = "company", _("Company")
        MUNICIPALITY = "municipality", _("Municipality team")
        RECEPTION = "reception", _("Reception location")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    kvk_number = models.CharField(
        _("Chamber of Commerce number (KvK)"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{8}$", _("A KvK number has 8 digits."))],
    )
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    email = models.EmailField(_("contact e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, verbose_name=_("neighbourhoods served"), blank=True
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("members"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("initiatives:organisation_detail", kwargs={"slug": self.slug})

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


# The expression behind the GIN index of migration 0002: a search must use the same one for
# PostgreSQL to use the index.
# What full-text search ranks, for activities and opportunities alike: the title above the
# description, in Dutch. The GIN indexes are built on this same expression (migrations 0003
# and 0006), so that searches use them.
SEARCH_VECTOR = SearchVector("title", weight="A", config="dutch") + SearchVector(
    "description", weight="B", config="dutch"
)
# On PostgreSQL the database keeps SEARCH_VECTOR in a stored, indexed column of activities and
# opportunities (migration 0013): searches read it instead of building the vector per row.
SEARCH_DOCUMENT = "search_document"


def _stored_document(queryset):
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    return RawSQL(
        f"{table}.{connection.ops.quote_name(SEARCH_DOCUMENT)}",
        [],
        output_field=SearchVectorField(),
    )


def _ranked_search(queryset, text: str):
    """Rows whose title or description match `text`, annotated with `rank` (higher is better).

    PostgreSQL: full-text search with the Dutch configuration (stemming, stop words) over an
    indexed vector, title matches above description matches. SQLite: every word must occur in
    the title or description; title hits rank higher.
    """
    text = " ".join(text.split())
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="dutch", search_type="websearch")
        vector = _stored_document(queryset)
        return queryset.annotate(search=vector, rank=SearchRank(vector, query)).filter(search=query)
    words = text.split()[:10]
    for word in words:
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    title_hits = [
        Case(When(title__icontains=word, then=Value(2)), default=Value(1)) for word in words
    ]
    rank = title_hits[0]
    for hit in title_hits[1:]:
        rank = rank + hit
    return queryset.annotate(rank=rank)


# --- Content in several languages ------------------------------------------------------------
#
# An organisation writes an activity or opportunity in Dutch: its `title` and `description` are
# the authoritative text, and every one has them. It may add a translation per other language
# of the site (settings.LANGUAGES). A visitor sees the text in their language where there is
# one, and the Dutch otherwise, marked as Dutch (lang="nl", so that screen readers pronounce it
# right) with a note in their language (the cards in templates/includes/, the detail pages).


def translation_languages() -> list[tuple[str, str]]:
    """The languages content can be translated into: the site's languages but the default
    (Dutch), in which the object itself is written. A callable, so that the migrations do not
    change when settings.LANGUAGES does."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def content_language(language: str | None = None) -> str | None:
    """The translation a visitor in `language` (by default the current one) should see: its
    code, or None when they read the Dutch text itself (Dutch, or a language with no
    translations)."""
    code = (language or get_language() or settings.LANGUAGE_CODE).lower()
    codes = dict(translation_languages())
    if code in codes:
        return code
    code = code.split("-")[0]
    return code if code in codes else None


# Said by the model (full_clean) and by every form of a translation (initiatives/forms.py).
TITLE_MISSING = _("Give the translation a title, or leave the translation out.")


class ContentTranslation(models.Model):
    """The title and description of an activity or opportunity in one other language than
    Dutch. Concrete subclasses add the foreign key to the object, with related_name
    "translations", and the constraint that makes it one per object and language."""

    language = models.CharField(_("language"), max_length=10, choices=translation_languages)
    title = models.CharField(
        _("title"),
        max_length=200,
        error_messages={"blank": TITLE_MISSING},
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Left empty, visitors see the description in Dutch."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["language"]

    def __str__(self):
        return f"{self.get_language_display()}: {self.title}"


class ShownText:
    """What a visitor sees of an object's title and description in their language, and in
    which language each part is: `title_lang` / `description_lang` are "nl" where the Dutch
    text stands in for a missing translation (the templates put them in a lang attribute),
    else empty. `is_fallback` is true when any part is Dutch for a visitor who reads another
    language: the page then says so."""

    def __init__(self, obj, language, title="", description=""):
        fallback = settings.LANGUAGE_CODE if language else ""
        self.title = title or obj.title
        self.title_lang = "" if title else fallback
        self.description = description or obj.description
        self.description_lang = "" if description else fallback
        self.is_fallback = bool(self.title_lang or self.description_lang)
        # The Dutch text's own direction, for a page that runs right to left (Arabic).
        self.fallback_dir = "rtl" if get_language_info(settings.LANGUAGE_CODE)["bidi"] else "ltr"

    def __str__(self):
        return self.title


class TranslatedContent:
    """For Activity and Opportunity: `shown`, the title and description in the visitor's
    language (ShownText).

    Lists and detail pages fetch the translation with the row, through
    `with_translation()` on the queryset (a subquery per field, no query per row); without
    that, `shown` asks the database once per object and language."""

    # Set by with_translation(): the language asked for and the translation's fields (None
    # where there is none).
    ANNOTATED = "translation_language"

    @property
    def shown(self) -> ShownText:
        language = content_language()
        cache = self.__dict__.setdefault("_shown", {})
        if language not in cache:
            cache[language] = self._shown_in(language)
        return cache[language]

    def _shown_in(self, language) -> ShownText:
        if language is None:
            return ShownText(self, None)
        if getattr(self, self.ANNOTATED, None) == language:
            return ShownText(
                self,
                language,
                getattr(self, "translation_title", None) or "",
                getattr(self, "translation_description", None) or "",
            )
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("translations")
        if prefetched is not None:
            found = next((t for t in prefetched if t.language == language), None)
        elif self.pk:
            found = self.translations.filter(language=language).first()
        else:
            found = None
        return ShownText(self, language, *((found.title, found.description) if found else ()))


class TranslatedQuerySet(models.QuerySet):
    def with_translation(self, language=None):
        """Each row with its translation into the visitor's language (or `language`), for
        `shown`: a subquery per field, on the (object, language) index, so a list costs no
        query more. Nothing is added for a visitor who reads Dutch."""
        language = content_language(language)
        if language is None:
            return self
        translation = self.model.translations.rel.related_model.objects.filter(
            **{self.model.translations.field.name: OuterRef("pk")}, language=language
        )
        return self.annotate(
            **{
                TranslatedContent.ANNOTATED: Value(language, output_field=models.CharField()),
                "translation_title": Subquery(translation.values("title")[:1]),
                "translation_description": Subquery(translation.values("description")[:1]),
            }
        )


class ActivityQuerySet(TranslatedQuerySet):
    def search(self, text: str):
        """Activities matching `text`, annotated with `rank` (higher is better)."""
        return _ranked_search(self, text)

    def published(self):
        return self.filter(
            status=Activity.Status.PUBLISHED, organisation__approved_at__isnull=False
        )

    def listed(self, sessions=None, now=None):
        """Published activities that have an upcoming session among `sessions`.

        Each row carries its next such session's start and places left, and its title in the
        visitor's language (with_translation), so a list page needs no query per row.
        `sessions` narrows which sessions count (a date window, free places).

        Without `sessions`, the stored `next_session_at` selects and orders the activities
        (an index scan for the first page, where a subquery per activity cost 90 ms at 20,000
        activities); the places-left subquery then runs only for the rows of the page.
        """
        now = now or timezone.now()
        upcoming = (sessions if sessions is not None else Session.objects.all()).filter(
            activity=OuterRef("pk"), starts_at__gte=now, is_cancelled=False
        )
        next_session = upcoming.order_by("starts_at", "pk")
        places_left = Subquery(
            next_session.annotate(left=F("capacity") - F("seats_taken")).values("left")[:1]
        )
        if sessions is None:
            queryset = (
                self.published()
                .filter(next_session_at__isnull=False)
                .annotate(next_starts_at=F("next_session_at"), next_places_left=places_left)
            )
        else:
            queryset = (
                self.published()
                .filter(Exists(upcoming))
                .annotate(
                    next_starts_at=Subquery(next_session.values("starts_at")[:1]),
                    next_places_left=places_left,
                )
            )
        return (
            queryset.select_related("organisation", "neighbourhood")
            .prefetch_related("languages")
            .with_translation()
        )

    def refresh_next_session(self, now=None) -> int:
        """Store each activity's next upcoming session start (None when there is none).
        Called when sessions change, and every minute by beat for sessions that began."""
        now = now or timezone.now()
        upcoming = (
            Session.objects.filter(activity=OuterRef("pk"), starts_at__gte=now, is_cancelled=False)
            .order_by("starts_at")
            .values("starts_at")[:1]
        )
        return self.update(next_session_at=Subquery(upcoming))


class Activity(TranslatedContent, models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        TALK_SESSION = "talk_session", _("Talk session")
        LANGUAGE_CAFE = "language_cafe", _("Language café")
        WALK = "walk", _("Walk")
        COOKING = "cooking", _("Cooking")
        SPORT = "sport", _("Sport")
        COMPANY_VISIT = "company_visit", _("Company visit")
        TRAINING = "training", _("Training")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        ADULTS = "adults", _("Adults")
        TEENS = "teens", _("Teens")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("neighbourhood"), on_delete=models.PROTECT
    )
    address = models.CharField(_("address"), max_length=250)
    image = models.ImageField(_("image"), upload_to="activities/", blank=True)
    image_description = models.CharField(
        _("image description"),
        max_length=200,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED
    )
    # Derived from the sessions (ActivityQuerySet.refresh_next_session), for a fast list.
    next_session_at = models.DateTimeField(_("next session"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["kind", "audience"], name="activity_kind_audience"),
            models.Index(
                fields=["next_session_at", "id"],
                name="activity_next_session",
                condition=Q(status="published", next_session_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("initiatives:activity_detail", kwargs={"pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now(), is_cancelled=False)


class Session(models.Model):
    """One occurrence of an activity. `seats_taken` counts confirmed sign-ups; the database
    keeps it within capacity, so no race can overbook a session."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"))
    seats_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["activity", "starts_at"], name="session_activity_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="session_not_overbooked"
            ),
        ]

    def __str__(self):
        return f"{self.activity.title}, {timezone.localtime(self.starts_at):%d-%m-%Y %H:%M}"

    def save(self, *args, **kwargs):
        # seats_taken changes only through atomic UPDATEs in initiatives.services; saving an
        # edited session (admin, organisation pages) must not write back a stale count.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "seats_taken"
            ]
        super().save(*args, **kwargs)

    def clean(self):
        """Forms (the organisation's, the admin page and its inline) refuse a capacity below the
        places taken; session_save checks it again under the row's lock."""
        super().clean()
        if problem := self.capacity_problem(self.seats_taken):
            raise ValidationError({"capacity": problem})

    def capacity_problem(self, seats_taken: int) -> str | None:
        if self.pk and self.capacity is not None and self.capacity < seats_taken:
            return _("%(count)d people are signed up already; the capacity cannot be lower.") % {
                "count": seats_taken
            }
        return None

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_taken >= self.capacity

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class SignUpQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=SignUp.ACTIVE_STATUSES)

    def waiting(self):
        return self.filter(status=SignUp.Status.WAITLISTED).order_by("created_at", "pk")


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


# A sign-up that holds a place or a place on the waiting list (the model's constraint and
# index say it too: Meta sees this name, not the class's attributes).
ACTIVE_SIGNUP_STATUSES = [SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED]


class SignUp(models.Model):
    Status = SignUpStatus
    ACTIVE_STATUSES = ACTIVE_SIGNUP_STATUSES

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signups",
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # The language the person used when signing up: their e-mails are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)

    objects = SignUpQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            # One active sign-up per person per session, also under concurrent requests.
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(status__in=ACTIVE_SIGNUP_STATUSES),
                name="signup_once_per_session",
            )
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="signup_session_status"),
            # A person's own sign-ups (their page, "my sign-ups"), found by e-mail address.
            models.Index(
                fields=["email"],
                condition=Q(status__in=ACTIVE_SIGNUP_STATUSES),
                name="signup_email_active",
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.session}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class AgeGroup(models.TextChoices):
    """The age groups a host notes for a walk-in (no birth date, no account)."""

    UNDER_12 = "under_12", _("under 12")
    AGE_12_17 = "12_17", _("12-17")
    AGE_18_26 = "18_26", _("18-26")
    AGE_27_64 = "27_64", _("27-64")
    AGE_65_PLUS = "65_plus", _("65+")

    @classmethod
    def for_audience(cls, audience: str) -> list[tuple[str, str]]:
        """The groups a session for `audience` offers: the teen groups for teens, the adult
        groups for adults, all of them for everyone."""
        values = {
            Activity.Audience.TEENS: [cls.UNDER_12, cls.AGE_12_17, cls.AGE_18_26],
            Activity.Audience.ADULTS: [cls.AGE_18_26, cls.AGE_27_64, cls.AGE_65_PLUS],
        }.get(audience, list(cls))
        return [(value.value, value.label) for value in values]


class WalkIn(models.Model):
    """Someone who came to a session without signing up, noted by the host in the attendance
    register: a first name, an age group and whether it was their first time. No account, no
    contact details."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="walk_ins")
    first_name = models.CharField(_("first name"), max_length=60)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices)
    first_time = models.BooleanField(_("first time here"), default=False)
    created_at = models.DateTimeField(_("noted"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("walk-in")
        verbose_name_plural = _("walk-ins")

    def __str__(self):
        return f"{self.first_name} – {self.session}"


class OpportunityQuerySet(TranslatedQuerySet):
    def public(self):
        """What anyone may see: published opportunities of approved organisations."""
        return self.filter(
            status=Opportunity.Status.PUBLISHED, organisation__approved_at__isnull=False
        )

    def search(self, text: str):
        """Like ActivityQuerySet.search."""
        return _ranked_search(self, text)

    def listed(self):
        """Public opportunities with what a card shows, so a list page needs no query per row:
        organisation and neighbourhood, skills and languages (one query each for the page),
        and the title in the visitor's language (with_translation)."""
        return (
            self.public()
            .select_related("organisation", "neighbourhood")
            .prefetch_related("skills", "languages")
            .with_translation()
        )


class Opportunity(TranslatedContent, models.Model):
    """A volunteer opportunity (vrijwilligersvacature) an organisation posts."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")

    # The moves between statuses, declared once: the service that moves an opportunity
    # (initiatives/services/opportunities.py) and the organisation's pages ask the model.
    STATUS_MOVES = {
        Status.DRAFT: {Status.PUBLISHED, Status.CLOSED},
        Status.PUBLISHED: {Status.FILLED, Status.CLOSED, Status.DRAFT},
        Status.FILLED: {Status.PUBLISHED, Status.CLOSED},
        Status.CLOSED: {Status.PUBLISHED},
    }

    class Commitment(models.TextChoices):
        ONE_OFF = "one_off", _("One-off")
        WEEKLY = "weekly", _("Weekly")
        PERIOD = "period", _("For a period")

    class DutchLevel(models.TextChoices):
        NONE = "", _("No Dutch needed")
        A1 = "A1", "A1"
        A2 = "A2", "A2"
        B1 = "B1", "B1"
        B2 = "B2", "B2"
        C1 = "C1", "C1"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    skills = models.ManyToManyField("core.Skill", verbose_name=_("skills wanted"), blank=True)
    languages = models.ManyToManyField(Language, verbose_name=_("languages wanted"), blank=True)
    min_dutch_level = models.CharField(
        _("minimum level of Dutch"), max_length=2, choices=DutchLevel.choices, blank=True
    )
    commitment = models.CharField(_("time commitment"), max_length=20, choices=Commitment.choices)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), null=True, blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    is_remote = models.BooleanField(_("can be done from home"), default=False)
    places = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MinValueValidator(1)]
    )
    needs_vog = models.BooleanField(_("certificate of conduct (VOG) needed"), default=False)
    open_to_newcomers = models.BooleanField(_("open to newcomers with basic Dutch"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("volunteer opportunity")
        verbose_name_plural = _("volunteer opportunities")
        indexes = [models.Index(fields=["status", "-created_at"], name="opportunity_status_new")]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="opportunity_places_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="opportunity_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("initiatives:opportunity_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.is_published and self.organisation.is_approved

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def can_become(self, status) -> bool:
        return status in self.STATUS_MOVES[self.status]

    @property
    def next_statuses(self) -> list[str]:
        """The statuses the organisation can move it to now (the buttons on its dashboard)."""
        return [status for status in self.Status if self.can_become(status)]


class ActivityTranslation(ContentTranslation):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="translations")

    class Meta(ContentTranslation.Meta):
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "language"], name="activity_translation_once_per_language"
            )
        ]


class OpportunityTranslation(ContentTranslation):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="translations"
    )

    class Meta(ContentTranslation.Meta):
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "language"],
                name="opportunity_translation_once_per_language",
            )
        ]


class Response(models.Model):
    """A volunteer's response to an opportunity, which the organisation accepts or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="responses")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="responses"
    )
    message = models.TextField(_("your message"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    reply = models.TextField(_("message to the volunteer"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("responded"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "volunteer"], name="response_once_per_opportunity"
            )
        ]

    def __str__(self):
        return f"{self.volunteer} → {self.opportunity}"


class Invitation(models.Model):
    """An invitation to join an organisation, sent by e-mail as a signed link."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organisation}"


class HoursEntryQuerySet(models.QuerySet):
    def monthly_totals(self):
        """Hours per calendar month, confirmed and all, newest month first."""
        from django.db.models.functions import TruncMonth

        return (
            self.annotate(month=TruncMonth("date"))
            .values("month")
            .annotate(
                total=Sum("hours"),
                confirmed=Sum("hours", filter=Q(status=HoursEntry.Status.CONFIRMED)),
            )
            .order_by("-month")
        )


class HoursEntry(models.Model):
    """Hours a volunteer gave, for an opportunity or activity; the organisation confirms."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Not confirmed")

    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hours_entries"
    )
    organisation = models.ForeignKey(
        "initiatives.Organisation", on_delete=models.CASCADE, related_name="hours_entries"
    )
    opportunity = models.ForeignKey(
        "initiatives.Opportunity",
        verbose_name=_("volunteer opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    activity = models.ForeignKey(
        "initiatives.Activity",
        verbose_name=_("activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0.25), MaxValueValidator(24)],
    )
    note = models.CharField(_("what you did"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    reply = models.CharField(_("message from the organisation"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("logged"), default=timezone.now)

    objects = HoursEntryQuerySet.as_manager()

    class Meta:
        db_table = "volunteers_hoursentry"  # made in volunteers; moved here as it was
        ordering = ["-date", "-pk"]
        verbose_name = _("hours")
        verbose_name_plural = _("hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="hours_within_a_day"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="hours_org_status")]

    def __str__(self):
        return f"{self.volunteer} {self.date}: {self.hours}"

    @property
    def subject(self):
        return self.opportunity or self.activity


# Residents' initiatives and organisations' offers (issue 15), in their own module.
from initiatives.models.support import (  # noqa: E402, F401
    ALL_WEEKDAYS,
    WEEKDAY_NAMES,
    Initiative,
    InitiativeMessage,
    InitiativeNeed,
    Offer,
    RoomBooking,
    Support,
    weekday_bit,
)
