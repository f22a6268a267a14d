from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Agency, CheckIn, HelpRequest, IntakeAssessment, SuccessStory
from mpact.forms import Form, ModelForm
from mpact.submissions import SubmitOnceMixin


class HelpRequestForm(SubmitOnceMixin, ModelForm):
    """A resident asks for help: short, in plain words."""

    class Meta:
        model = HelpRequest
        fields = ["kind", "description", "languages", "neighbourhood", "availability", "urgency"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "languages": forms.CheckboxSelectMultiple,
        }
        labels = {"availability": _("When are you available?")}
        help_texts = {
            "description": _("Tell us in your own words what you need. Any language is fine."),
            "availability": _("For example: weekday mornings, or Saturday."),
        }

    consent = forms.BooleanField(
        label=_("I agree that M-Pact keeps these details to help me."),
        error_messages={"required": _("Without your consent we cannot take your request.")},
    )

    def __init__(self, *args, kinds=HelpRequest.PERSONAL_KINDS, **kwargs):
        super().__init__(*args, **kwargs)
        # No kind chosen for the person: an empty first choice, so that they pick one.
        self.fields["kind"].choices = [("", "---------")] + [
            (kind.value, kind.label) for kind in kinds
        ]


class GuestContactForm(Form):
    """Who to reach, for someone without an account. (Consent is asked of everyone, in
    HelpRequestForm.)"""

    first_name = forms.CharField(label=_("Your first name"), max_length=100)
    phone = forms.CharField(label=_("Phone number"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or data.get("email")) and not self.has_error("email"):
            self.add_error(
                "phone", _("Leave a phone number or an e-mail address, so that we can reach you.")
            )
        return data


class OrganisationHelpRequestForm(SubmitOnceMixin, ModelForm):
    class Meta:
        model = HelpRequest
        fields = ["kind", "description", "urgency"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind.value, kind.label) for kind in HelpRequest.ORGANISATION_KINDS
        ]


SCORE_CHOICES = [
    (1, _("1 – acute problems")),
    (2, _("2 – not self-reliant")),
    (3, _("3 – limited self-reliance")),
    (4, _("4 – sufficiently self-reliant")),
    (5, _("5 – fully self-reliant")),
]


class IntakeForm(Form):
    triage = forms.ChoiceField(
        label=_("Triage"),
        choices=[("", _("As the assessment says"))] + list(HelpRequest.Triage.choices),
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Why another triage than the assessment"), max_length=500, required=False
    )
    notes = forms.CharField(label=_("Intake notes"), widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        domains = {}
        for name, label in IntakeAssessment.DOMAINS:
            domains[name] = forms.TypedChoiceField(
                label=label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
            )
        # The domains first, then the decision.
        self.fields = {**domains, **self.fields}

    def scores(self):
        return {name: self.cleaned_data[name] for name, _label in IntakeAssessment.DOMAINS}


class ReferralForm(Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.filter(is_active=True)
    )
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_on = forms.DateField(
        label=_("Follow up on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_follow_up_on(self):
        value = self.cleaned_data["follow_up_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The follow-up date cannot be in the past."))
        return value


class ReasonForm(Form):
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))


# --- Trajectories -----------------------------------------------------------------------------

GOAL_SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class CheckInForm(Form):
    """A check-in: the date, how it went, a note, and a score (1-5) for each goal. The rules
    (not in the future, not before the start) are the service's; it says why it refuses."""

    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    how_it_went = forms.ChoiceField(
        label=_("How it went"), choices=CheckIn.HowItWent.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = forms.TypedChoiceField(
                label=goal.label,
                choices=GOAL_SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
            )

    def scores(self) -> dict[int, int]:
        return {goal.pk: self.cleaned_data[f"goal_{goal.pk}"] for goal in self.goals}


class SuccessStoryForm(Form):
    text = forms.CharField(
        label=_("The story"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
        help_text=_("What changed? What helped? No addresses or other people's names."),
    )
    shown_as = forms.ChoiceField(
        label=_("Shown"), choices=SuccessStory.ShownAs.choices, widget=forms.RadioSelect
    )
    consent = forms.BooleanField(
        label=_("The participant has read this story and agrees that it is published."),
        required=True,
    )
