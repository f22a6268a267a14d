"""The agency directory, and referrals to them."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from matching.models import (
    Agency,
    Referral,
)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "email", "is_active", "open_referrals"]
    list_filter = ["kind", "is_active", "neighbourhoods__municipality", "languages"]
    search_fields = ["name", "description", "email"]
    filter_horizontal = ["neighbourhoods", "languages"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_count=Count("referral", filter=Q(referral__outcome="")))
        )

    @admin.display(description=_("referrals without outcome"), ordering="open_count")
    def open_referrals(self, obj):
        return obj.open_count


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["help_request", "agency", "referred_on", "follow_up_on", "has_outcome"]
    list_filter = ["agency__kind", "agency", ("outcome", admin.EmptyFieldListFilter)]
    date_hierarchy = "follow_up_on"
    list_select_related = ["agency", "help_request__participant", "help_request__organisation"]
    readonly_fields = [
        "help_request",
        "agency",
        "reason",
        "referred_on",
        "follow_up_on",
        "by",
        "outcome",
        "outcome_recorded_at",
    ]
    fields = readonly_fields  # the outcome is recorded from the request's page (the service)

    def has_add_permission(self, request):
        return False  # referrals are made from a request's page, through the workflow

    @admin.display(description=_("outcome recorded"), boolean=True)
    def has_outcome(self, obj):
        return bool(obj.outcome)
