from django.db import models


class Heartbeat(models.Model):
    """When a background process ("worker", "beat") last showed it was alive.

    In the database, not the cache: the embedded default's local-memory cache is private to
    each process, so the web process would never see what the worker wrote there.
    """

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
