from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "mpact.health"
    label = "health"
    verbose_name = "Health"

    def ready(self):
        # Celery's worker decides whether to send heartbeat_sent when it builds its heart,
        # which is after Django is set up: connecting here is early enough.
        from mpact.health import signals  # noqa: F401
