"""The worker's heartbeat, written from the worker process through Celery's own signals.

heartbeat_sent is sent by the consumer's heart (celery.worker.heartbeat.Heart) every 2 s for as
long as the worker is connected to the broker; worker_ready when `celery worker` has started.
A worker started with --without-heartbeat sends no heartbeat_sent and is reported stale.
"""

from celery.signals import heartbeat_sent, worker_ready

from mpact.health.heartbeats import WORKER, heartbeat_record, heartbeat_record_throttled


@heartbeat_sent.connect(dispatch_uid="mpact.health.worker_heartbeat")
def worker_heartbeat(sender=None, **kwargs):
    heartbeat_record_throttled(WORKER)


@worker_ready.connect(dispatch_uid="mpact.health.worker_ready")
def worker_started(sender=None, **kwargs):
    heartbeat_record(WORKER)
