"""Participants: people asking for help without an account; every view of one is logged."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching import services
from matching.models import (
    HelpRequest,
    Participant,
    ParticipantView,
)


class ParticipantViewInline(admin.TabularInline):
    model = ParticipantView
    extra = 0
    can_delete = False
    fields = ["viewed_at", "viewer"]
    readonly_fields = fields
    verbose_name_plural = _("who viewed this record")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("viewer")


class HelpRequestOfParticipantInline(admin.TabularInline):
    model = HelpRequest
    extra = 0
    can_delete = False
    fields = ["kind", "status", "triage", "created_at", "assigned_to"]
    readonly_fields = fields
    show_change_link = True
    fk_name = "participant"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "situation",
        "neighbourhood",
        "dutch_level",
        "requests",
        "created_at",
    ]
    list_filter = ["situation", "neighbourhood__municipality", "dutch_level", "consent_method"]
    search_fields = ["first_name", "last_name", "phone", "email"]
    autocomplete_fields = ["neighbourhood", "user"]
    filter_horizontal = ["languages"]
    readonly_fields = ["created_by", "created_at", "consent_at"]
    inlines = [HelpRequestOfParticipantInline, ParticipantViewInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("neighbourhood")
            .annotate(request_count=Count("help_requests"))
        )

    @admin.display(description=_("requests"), ordering="request_count")
    def requests(self, obj):
        return obj.request_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        participant = self.get_object(request, object_id)
        if participant is not None and self.has_view_or_change_permission(request, participant):
            services.participant_view_log(participant=participant, viewer=request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if obj.consent_given and obj.consent_at is None:
            obj.consent_at = timezone.now()
        super().save_model(request, obj, form, change)
