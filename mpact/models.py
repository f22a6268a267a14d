from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """A create form that was posted with its one-time token, and where its result lives: the
    same form posted again (a double click, the back button, a reload) is answered with the
    first result instead of a copy (mpact/submissions.py)."""

    token = models.UUIDField(unique=True)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return str(self.token)
