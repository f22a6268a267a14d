from celery import shared_task
from django.conf import settings

from mpact.notifications import services


@shared_task(bind=True, max_retries=None)
def deliver_notification(self, notification_id: int) -> bool:
    try:
        return services.notification_deliver(notification_id=notification_id)
    except services.DeliveryFailed as failure:
        # Given up: a permanent refusal (services.is_permanent) or the last attempt. The row
        # shows as failed in the admin; retrying here would only send it to the same refusal.
        if failure.given_up or self.request.retries >= settings.NOTIFICATION_MAX_ATTEMPTS:
            return False
        # Retry exactly when the row is due again; the sweep is the safety net if this
        # message is lost (a worker restart, the broker down).
        raise self.retry(exc=failure, eta=failure.retry_at) from failure


@shared_task
def sweep_undelivered() -> int:
    return services.notifications_sweep()
