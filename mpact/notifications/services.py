"""Creating notifications (delivering them: delivery.py; the queue: tasks.py).

`notification_create` is called inside the transaction of the change that causes it; the
delivery task is enqueued only after that transaction commits. When the broker is down the
enqueue fails quietly: the row is there and `sweep_undelivered` delivers it later.
"""

import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from mpact.forms import CONTROL_CHARACTERS
from mpact.notifications import tasks
from mpact.notifications.models import Notification

logger = logging.getLogger(__name__)

# Line breaks, other control characters (Unicode category Cc) and any run of whitespace: a
# subject is one e-mail header line, and Django refuses a header with a line break in it.
SUBJECT_BREAKS = re.compile(rf"[\s{CONTROL_CHARACTERS}]+")


def one_line(subject: str) -> str:
    """`subject` as one clean line of at most 200 characters (the column's length)."""
    return SUBJECT_BREAKS.sub(" ", str(subject)).strip()[:200].rstrip()


def in_language_of(user=None, *, fallback: str | None = None):
    """Write a notification in its recipient's language: their saved choice, else `fallback`
    (for example the language a guest used), else the site's default, Dutch."""
    language = getattr(user, "language", "") or fallback or settings.LANGUAGE_CODE
    return translation.override(language)


def notification_create(
    *,
    email: str,
    subject: str,
    body: str,
    kind: str,
    user=None,
    link: str = "",
    attachment: tuple[str, str, str] | None = None,
) -> Notification:
    """Write a notification and have it delivered once the surrounding transaction commits.

    `attachment` is (file name, MIME type, text content), for example a calendar file. The
    subject is made one line here, so that a title with a line break in it (an activity's,
    say) can never make the e-mail unsendable.
    """
    name, mimetype, content = attachment or ("", "", "")
    notification = Notification.objects.create(
        user=user,
        email=email,
        subject=one_line(subject),
        body=body,
        kind=kind,
        link=link,
        language=translation.get_language() or "",
        attachment_name=name,
        attachment_mimetype=mimetype,
        attachment_content=content,
    )
    transaction.on_commit(lambda: tasks.notification_enqueue(notification_id=notification.pk))
    return notification


def notifications_create_for(users, *, kind: str, subject, body, params: dict, link: str = ""):
    """One notification per user, each in their own language: `subject` and `body` are lazy
    strings, filled with `params` once that user's language is active."""
    for user in users:
        with in_language_of(user):
            notification_create(
                user=user,
                email=user.email,
                kind=kind,
                subject=str(subject) % params,
                body=str(body) % params,
                link=link,
            )


def notifications_mark_read(*, user) -> int:
    return (
        Notification.objects.for_user(user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
