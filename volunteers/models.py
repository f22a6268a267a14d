from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpact.core.models import ALL_WEEK, LanguageLevel, Skill, availability_bit

postal_code_validator = RegexValidator(
    r"^[1-9][0-9]{3} ?[A-Za-z]{2}$", _("Enter a Dutch postal code, such as 7511 AB.")
)


class VolunteerProfileQuerySet(models.QuerySet):
    def available(self, today=None):
        """Volunteers who are active now: not paused, account active."""
        today = today or timezone.localdate()
        return self.filter(user__is_active=True).filter(
            Q(paused_until__isnull=True) | Q(paused_until__lt=today)
        )

    def with_valid_vog(self, today=None):
        """Annotates `valid_vog`: a certificate of conduct no older than MATCH_VOG_VALID_YEARS
        (the one place that says when a VOG still counts)."""
        today = today or timezone.localdate()
        years = settings.MATCH_VOG_VALID_YEARS
        try:
            oldest = today.replace(year=today.year - years)
        except ValueError:  # 29 February
            oldest = today.replace(year=today.year - years, day=28)
        return self.annotate(
            valid_vog=ExpressionWrapper(
                Q(has_vog=True, vog_date__gte=oldest), output_field=models.BooleanField()
            )
        )


class VolunteerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    display_name = models.CharField(_("name shown to others"), max_length=80)
    bio = models.TextField(_("about me"), max_length=1500, blank=True)
    neighbourhood = models.ForeignKey(
        "core.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    postal_code = models.CharField(
        _("postal code"), max_length=7, blank=True, validators=[postal_code_validator]
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True)
    other_skills = models.CharField(
        _("other skills, in your own words"), max_length=300, blank=True
    )
    availability = models.PositiveIntegerField(
        _("weekly availability"),
        default=0,
        validators=[MaxValueValidator(ALL_WEEK)],
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), default=2, validators=[MaxValueValidator(60)]
    )
    buddy_capacity = models.PositiveSmallIntegerField(
        _("how many people you can be a buddy to at once"),
        default=0,
        validators=[MaxValueValidator(5)],
    )
    max_distance_km = models.PositiveSmallIntegerField(
        _("how far you will travel (km)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("From the centre of your neighbourhood; we only suggest help within it."),
    )
    opportunity_email = models.BooleanField(
        _("send me a weekly e-mail with opportunities that fit me"), default=True
    )
    prefers_adults = models.BooleanField(_("I like to work with adults"), default=True)
    prefers_teens = models.BooleanField(_("I like to work with teenagers"), default=False)
    has_vog = models.BooleanField(_("I have a certificate of conduct (VOG)"), default=False)
    vog_date = models.DateField(_("date of the certificate of conduct"), null=True, blank=True)
    paused_until = models.DateField(
        _("pause until"),
        null=True,
        blank=True,
        help_text=_("While paused, you get no new requests or suggestions."),
    )
    is_visible = models.BooleanField(
        _("organisations may see my profile"),
        default=True,
        help_text=_(
            "Your name, neighbourhood, skills, languages and 'about me'; never your "
            "e-mail address or postal code. Organisations you respond to always see it."
        ),
    )
    privacy_consent_version = models.CharField(_("privacy statement version"), max_length=20)
    privacy_consent_at = models.DateTimeField(_("privacy statement accepted"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = VolunteerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer profile")
        verbose_name_plural = _("volunteer profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(has_vog=False) | Q(vog_date__isnull=False), name="vog_has_a_date"
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("volunteers:profile_public", kwargs={"pk": self.pk})

    @property
    def is_paused(self) -> bool:
        return bool(self.paused_until and self.paused_until >= timezone.localdate())

    def is_visible_to(self, user) -> bool:
        """Organisations see a profile when its volunteer allows it, or when the volunteer
        responded to one of their opportunities (they need to know who responded)."""
        if not user.is_authenticated:
            return False
        if self.is_visible or self.user_id == user.pk:
            return True
        return self.user.responses.filter(opportunity__organisation__members=user).exists()

    def has_slot(self, weekday: int, part: int) -> bool:
        return bool(self.availability & availability_bit(weekday, part))


class VolunteerLanguage(models.Model):
    profile = models.ForeignKey(
        VolunteerProfile, on_delete=models.CASCADE, related_name="languages"
    )
    language = models.ForeignKey(
        "core.Language", verbose_name=_("language"), on_delete=models.PROTECT
    )
    level = models.CharField(_("level"), max_length=10, choices=LanguageLevel.choices)

    class Meta:
        ordering = ["language__name_nl"]
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        constraints = [
            models.UniqueConstraint(fields=["profile", "language"], name="volunteer_language_once")
        ]

    def __str__(self):
        return f"{self.language} ({self.get_level_display()})"
