"""Creating twice is refused: every create form carries a one-time token.

A person who double-clicks "Send", presses the back button and sends again, or reloads after a
slow answer, posts the same rendered form twice. Each rendered form holds a fresh random token
(a hidden field, `SubmitOnceMixin`); the view makes its row through `submit_once()`, which
records the token in the same transaction as the row. The second post of that form finds the
token taken and is answered with the first result (a redirect to it), not with a copy.

Two posts at the same moment cannot both pass: the token's unique index makes the second wait
for the first transaction and then fail, so it, too, is sent to the first result. A form whose
token is missing or altered still works, without the guard: the token protects people from
their own double clicks, it is not a security control.
"""

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from mpact.models import Submission

logger = logging.getLogger(__name__)

FIELD = "submission_token"
# How long a token is remembered. A form posted again after this makes a new row.
KEEP_DAYS = 7


class SubmitOnceMixin:
    """A form that can be posted once: a hidden one-time token, taken out of cleaned_data
    after validation and kept as `form.submission_token` for `submit_once()`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.UUIDField(
            widget=forms.HiddenInput, required=False, initial=uuid.uuid4
        )

    def full_clean(self):
        super().full_clean()
        cleaned = getattr(self, "cleaned_data", None)
        self.submission_token = cleaned.pop(FIELD, None) if cleaned is not None else None
        if FIELD in self.errors:
            # An altered token is not the person's mistake: drop it and go on without the guard.
            del self.errors[FIELD]
            self.submission_token = None


def submit_once(request, form, create: Callable[[], HttpResponse | None]) -> HttpResponse | None:
    """Call `create` (which makes the row and answers with a redirect to it) once per rendered
    form. The same form posted again gets a redirect to the first result. When `create`
    answers with anything else (None, or a page with an error), nothing it wrote is kept and
    the token stays free, so the corrected form can still be sent."""
    token = getattr(form, "submission_token", None)
    if token is None:
        return create()
    with transaction.atomic():
        try:
            with transaction.atomic():
                Submission.objects.create(token=token)
        except IntegrityError:
            first = Submission.objects.filter(token=token).values_list("result_url", flat=True)
            if first and first[0]:
                messages.info(request, _("You had sent this already. This is what it became."))
                return HttpResponseRedirect(first[0])
            logger.warning("Submission %s was recorded without a result; making it again.", token)
            return create()
        response = create()
        if isinstance(response, HttpResponseRedirect):
            Submission.objects.filter(token=token).update(result_url=response.url[:500])
        else:
            transaction.set_rollback(True)
        return response


def submissions_forget(*, now=None) -> int:
    """Forget tokens older than KEEP_DAYS (daily, by beat); returns how many."""
    before = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    deleted, _by_model = Submission.objects.filter(created_at__lt=before).delete()
    return deleted
