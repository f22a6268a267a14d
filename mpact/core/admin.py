from django.contrib import admin

from mpact.core.models import Language, Neighbourhood, Skill


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "latitude", "longitude"]
    list_filter = ["municipality"]
    search_fields = ["name", "municipality"]
    prepopulated_fields = {"slug": ["municipality", "name"]}


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name_nl", "name_en"]
    search_fields = ["code", "name_nl", "name_en"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "slug"]
    search_fields = ["name_nl", "name_en"]
    prepopulated_fields = {"slug": ["name_nl"]}
