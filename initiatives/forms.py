from django import forms
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import (
    TITLE_MISSING,
    Activity,
    ActivityTranslation,
    Membership,
    Opportunity,
    OpportunityTranslation,
    Organisation,
    Session,
    translation_languages,
)
from mpact.forms import Form, ModelForm
from mpact.submissions import SubmitOnceMixin


class GuestSignUpForm(Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send the confirmation and a link to cancel to this address."),
    )
    join_waitlist = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class MemberSignUpForm(Form):
    """A logged-in person signs up in one click: only whether to join the waiting list."""

    join_waitlist = forms.BooleanField(required=False)


class OrganisationRegisterForm(SubmitOnceMixin, ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "description",
            "kvk_number",
            "website",
            "contact_name",
            "email",
            "phone",
            "neighbourhoods",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "neighbourhoods": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].required = True
        self.fields["email"].required = True
        self.fields["contact_name"].required = True


class OpportunityForm(ModelForm):
    class Meta:
        model = Opportunity
        fields = [
            "title",
            "description",
            "skills",
            "languages",
            "min_dutch_level",
            "commitment",
            "hours_per_week",
            "starts_on",
            "ends_on",
            "neighbourhood",
            "address",
            "is_remote",
            "places",
            "needs_vog",
            "open_to_newcomers",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "skills": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date is before the start date."))
        if data.get("commitment") == Opportunity.Commitment.WEEKLY and not data.get(
            "hours_per_week"
        ):
            self.add_error("hours_per_week", _("How many hours a week?"))
        if data.get("commitment") == Opportunity.Commitment.PERIOD and not (starts and ends):
            self.add_error("ends_on", _("For a period: fill in from and until."))
        if not data.get("is_remote") and not data.get("neighbourhood"):
            self.add_error(
                "neighbourhood", _("Choose a neighbourhood, or tick 'can be done from home'.")
            )
        return data


class ResponseForm(SubmitOnceMixin, Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why does this appeal to you, and when could you start?"),
    )


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("Message to the volunteer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HoursDecisionForm(Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("reject", _("Do not confirm"))]
    )
    reply = forms.CharField(label=_("Message"), max_length=300, required=False)


class InvitationForm(SubmitOnceMixin, Form):
    email = forms.EmailField(label=_("E-mail address of your colleague"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ActivityForm(ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "description",
            "kind",
            "audience",
            "languages",
            "neighbourhood",
            "address",
            "image",
            "image_description",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "languages": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        data = super().clean()
        if data.get("image") and not data.get("image_description"):
            self.add_error(
                "image_description", _("Describe the image for people who cannot see it.")
            )
        return data


class SessionForm(ModelForm):
    class Meta:
        model = Session
        fields = ["starts_at", "ends_at", "capacity", "is_cancelled"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end is before the start."))
        if starts and not self.instance.pk and starts <= timezone.now():
            self.add_error("starts_at", _("A new session must start in the future."))
        return data


class SessionMessageForm(Form):
    """A coordinator's message to everyone signed up for the selected sessions."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=120,
        help_text=_("Also the text message, for those who chose text messages: keep it short."),
    )
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
    )


# --- Translations of an activity or opportunity ----------------------------------------------


class ContentTranslationForm(ModelForm):
    """The title and description in one other language (initiatives.models.ContentTranslation),
    in the organisation's pages and the admin alike. A translation needs a title."""

    class Meta:
        fields = ["language", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"title": {"required": TITLE_MISSING}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What is typed here is in that language: browsers spell-check it so, screen readers
        # read it so, and Arabic runs right to left as it is typed.
        language = self["language"].value()
        if language in dict(translation_languages()):
            for name in ("title", "description"):
                self.fields[name].widget.attrs.update({"lang": language, "dir": "auto"})

    @property
    def language_name(self) -> str:
        """The language this form is for, as chosen on the page (or offered), by name."""
        names = dict(translation_languages())
        return names.get(self["language"].value() or "", _("Translation"))


class BaseTranslationFormSet(BaseInlineFormSet):
    """An object's translations: one form per translation it has, and one more for each
    language it has none in yet, with that language chosen. A form left as it was offered is
    skipped; once something is typed in it, it is a translation and needs a title."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        present = {translation.language for translation in self.get_queryset()}
        missing = [code for code, _name in translation_languages() if code not in present]
        self.extra = len(missing)
        self.initial_extra = [{"language": code} for code in missing]

    def clean(self):
        """A new translation into a language the object has one in already is refused (a
        page opened before someone else added it): the database's constraint is not checked
        by the inline forms themselves."""
        super().clean()
        existing = {translation.language: translation.pk for translation in self.get_queryset()}
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed() or not form.is_valid():
                continue
            language = form.cleaned_data.get("language")
            if language in existing and form.instance.pk != existing[language]:
                form.add_error(
                    "language",
                    forms.ValidationError(
                        _("There is a translation into %(language)s already.")
                        % {"language": form.language_name},
                        code="unique",
                    ),
                )


def _translation_formset(parent, model):
    count = len(translation_languages())
    return inlineformset_factory(
        parent,
        model,
        form=ContentTranslationForm,
        formset=BaseTranslationFormSet,
        fields=ContentTranslationForm.Meta.fields,
        can_delete=True,
        can_delete_extra=False,
        # At most one per language; more forms than that are refused, not built.
        max_num=count,
        absolute_max=count,
        validate_max=True,
    )


ActivityTranslationFormSet = _translation_formset(Activity, ActivityTranslation)
OpportunityTranslationFormSet = _translation_formset(Opportunity, OpportunityTranslation)


# --- Talk sessions: a series, and the attendance register ------------------------------------


class SeriesForm(Form):
    """Plan a series of sessions at once (initiatives.services.sessions_generate)."""

    EVERY = [(1, _("Every week")), (2, _("Every two weeks"))]

    first_start = forms.DateTimeField(
        label=_("First session: date and start time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end_time = forms.TimeField(
        label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    every_weeks = forms.TypedChoiceField(
        label=_("How often"), choices=EVERY, coerce=int, initial=1, widget=forms.RadioSelect
    )
    count = forms.IntegerField(
        label=_("Number of sessions"),
        required=False,
        min_value=1,
        help_text=_("Or leave this empty and give an end date."),
    )
    until = forms.DateField(
        label=_("Until (date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    capacity = forms.IntegerField(label=_("Capacity per session"), min_value=1, initial=12)


class AttendanceForm(Form):
    """The attendance register of one session: who came among those signed up, and one walk-in
    (all three walk-in fields left empty adds none)."""

    came = forms.TypedMultipleChoiceField(
        label=_("Who came"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    first_name = forms.CharField(label=_("First name"), max_length=60, required=False)
    age_group = forms.ChoiceField(label=_("Age group"), required=False)
    first_time = forms.BooleanField(label=_("First time here"), required=False)

    def __init__(self, *args, session, signups, **kwargs):
        super().__init__(*args, **kwargs)
        from initiatives.models import AgeGroup

        self.fields["came"].choices = [(signup.pk, signup.name) for signup in signups]
        self.fields["age_group"].choices = [
            ("", "—"),
            *AgeGroup.for_audience(session.activity.audience),
        ]
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"

    @property
    def has_walk_in(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("first_name") or data.get("age_group"))

    def clean(self):
        data = super().clean()
        if data.get("first_name") and not data.get("age_group"):
            self.add_error("age_group", _("Choose an age group."))
        if data.get("age_group") and not data.get("first_name"):
            self.add_error("first_name", _("Fill in a first name."))
        return data
