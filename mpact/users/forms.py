"""allauth's account forms with M-Pact's input layer (mpact/forms.py), named in ACCOUNT_FORMS
so that logging in, signing up and resetting a password refuse what every other form does;
and the form for how a person wants to be reached."""

from allauth.account import forms as account
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber

from mpact.forms import ModelForm, guarded
from mpact.users.models import REACH_FIELDS, Channel, User

LoginForm = guarded(account.LoginForm)
SignupForm = guarded(account.SignupForm)
AddEmailForm = guarded(account.AddEmailForm)
ChangePasswordForm = guarded(account.ChangePasswordForm)
SetPasswordForm = guarded(account.SetPasswordForm)
ResetPasswordForm = guarded(account.ResetPasswordForm)
ResetPasswordKeyForm = guarded(account.ResetPasswordKeyForm)
ReauthenticateForm = guarded(account.ReauthenticateForm)


class PhoneInput(forms.TextInput):
    """A phone number as the person reads it (06 12345678 for a Dutch one), and what they
    typed, untouched, when it was refused (phonenumber_field's widget reformats it)."""

    input_type = "tel"

    def format_value(self, value):
        if isinstance(value, PhoneNumber) and value.is_valid():
            if value.country_code == 31:
                return value.as_national
            return value.as_international
        return super().format_value(value)


class ContactSettingsForm(ModelForm):
    """How a person wants to be reached (issue 13): per group of messages e-mail, text message
    or both, the mobile number for texts, and texts on or off (off is what a reply STOP does)."""

    texts_on = forms.BooleanField(
        label=_("Send me text messages"),
        required=False,
        help_text=_("Switch this off to stop all text messages. Replying STOP does the same."),
    )

    class Meta:
        model = User
        fields = ["phone", *REACH_FIELDS]
        help_texts = {
            "phone": _("For text messages. For example 06 12345678, or +963 … from abroad."),
            "reach_confirmations_by": _(
                "When you sign up, move up from the waiting list, or an organisation answers you."
            ),
            "reach_reminders_by": _(
                "The day before an activity, and messages from its organisers."
            ),
            "reach_proposals_by": _("A person or volunteer work that may suit you."),
        }
        widgets = {
            "phone": PhoneInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "reach_confirmations_by": forms.RadioSelect,
            "reach_reminders_by": forms.RadioSelect,
            "reach_proposals_by": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["texts_on"].initial = self.instance.texts_stopped_at is None

    def clean(self):
        cleaned = super().clean()
        wants_texts = any(
            cleaned.get(name) in (Channel.TEXT, Channel.BOTH) for name in REACH_FIELDS
        )
        if wants_texts and cleaned.get("texts_on") and not cleaned.get("phone"):
            if "phone" not in self.errors:
                self.add_error("phone", _("Fill in your mobile number to get text messages."))
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if not self.cleaned_data["texts_on"]:
            user.texts_stopped_at = user.texts_stopped_at or timezone.now()
        else:
            user.texts_stopped_at = None
        if commit:
            user.save()
        return user
