"""`manage.py health_check worker` (or beat): exit status 0 when that process's heartbeat is
fresh, 1 when it is stale, missing or unreadable. For the worker and beat containers'
healthchecks in docker-compose.yml."""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from mpact.health.heartbeats import NAMES, heartbeat_states

logger = logging.getLogger("mpact.health")


class Command(BaseCommand):
    help = "Exit non-zero when the named heartbeats (worker, beat) are stale or never seen."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="+", choices=NAMES)

    def handle(self, *args, names, **options):
        try:
            states = heartbeat_states(names)
        except DatabaseError:
            logger.exception("Could not read the heartbeats")
            raise CommandError("unknown: the heartbeats could not be read") from None
        for name, state in states.items():
            self.stdout.write(f"{name}: {state.text}")
        failing = [name for name, state in states.items() if not state.ok]
        if failing:
            raise CommandError(f"not healthy: {', '.join(failing)}")
