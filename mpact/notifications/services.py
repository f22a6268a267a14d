"""Creating notifications (delivering them: delivery.py; the queue: tasks.py).

Features tell people through `notifications_create_for`, which writes one notification per
recipient in that recipient's language, inside the transaction of the change that causes it;
the delivery task is enqueued only after that transaction commits. When the broker is down the
enqueue fails quietly: the row is there and `sweep_undelivered` delivers it later.
"""

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise

from mpact.forms import CONTROL_CHARACTERS
from mpact.notifications import tasks
from mpact.notifications.models import Notification
from mpact.users.backends import UNREAD

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
    kind: Notification.Kind,
    user=None,
    link: str = "",
    attachment: tuple[str, str, str] | None = None,
) -> Notification:
    """Write one notification, in the active language, and have it delivered once the
    surrounding transaction commits. Features use `notifications_create_for`.

    `kind` must be one of Notification.Kind (ValueError otherwise). `attachment` is (file
    name, MIME type, text content), for example a calendar file. The subject is made one line
    here, so that a title with a line break in it (an activity's, say) can never make the
    e-mail unsendable.
    """
    kind = Notification.Kind(kind)
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


@dataclass(frozen=True)
class Recipient:
    """Someone to tell who is not (only) an account: an e-mail address, the account if there
    is one, and the language to use when the account has none (a guest's sign-up stores the
    language they used). An account is a recipient as it is."""

    email: str
    user: Any = None
    language: str = ""


# A text of a notification: a (lazy) string, filled with `params` once the recipient's
# language is active, or a function that returns the finished text and is called then.
Text = str | Promise | Callable[[], str]


def _text(text: Text, params: dict | None = None) -> str:
    if callable(text):
        return str(text())
    return str(text % params if params is not None else text)


def _attachment(attachment: tuple[Text, str, Text] | None) -> tuple[str, str, str] | None:
    if attachment is None:
        return None
    name, mimetype, content = attachment
    return _text(name), mimetype, _text(content)


def notifications_create_for(
    recipients: Iterable,
    *,
    kind: Notification.Kind,
    subject: Text,
    body: Text | None = None,
    params: dict | None = None,
    template: str = "",
    context: dict | None = None,
    link: str = "",
    attachment: tuple[Text, str, Text] | None = None,
) -> list[Notification]:
    """Tell each of `recipients` (accounts, or `Recipient`s), each in their own language:
    their saved choice, else the recipient's `language`, else the site's (`in_language_of`).

    Everything that depends on the language is made once that language is active: `subject`
    and `body` (see `Text`; `params` fills lazy strings, not the functions' results), or
    instead of `body` a `template` rendered with `context`, and the `attachment`'s file name
    and content (file name, MIME type, content; for example a calendar file). Call it inside
    the transaction of the change: the notifications are delivered once it commits.
    """
    if (body is None) == (not template):
        raise TypeError("Give notifications_create_for a body or a template (one of them).")
    notifications = []
    for recipient in recipients:
        if not isinstance(recipient, Recipient):
            recipient = Recipient(email=recipient.email, user=recipient)
        with in_language_of(recipient.user, fallback=recipient.language):
            notifications.append(
                notification_create(
                    user=recipient.user,
                    email=recipient.email,
                    kind=kind,
                    subject=_text(subject, params),
                    body=render_to_string(template, context) if template else _text(body, params),
                    link=link,
                    attachment=_attachment(attachment),
                )
            )
    return notifications


def notifications_mark_read(*, user) -> int:
    marked = (
        Notification.objects.for_user(user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    if getattr(user, UNREAD, None) is not None:
        setattr(user, UNREAD, 0)  # the count loaded with the user, for this page's header
    return marked
