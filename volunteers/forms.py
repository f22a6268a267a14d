from django import forms
from django.conf import settings
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpact.core.models import AVAILABILITY_SLOTS, DayPart, Skill, Weekday
from mpact.forms import Form, ModelForm
from mpact.submissions import SubmitOnceMixin
from volunteers.models import VolunteerLanguage, VolunteerProfile


class AvailabilityField(forms.TypedMultipleChoiceField):
    """The week as checkboxes (weekday x part of the day), stored as a bit mask."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        choices = [
            (bit, f"{Weekday(day).label} {DayPart(part).label}")
            for bit, day, part in AVAILABILITY_SLOTS
        ]
        super().__init__(choices=choices, coerce=int, required=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return [bit for bit, _, _ in AVAILABILITY_SLOTS if value & bit]
        return value

    def clean(self, value):
        return sum(super().clean(value))

    def has_changed(self, initial, data):
        """Compares masks: the initial value is the stored int, the data a list of bits."""
        if self.disabled:
            return False
        try:
            before = initial if isinstance(initial, int) else sum(map(int, initial or []))
            return before != sum(map(int, data or []))
        except (TypeError, ValueError):
            return True


class VolunteerProfileForm(ModelForm):
    availability = AvailabilityField(label=_("When are you usually free?"))
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    privacy_consent = forms.BooleanField(
        label=_("I have read the privacy statement and agree that M-Pact keeps these details."),
        required=True,
        error_messages={"required": _("Without your consent we cannot keep your profile.")},
    )

    class Meta:
        model = VolunteerProfile
        fields = [
            "display_name",
            "bio",
            "neighbourhood",
            "postal_code",
            "skills",
            "other_skills",
            "availability",
            "hours_per_week",
            "buddy_capacity",
            "max_distance_km",
            "prefers_adults",
            "prefers_teens",
            "has_vog",
            "vog_date",
            "paused_until",
            "is_visible",
            "opportunity_email",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "vog_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "paused_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Consent to an older version of the statement does not count: ask again.
        if self.instance.privacy_consent_version == settings.PRIVACY_STATEMENT_VERSION:
            self.fields["privacy_consent"].initial = True
        self.fields["neighbourhood"].queryset = self.fields["neighbourhood"].queryset.order_by(
            "municipality", "name"
        )
        self.fields["postal_code"].widget.attrs["autocomplete"] = "postal-code"
        self.fields["display_name"].widget.attrs["autocomplete"] = "nickname"

    def availability_rows(self):
        """The week as rows of (weekday, [(checkbox, part of day)]) for the template grid."""
        boxes = {int(box.data["value"]): box for box in self["availability"]}
        return [
            (
                Weekday(day).label,
                [
                    (boxes[bit], DayPart(part).label)
                    for bit, slot_day, part in AVAILABILITY_SLOTS
                    if slot_day == day
                ],
            )
            for day in Weekday.values
        ]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        if data.get("has_vog") and not data.get("vog_date"):
            self.add_error("vog_date", _("Fill in the date of your certificate of conduct."))
        if data.get("vog_date") and data["vog_date"] > today:
            self.add_error("vog_date", _("The date of the certificate cannot be in the future."))
        if data.get("paused_until") and data["paused_until"] < today:
            self.add_error("paused_until", _("Choose a date from today on, or leave it empty."))
        return data


VolunteerLanguageFormSet = inlineformset_factory(
    VolunteerProfile,
    VolunteerLanguage,
    form=ModelForm,
    fields=["language", "level"],
    extra=2,
    can_delete=True,
    max_num=12,
)


class HoursForm(SubmitOnceMixin, Form):
    subject = forms.ChoiceField(label=_("Opportunity or activity"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=0.25,
        max_value=24,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25"}),
    )
    note = forms.CharField(label=_("What you did"), max_length=300, required=False)

    def __init__(self, *args, opportunities, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = {f"o{o.pk}": ("opportunity", o) for o in opportunities}
        self.subjects.update({f"a{a.pk}": ("activity", a) for a in activities})
        self.fields["subject"].choices = [("", "---------")] + [
            (key, f"{obj.title} ({obj.organisation.name})")
            for key, (_kind, obj) in self.subjects.items()
        ]

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("You cannot log hours for a day that has not come yet."))
        return value

    def subject_kwargs(self):
        kind, obj = self.subjects[self.cleaned_data["subject"]]
        return {kind: obj}
