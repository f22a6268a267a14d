"""The forms of residents' initiatives and organisations' offers (issue 15)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import (
    ALL_WEEKDAYS,
    WEEKDAY_NAMES,
    Initiative,
    InitiativeNeed,
    Offer,
    Support,
)
from mpact.core.models import Neighbourhood
from mpact.forms import Form, ModelForm
from mpact.submissions import SubmitOnceMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class InitiativeForm(SubmitOnceMixin, ModelForm):
    """What, for whom, where and when, and per kind of support: needed or not, how much
    (for what is counted) and what exactly."""

    class Meta:
        model = Initiative
        fields = [
            "title",
            "description",
            "audience",
            "neighbourhood",
            "place",
            "date",
            "start_time",
            "end_time",
            "participants",
            "accessible",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "date": DATE,
            "start_time": TIME,
            "end_time": TIME,
        }
        help_texts = {"date": _("Leave empty if there is no date yet.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {}
        if self.instance.pk:
            existing = {need.kind: need for need in self.instance.needs.all()}
        for kind in Support:
            need = existing.get(kind.value)
            self.fields[f"need_{kind.value}"] = forms.BooleanField(
                label=kind.label, required=False, initial=need is not None
            )
            if kind.unit is not None:
                self.fields[f"amount_{kind.value}"] = forms.IntegerField(
                    label=kind.amount_label,
                    required=False,
                    min_value=1,
                    max_value=1_000_000,
                    initial=need.amount if need else None,
                )
            self.fields[f"details_{kind.value}"] = forms.CharField(
                label=_("What exactly"),
                max_length=300,
                required=False,
                initial=need.details if need else "",
            )

    def need_rows(self):
        """(checkbox, amount or None, details) per kind of support, for the template."""
        return [
            (
                self[f"need_{kind.value}"],
                self[f"amount_{kind.value}"] if kind.unit is not None else None,
                self[f"details_{kind.value}"],
            )
            for kind in Support
        ]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    def cleaned_data_fields(self) -> dict:
        """The initiative's own fields as entered (the needs are `self.needs`)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def clean_date(self):
        date = self.cleaned_data.get("date")
        if date and date < timezone.localdate():
            raise forms.ValidationError(_("The date has passed. Choose a day from today on."))
        return date

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end is before the start."))
        chosen = []
        for kind in Support:
            wanted = data.get(f"need_{kind.value}")
            amount = data.get(f"amount_{kind.value}") if kind.unit is not None else None
            details = data.get(f"details_{kind.value}", "")
            if not wanted and (amount or details):
                self.add_error(
                    f"need_{kind.value}",
                    _("Tick this if you need it, or empty its amount and details."),
                )
            if wanted and kind == Support.MONEY and not amount:
                self.add_error(f"amount_{kind.value}", _("How much money do you need?"))
            if wanted:
                chosen.append({"kind": kind.value, "amount": amount, "details": details})
        if not chosen and not self.has_error("need_room"):
            self.add_error(None, _("Choose at least one kind of support you need."))
        self.needs = chosen
        return data


