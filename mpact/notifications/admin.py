from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mpact.notifications.models import Notification
from mpact.notifications.tasks import notification_enqueue


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "email", "kind", "created_at", "sent_at", "failed_at", "attempts"]
    list_filter = [
        "kind",
        ("sent_at", admin.EmptyFieldListFilter),
        ("failed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Try delivering again"))
    def retry(self, request, queryset):
        rows = list(queryset.filter(sent_at__isnull=True).values_list("pk", flat=True))
        queryset.filter(pk__in=rows).update(failed_at=None, next_attempt_at=None, claimed_at=None)
        for pk in rows:
            notification_enqueue(notification_id=pk)
        self.message_user(request, _("Queued again for delivery."))
