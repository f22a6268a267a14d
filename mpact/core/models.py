"""Reference data that several apps use, at the bottom of the dependency order (README,
"How it works"): neighbourhoods, languages and their levels, skills, and the week.

Neighbourhood, Language and Skill were first made in the apps that needed them first; their
tables keep those names (db_table), moved here without touching the data
(migrations/0001_initial.py).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    """Reference data that coordinators name in the site's languages (languages, skills):
    shown in the visitor's language.

    Dutch and English are required; Arabic and Ukrainian may stay empty, and then the Dutch
    name is shown, as for an activity without a translation: Dutch is the one language every
    name has, and the language of the activities and opportunities these names sit next to,
    so a newcomer learns the word they will meet there. (The name keeps its historical class
    name; it now covers every language of settings.LANGUAGES, NAME_FIELDS.)"""

    name_nl = models.CharField(_("name in Dutch"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    name_ar = models.CharField(_("name in Arabic"), max_length=100, blank=True)
    name_uk = models.CharField(_("name in Ukrainian"), max_length=100, blank=True)

    # The name field for each language, and the one shown when a language's is empty.
    NAME_FIELDS = {"nl": "name_nl", "en": "name_en", "ar": "name_ar", "uk": "name_uk"}
    FALLBACK_FIELD = "name_nl"

    class Meta:
        abstract = True
        ordering = ["name_nl"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name in the current language; the Dutch name where that one is empty."""
        code = (get_language() or "nl").lower()
        field = self.NAME_FIELDS.get(code) or self.NAME_FIELDS.get(code.split("-")[0])
        return (getattr(self, field) if field else "") or getattr(self, self.FALLBACK_FIELD)


class Neighbourhood(models.Model):
    """A district or neighbourhood (wijk / buurt). Data that coordinators manage, not a list."""

    name = models.CharField(_("name"), max_length=120)
    municipality = models.CharField(_("municipality"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    class Meta:
        db_table = "initiatives_neighbourhood"
        ordering = ["municipality", "name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="neighbourhood_unique_per_municipality"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="neighbourhood_valid_centre",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.municipality})"


class Language(BilingualName):
    """A language an activity is held in or a person speaks. `code` is ISO 639."""

    code = models.CharField(_("code"), max_length=12, unique=True)

    class Meta(BilingualName.Meta):
        db_table = "initiatives_language"
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class Skill(BilingualName):
    """A skill from the curated list coordinators keep (volunteers add their own words too)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta(BilingualName.Meta):
        db_table = "volunteers_skill"
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class CuratedSkill(models.TextChoices):
    """The skills the matching asks for by kind of help (matching/runs.py), by their slug: a
    stable identifier. The admin shows a skill's slug read-only once it exists and will not
    delete these, so that no edit can quietly switch a part of the matching off."""

    LANGUAGE_BUDDY = "taalmaatje", _("Language buddy")
    CONVERSATION = "gesprekken", _("Conversation and listening")
    ELDERLY = "ouderen", _("Visiting elderly people")
    PAPERWORK = "administratie", _("Help with letters and paperwork")
    MONEY = "geld", _("Household finances")
    YOUNG_PEOPLE = "jongeren", _("Working with young people")
    WORK = "werk", _("Guidance towards work")


class LanguageLevel(models.TextChoices):
    """CEFR levels, and mother tongue above them, in order (LEVEL_RANK)."""

    A1 = "A1", _("A1 (beginner)")
    A2 = "A2", _("A2 (elementary)")
    B1 = "B1", _("B1 (intermediate)")
    B2 = "B2", _("B2 (upper intermediate)")
    C1 = "C1", _("C1 (advanced)")
    C2 = "C2", _("C2 (proficient)")
    NATIVE = "native", _("Mother tongue")


# Each level's rank, 1 (A1) to 7 (mother tongue), for comparing levels (the matching engine).
LEVEL_RANK = {level: rank for rank, level in enumerate(LanguageLevel.values, start=1)}


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class DayPart(models.IntegerChoices):
    MORNING = 0, _("morning")
    AFTERNOON = 1, _("afternoon")
    EVENING = 2, _("evening")


def availability_bit(weekday: int, part: int) -> int:
    """Weekly availability is a 21-bit mask: one bit per weekday and part of the day, so that
    matching can compare two people's weeks with one AND."""
    return 1 << (weekday * 3 + part)


AVAILABILITY_SLOTS = [
    (availability_bit(day, part), day, part) for day in Weekday.values for part in DayPart.values
]
ALL_WEEK = sum(bit for bit, _, _ in AVAILABILITY_SLOTS)
