"""The intake queue's own filters."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AgeFilter(admin.SimpleListFilter):
    title = _("waiting since")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("week", _("less than a week")),
            ("month", _("1 to 4 weeks")),
            ("older", _("more than 4 weeks")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        week, month = now - timedelta(days=7), now - timedelta(days=28)
        return {
            "week": lambda: queryset.filter(created_at__gte=week),
            "month": lambda: queryset.filter(created_at__lt=week, created_at__gte=month),
            "older": lambda: queryset.filter(created_at__lt=month),
        }.get(self.value(), lambda: queryset)()


class AssignedFilter(admin.SimpleListFilter):
    title = _("coordinator")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("My requests")), ("nobody", _("Nobody yet"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class SuggestionsFilter(admin.SimpleListFilter):
    title = _("suggested volunteers")
    parameter_name = "suggestions"

    def lookups(self, request, model_admin):
        return [("review", _("To review"))]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(to_review__gt=0)
        return queryset


class StaleFilter(admin.SimpleListFilter):
    title = _("untouched")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Untouched too long"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            from django.conf import settings

            limit = timezone.now() - timedelta(days=settings.HELP_REQUEST_STALE_DAYS)
            return queryset.untouched_since(limit)
        return queryset
