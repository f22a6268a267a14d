"""Pairings of offers with initiatives' needs and goods requests, for coordinators."""

from django.contrib import admin

from matching.models import SupportMatch


@admin.register(SupportMatch)
class SupportMatchAdmin(admin.ModelAdmin):
    list_display = ["offer", "need", "help_request", "score", "status", "source", "created_at"]
    list_filter = ["status", "source", "offer__kind"]
    raw_id_fields = ["offer", "need", "help_request", "booking"]
