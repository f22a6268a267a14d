from functools import update_wrapper

from allauth.account.decorators import secure_admin_login
from django.contrib.admin import AdminSite
from django.http import Http404


class MpactAdminSite(AdminSite):
    """The coordinators' admin. It logs in through allauth (rate limited like every log in),
    and to a logged-in person who is not staff it does not exist: residents, volunteers and
    organisation members get 404, never a glimpse of a participant's page or a login form."""

    site_header = "M-Pact"
    site_title = "M-Pact"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated and not request.user.is_staff:
                raise Http404
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, view)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not request.user.is_staff:
            raise Http404
        return secure_admin_login(super().login)(request, extra_context)
