from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """The one place where allauth is adapted to M-Pact."""

    def is_open_for_signup(self, request):
        return True
