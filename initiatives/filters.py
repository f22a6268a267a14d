from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Activity, Opportunity, Session
from mpact.core.models import Language, Neighbourhood, Skill
from mpact.forms import Form


def date_window(when: str, today):
    """(first day, last day) of a named window, inclusive."""
    if when == "today":
        return today, today
    if when == "week":
        return today, today + timedelta(days=6 - today.weekday())
    if when == "weekend":
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:  # Sunday: this weekend is today
            saturday = today - timedelta(days=1)
        return max(saturday, today), saturday + timedelta(days=1)
    raise ValueError(when)


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class ActivityFilterForm(Form):
    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class ActivityFilter(django_filters.FilterSet):
    """The activity list's filters. Every filter narrows which upcoming sessions count; an
    activity is listed when one of its sessions passes them all."""

    WHEN_CHOICES = [
        ("today", _("Today")),
        ("week", _("This week")),
        ("weekend", _("This weekend")),
    ]

    q = django_filters.CharFilter(label=_("Search"), method="filter_noop")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Activity.Kind.choices, empty_label=_("All kinds")
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.all(),
        empty_label=_("All neighbourhoods"),
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language"),
        field_name="languages",
        queryset=Language.objects.all(),
        empty_label=_("All languages"),
        to_field_name="code",
    )
    audience = django_filters.ChoiceFilter(
        label=_("Who is it for"),
        choices=Activity.Audience.choices,
        empty_label=_("Any audience"),
        method="filter_audience",
    )
    when = django_filters.ChoiceFilter(
        label=_("When"), choices=WHEN_CHOICES, empty_label=_("Any time"), method="filter_noop"
    )
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_noop", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), method="filter_noop", widget=forms.DateInput(attrs={"type": "date"})
    )
    free = django_filters.BooleanFilter(
        label=_("Only with free places"), method="filter_noop", widget=forms.CheckboxInput
    )

    class Meta:
        model = Activity
        fields = ["q", "kind", "neighbourhood", "language", "audience"]
        form = ActivityFilterForm

    def filter_noop(self, queryset, name, value):
        # Applied together in filter_queryset: they narrow sessions, or (q) rank the result.
        return queryset

    def filter_audience(self, queryset, name, value):
        # Activities for everyone are open to adults and teens too.
        if value in (Activity.Audience.ADULTS, Activity.Audience.TEENS):
            return queryset.filter(audience__in=[value, Activity.Audience.EVERYONE])
        return queryset.filter(audience=value)

    def clean_dates(self):
        data = self.form.cleaned_data
        first, last = data.get("date_from"), data.get("date_to")
        if data.get("when"):
            first, last = date_window(data["when"], timezone.localdate())
        return first, last

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        first, last = self.clean_dates()
        sessions = None  # any upcoming session: listed() takes the fast, stored path
        if first or last or data.get("free"):
            sessions = Session.objects.all()
        if first:
            sessions = sessions.filter(starts_at__gte=_day_start(first))
        if last:
            sessions = sessions.filter(starts_at__lt=_day_start(last + timedelta(days=1)))
        if data.get("free"):
            sessions = sessions.filter(seats_taken__lt=F("capacity"))
        queryset = super().filter_queryset(queryset.listed(sessions=sessions))
        if data.get("q"):
            return queryset.search(data["q"]).order_by("-rank", "next_starts_at", "pk")
        return queryset.order_by("next_starts_at", "pk")


class OpportunityFilter(django_filters.FilterSet):
    DUTCH_LEVELS = [("A1", "A1"), ("A2", "A2"), ("B1", "B1"), ("B2", "B2"), ("C1", "C1")]

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    skill = django_filters.ModelChoiceFilter(
        label=_("Skill"),
        field_name="skills",
        queryset=Skill.objects.all(),
        to_field_name="slug",
        empty_label=_("All skills"),
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language"),
        field_name="languages",
        queryset=Language.objects.all(),
        to_field_name="code",
        empty_label=_("All languages"),
    )
    dutch = django_filters.ChoiceFilter(
        label=_("My Dutch is at level"),
        choices=DUTCH_LEVELS,
        empty_label=_("Any level"),
        method="filter_dutch",
    )
    commitment = django_filters.ChoiceFilter(
        label=_("Time commitment"),
        choices=Opportunity.Commitment.choices,
        empty_label=_("Any"),
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.all(),
        empty_label=_("All neighbourhoods"),
        method="filter_neighbourhood",
    )
    newcomers = django_filters.BooleanFilter(
        label=_("Open to newcomers"), method="filter_newcomers", widget=forms.CheckboxInput
    )
    no_vog = django_filters.BooleanFilter(
        label=_("No certificate of conduct (VOG) needed"),
        method="filter_no_vog",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Opportunity
        fields = ["q", "skill", "language", "dutch", "commitment", "neighbourhood"]
        form = Form  # the input layer: a value no filter can use is refused, never a 5xx

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_dutch(self, queryset, name, value):
        # Opportunities that ask for this level of Dutch or less.
        levels = [""] + [code for code, _label in self.DUTCH_LEVELS]
        return queryset.filter(min_dutch_level__in=levels[: levels.index(value) + 1])

    def filter_neighbourhood(self, queryset, name, value):
        # Remote work fits every neighbourhood.
        return queryset.filter(Q(neighbourhood=value) | Q(is_remote=True))

    def filter_newcomers(self, queryset, name, value):
        return queryset.filter(open_to_newcomers=True) if value else queryset

    def filter_no_vog(self, queryset, name, value):
        return queryset.filter(needs_vog=False) if value else queryset

    @property
    def qs(self):
        queryset = super().qs
        if self.form.cleaned_data.get("q"):
            return queryset.order_by("-rank", "-created_at", "-pk")
        return queryset.order_by("-created_at", "-pk")
