"""The Celery app: one module, settings under the CELERY_ namespace, tasks autodiscovered."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpact.settings")

app = Celery("mpact")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
