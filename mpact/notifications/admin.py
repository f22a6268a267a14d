from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mpact.notifications.models import Notification, TextMessage
from mpact.notifications.tasks import notification_enqueue, text_enqueue


class DeliveryAdmin(admin.ModelAdmin):
    """Rows the workers deliver: read only, with the action to try a given-up one again."""

    list_filter = [
        ("sent_at", admin.EmptyFieldListFilter),
        ("failed_at", admin.EmptyFieldListFilter),
    ]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def enqueue(self, pk: int) -> None:
        raise NotImplementedError

    @admin.action(description=_("Try delivering again"))
    def retry(self, request, queryset):
        rows = list(queryset.filter(sent_at__isnull=True).values_list("pk", flat=True))
        queryset.filter(pk__in=rows).update(failed_at=None, next_attempt_at=None, claimed_at=None)
        for pk in rows:
            self.enqueue(pk)
        self.message_user(request, _("Queued again for delivery."))


@admin.register(Notification)
class NotificationAdmin(DeliveryAdmin):
    list_display = [
        "subject",
        "email",
        "kind",
        "by_email",
        "created_at",
        "sent_at",
        "failed_at",
        "attempts",
    ]
    list_filter = ["kind", *DeliveryAdmin.list_filter]
    search_fields = ["email", "subject"]

    def enqueue(self, pk):
        notification_enqueue(notification_id=pk)


@admin.register(TextMessage)
class TextMessageAdmin(DeliveryAdmin):
    list_display = ["body", "phone", "created_at", "sent_at", "failed_at", "attempts"]
    search_fields = ["phone", "body"]
    list_select_related = ["notification"]

    def enqueue(self, pk):
        text_enqueue(text_id=pk)
