from celery import shared_task

from initiatives import services


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def send_session_reminders() -> int:
    return services.session_reminders_send()


@shared_task
def refresh_next_sessions() -> int:
    """Activities whose stored next session has begun move on to the one after."""
    from django.utils import timezone

    from initiatives.models import Activity
    from mpact.cache import public_pages_changed

    moved = Activity.objects.filter(next_session_at__lt=timezone.now()).refresh_next_session()
    if moved:
        public_pages_changed()  # the lists show the next session
    return moved