class InitiativeMessageForm(Form):
    body = forms.CharField(
        label=_("Your message to the coordinators"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WeekdaysField(forms.MultipleChoiceField):
    """Days of the week as checkboxes, stored as a bit mask (Monday bit 0); none: every day."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            choices=[(str(bit), name) for bit, name in enumerate(WEEKDAY_NAMES)], **kwargs
        )

    def prepare_value(self, value):
        if isinstance(value, int):
            return [str(bit) for bit in range(7) if value & (1 << bit)]
        return value

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial or 0), data)

    def clean(self, value):
        chosen = super().clean(value)
        mask = 0
        for bit in chosen:
            mask |= 1 << int(bit)
        return mask


class OfferForm(ModelForm):
    """An offer of any kind; the fields that belong to another kind are left out when saved."""

    weekdays = WeekdaysField(
        label=_("On which days (a room)"),
        required=False,
        help_text=_("None ticked: every day."),
    )

    class Meta:
        model = Offer
        fields = [
            "kind",
            "title",
            "description",
            "neighbourhood",
            "address",
            "available_from",
            "available_until",
            "weekdays",
            "capacity",
            "accessible",
            "quantity",
            "max_amount",
            "delivery",
            "conditions",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "available_from": DATE,
            "available_until": DATE,
        }
        labels = {
            "capacity": _("For how many people (a room)"),
            "accessible": _("Wheelchair accessible (a room)"),
            "quantity": _("How much in all: items, euros, hours or people"),
            "max_amount": _("At most per initiative, in euros (money)"),
            "delivery": _("Pick-up or delivery (goods)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("To offer something else, post a new offer.")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        first, last = data.get("available_from"), data.get("available_until")
        if first and last and last < first:
            self.add_error("available_until", _("The end date is before the start date."))
        if not self.instance.pk and last and last < timezone.localdate():
            self.add_error("available_until", _("This date has passed."))
        if kind == Support.ROOM and not data.get("capacity"):
            self.add_error("capacity", _("For how many people is the room?"))
        if kind and Support(kind).unit is not None and not data.get("quantity"):
            self.add_error(
                "quantity",
                _("How much do you offer, in %(unit)s?") % {"unit": Support(kind).unit},
            )
        if kind == Support.GOODS and not data.get("delivery"):
            self.add_error("delivery", _("Can the goods be picked up, or do you deliver?"))
        if kind == Support.MONEY:
            most, total = data.get("max_amount"), data.get("quantity")
            if most and total and most > total:
                self.add_error("max_amount", _("This is more than the total amount."))
        if data.get("weekdays") == ALL_WEEKDAYS:
            data["weekdays"] = 0
        if kind and kind != Support.ROOM:
            data["capacity"], data["weekdays"], data["accessible"] = None, 0, False
        return data


class SupportAskForm(Form):
    """The proposer asks for an offer, for one of their initiatives that needs its kind."""

    initiative = forms.ModelChoiceField(
        label=_("For which of your initiatives"), queryset=Initiative.objects.none()
    )

    def __init__(self, *args, initiatives=None, **kwargs):
        super().__init__(*args, **kwargs)
        if initiatives is not None:
            self.fields["initiative"].queryset = initiatives


class SupportOfferForm(Form):
    """An organisation's member offers one of its offers to an initiative."""

    offer = forms.ModelChoiceField(label=_("Which of your offers"), queryset=Offer.objects.none())

    def __init__(self, *args, offers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offers is not None:
            self.fields["offer"].queryset = offers
            self.fields["offer"].label_from_instance = lambda o: f"{o.title} ({o.organisation})"


class SupportDeclineForm(Form):
    reason = forms.CharField(label=_("Why not (optional)"), max_length=300, required=False)


class _SupportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind of support"),
        choices=Support.choices,
        empty_label=_("All kinds"),
        method="filter_kind",
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.all(),
        empty_label=_("All neighbourhoods"),
    )

    def search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_kind(self, queryset, name, value):
        return queryset.filter(kind=value)


class InitiativeFilter(_SupportFilter):
    def filter_kind(self, queryset, name, value):
        return queryset.filter(
            pk__in=InitiativeNeed.objects.filter(kind=value, met_at__isnull=True).values(
                "initiative_id"
            )
        )

    class Meta:
        model = Initiative
        fields = ["q", "kind", "neighbourhood"]


class OfferFilter(_SupportFilter):
    free_on = django_filters.DateFilter(
        label=_("Free on (a room)"), method="filter_free_on", widget=DATE
    )

    def filter_free_on(self, queryset, name, value):
        return queryset.filter(pk__in=Offer.objects.offered(on=value).values("pk"))

    class Meta:
        model = Offer
        fields = ["q", "kind", "neighbourhood", "free_on"]
