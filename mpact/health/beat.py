"""Beat's scheduler, which also records beat's heartbeat (CELERY_BEAT_SCHEDULER in settings)."""

from celery.beat import PersistentScheduler

from mpact.health.heartbeats import BEAT, WRITE_EVERY_SECONDS, heartbeat_record_throttled


class HeartbeatScheduler(PersistentScheduler):
    """Celery's default scheduler (the schedule kept in a shelve file), plus a heartbeat.

    tick() runs in beat's own process whenever it wakes up; it records the heartbeat at most
    once per WRITE_EVERY_SECONDS. Beat sleeps until the next task is due, up to max_interval
    (Celery's default is 300 s): capped here so that the heartbeat is never older than about
    two write intervals while beat runs, well under HEALTH_HEARTBEAT_STALE_SECONDS.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_interval = min(self.max_interval, WRITE_EVERY_SECONDS)

    def tick(self, *args, **kwargs):
        heartbeat_record_throttled(BEAT)
        return super().tick(*args, **kwargs)
