from django import forms
from django.utils.translation import gettext_lazy as _


class GuestSignUpForm(forms.Form):
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


class MemberSignUpForm(forms.Form):
    """A logged-in person signs up in one click: only whether to join the waiting list."""

    join_waitlist = forms.BooleanField(required=False)
