from celery import shared_task

from initiatives import services


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def send_session_reminders() -> int:
    return services.session_reminders_send()
