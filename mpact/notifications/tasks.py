"""Handing notifications to the worker, and the worker's side: delivery with retries, and
beat's sweep of whatever is still undelivered."""

import logging
import time

from celery import shared_task
from django.conf import settings

from mpact.notifications import delivery
from mpact.notifications.models import Notification, TextMessage


@shared_task(bind=True, max_retries=None)
def deliver_notification(self, notification_id: int) -> bool:
    return _run(self, delivery.notification_deliver, notification_id=notification_id)


@shared_task(bind=True, max_retries=None)
def deliver_text(self, text_id: int) -> bool:
    return _run(self, delivery.text_deliver, text_id=text_id)


def _run(task, deliver, **ids) -> bool:
    try:
        return deliver(**ids)
    except delivery.DeliveryFailed as failure:
        # Given up: a permanent refusal (delivery.is_permanent) or the last attempt. The row
        # shows as failed in the admin; retrying here would only send it to the same refusal.
        if failure.given_up or task.request.retries >= settings.NOTIFICATION_MAX_ATTEMPTS:
            return False
        # Retry exactly when the row is due again; the sweep is the safety net if this
        # message is lost (a worker restart, the broker down).
        raise task.retry(exc=failure, eta=failure.retry_at) from failure


@shared_task
def sweep_undelivered() -> int:
    return notifications_sweep()


logger = logging.getLogger(__name__)


# After the broker failed to take a task, requests leave it alone this long (seconds): a broker
# that hangs rather than refuses costs one request its timeouts, not every request. The rows
# are committed either way, and beat's sweep delivers them.
ENQUEUE_RETRY_AFTER = 10.0
_broker_down_until: dict[str, float] = {}


def notification_enqueue(*, notification_id: int, even_if_down: bool = False) -> bool:
    """Hand a notification to the worker; False when the broker cannot be reached (or failed
    moments ago, unless `even_if_down`): the row stays undelivered and the sweep delivers it."""
    return _enqueue(deliver_notification, notification_id, even_if_down=even_if_down)


def text_enqueue(*, text_id: int, even_if_down: bool = False) -> bool:
    """Hand a text message to the worker, as `notification_enqueue`."""
    return _enqueue(deliver_text, text_id, even_if_down=even_if_down)


def _enqueue(task, pk: int, *, even_if_down: bool) -> bool:
    broker = task.app.conf.broker_write_url or ""
    if not even_if_down and time.monotonic() < _broker_down_until.get(broker, 0.0):
        return False
    try:
        task.delay(pk)
    except Exception:  # kombu raises OperationalError and friends; the sweep will retry
        _broker_down_until[broker] = time.monotonic() + ENQUEUE_RETRY_AFTER
        logger.warning(
            "Could not enqueue %s %s; the sweep will deliver it. Not trying the broker again "
            "for %.0f s.",
            "notification" if task is deliver_notification else "text message",
            pk,
            ENQUEUE_RETRY_AFTER,
            exc_info=True,
        )
        return False
    _broker_down_until.pop(broker, None)
    return True


def notifications_sweep(*, limit: int = 500) -> int:
    """Enqueue every undelivered notification and text message nobody holds; returns how many
    were enqueued.

    The sweep is how rows get delivered after an outage, so it tries the broker even when a
    request found it down moments ago; at the first refusal it stops (the next sweep goes on).
    """
    enqueued = 0
    for model, task in ((Notification, deliver_notification), (TextMessage, deliver_text)):
        ids = (
            model.objects.due_for_delivery()
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )
        for pk in ids:
            if not _enqueue(task, pk, even_if_down=True):
                return enqueued
            enqueued += 1
    return enqueued
