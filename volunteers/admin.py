from django.contrib import admin

from volunteers.models import VolunteerLanguage, VolunteerProfile


class VolunteerLanguageInline(admin.TabularInline):
    model = VolunteerLanguage
    extra = 0
    autocomplete_fields = ["language"]


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "neighbourhood",
        "hours_per_week",
        "buddy_capacity",
        "has_vog",
        "paused_until",
    ]
    list_filter = [
        "neighbourhood__municipality",
        "has_vog",
        "prefers_teens",
        "skills",
        "languages__language",
    ]
    search_fields = ["display_name", "user__email", "postal_code", "other_skills"]
    list_select_related = ["neighbourhood"]
    autocomplete_fields = ["user", "neighbourhood"]
    filter_horizontal = ["skills"]
    inlines = [VolunteerLanguageInline]
    readonly_fields = ["privacy_consent_version", "privacy_consent_at", "created_at"]
