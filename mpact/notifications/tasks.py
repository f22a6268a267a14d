from celery import shared_task

from mpact.notifications import services


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def deliver_notification(self, notification_id: int) -> bool:
    return services.notification_deliver(notification_id=notification_id)


@shared_task
def sweep_undelivered() -> int:
    return services.notifications_sweep()
