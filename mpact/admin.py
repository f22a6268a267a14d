from functools import cache, update_wrapper

from allauth.account.decorators import secure_admin_login
from django.contrib import messages
from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.http import Http404
from django.utils.translation import gettext as _

from mpact.forms import check_date_lookup, guarded, has_forbidden_text


class GuardedChangeList(ChangeList):
    """An admin list whose query string is checked before any of it reaches the database: a
    control character in a filter or search, or a date drill-down outside the input window,
    is refused like any other filter the admin cannot use: the admin sends the coordinator to
    the list without filters (`?e=1`), where GuardedAdminMixin says why. Never a 5xx."""

    def __init__(self, request, model, list_display, list_display_links, list_filter,
                 date_hierarchy, *args, **kwargs):  # fmt: skip
        for key in request.GET:
            if has_forbidden_text(key) or any(map(has_forbidden_text, request.GET.getlist(key))):
                raise IncorrectLookupParameters(f"unusable value for {key!r}")
        if date_hierarchy:
            year, month, day = (
                request.GET.get(f"{date_hierarchy}__{part}") for part in ("year", "month", "day")
            )
            if (year or month or day) and not check_date_lookup(year, month, day):
                raise IncorrectLookupParameters("date outside the window")
        super().__init__(request, model, list_display, list_display_links, list_filter,
                         date_hierarchy, *args, **kwargs)  # fmt: skip


@cache
def _guarded_changelist(changelist):
    if issubclass(changelist, GuardedChangeList):
        return changelist
    return type(changelist.__name__, (GuardedChangeList, changelist), {})


class GuardedAdminMixin:
    """What MpactAdminSite adds to every ModelAdmin registered with it, so that no admin page
    can forget it: forms through the input layer (mpact/forms.py), lists through
    GuardedChangeList."""

    FORM_ATTRIBUTES = ("form", "add_form", "change_password_form")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.FORM_ATTRIBUTES:
            if getattr(self, name, None) is not None:
                setattr(self, name, guarded(getattr(self, name)))

    def get_changelist(self, request, **kwargs):
        return _guarded_changelist(super().get_changelist(request, **kwargs))

    def changelist_view(self, request, extra_context=None):
        if ERROR_FLAG in request.GET:  # where the admin sends a list it could not filter
            messages.warning(
                request,
                _(
                    "A filter, search or date in the address could not be used (for example "
                    "a date outside the years the site accepts, or an invisible character). "
                    "This is the list without it."
                ),
            )
        return super().changelist_view(request, extra_context)

    def get_changelist_form(self, request, **kwargs):
        return guarded(super().get_changelist_form(request, **kwargs))

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            inline.form = guarded(inline.form)
        return inlines


class MpactAdminSite(AdminSite):
    """The coordinators' admin. It logs in through allauth (rate limited like every log in),
    and to a logged-in person who is not staff it does not exist: residents, volunteers and
    organisation members get 404, never a glimpse of a participant's page or a login form."""

    site_header = "M-Pact"
    site_title = "M-Pact"

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or ModelAdmin
        if not issubclass(admin_class, GuardedAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (GuardedAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated and not request.user.is_staff:
                raise Http404
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, view)

    def index(self, request, extra_context=None):
        """The front page, telling whoever may see notifications how many could not be
        delivered (given up: a permanent refusal or too many attempts), so that nobody has to
        go looking for them (templates/admin/index.html)."""
        # the site exists before models
        from mpact.notifications.models import Notification, TextMessage

        context = dict(extra_context or {})
        for model, name in ((Notification, "failed_notifications"), (TextMessage, "failed_texts")):
            model_admin = self._registry.get(model)
            if model_admin is not None and model_admin.has_view_permission(request):
                context[name] = model.objects.filter(failed_at__isnull=False).count()
        return super().index(request, context)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not request.user.is_staff:
            raise Http404
        return secure_admin_login(super().login)(request, extra_context)
