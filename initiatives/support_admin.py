"""The coordinators' side of residents' initiatives and organisations' offers in the admin."""

from django.contrib import admin

from initiatives.models import Initiative, InitiativeMessage, InitiativeNeed, Offer, RoomBooking


class InitiativeNeedInline(admin.TabularInline):
    model = InitiativeNeed
    extra = 0


class InitiativeMessageInline(admin.TabularInline):
    model = InitiativeMessage
    extra = 0
    fields = ["created_at", "author", "by_coordinator", "step", "body"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "proposer", "neighbourhood", "date", "status", "created_at"]
    list_filter = ["status", "neighbourhood"]
    search_fields = ["title", "description", "proposer__email"]
    autocomplete_fields = ["proposer"]
    readonly_fields = ["status", "reviewed_by", "reviewed_at", "created_at"]
    inlines = [InitiativeNeedInline, InitiativeMessageInline]


class RoomBookingInline(admin.TabularInline):
    model = RoomBooking
    extra = 0
    fields = ["date", "initiative", "created_at"]
    readonly_fields = fields


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "kind", "neighbourhood", "remaining", "status"]
    list_filter = ["kind", "status", "neighbourhood"]
    search_fields = ["title", "description", "organisation__name"]
    inlines = [RoomBookingInline]
