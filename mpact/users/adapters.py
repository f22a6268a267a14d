from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language


class AccountAdapter(DefaultAccountAdapter):
    """The one place where allauth is adapted to M-Pact."""

    def save_user(self, request, user, form, commit=True):
        # Remember the language the person signed up in: e-mails to them use it.
        user.language = get_language() or ""
        return super().save_user(request, user, form, commit=commit)
