from django.contrib import admin

from mpact.core.models import CuratedSkill, Language, Neighbourhood, Skill


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "latitude", "longitude"]
    list_filter = ["municipality"]
    search_fields = ["name", "municipality"]
    prepopulated_fields = {"slug": ["municipality", "name"]}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_en", "name_ar", "name_uk"]
    search_fields = ["code", "name_nl", "name_en", "name_ar", "name_uk"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "name_ar", "name_uk", "slug"]
    search_fields = ["name_nl", "name_en", "name_ar", "name_uk"]

    # The slug is what profiles, opportunities and the matching key on: set once, on adding.
    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ["name_nl"]}

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.slug in CuratedSkill.values:
            return False  # the matching asks for it (CuratedSkill)
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.exclude(slug__in=CuratedSkill.values))
