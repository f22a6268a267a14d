"""Creating notifications (delivering them: delivery.py; the queue: tasks.py).

Features tell people through `notifications_create_for`, which writes one notification per
recipient in that recipient's language, inside the transaction of the change that causes it;
the delivery task is enqueued only after that transaction commits. When the broker is down the
enqueue fails quietly: the row is there and `sweep_undelivered` delivers it later.
"""

import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import Truncator

from mpact.forms import CONTROL_CHARACTERS
from mpact.notifications import tasks
from mpact.notifications.models import Notification, ShortLink, TextMessage
from mpact.users.backends import UNREAD
from mpact.users.models import User

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
    versions: dict | None = None,
) -> Notification:
    """Write one notification, in the active language, and have it delivered once the
    surrounding transaction commits. Features use `notifications_create_for`.

    `kind` must be one of Notification.Kind (ValueError otherwise). `attachment` is (file
    name, MIME type, text content), for example a calendar file. The subject is made one line
    here, so that a title with a line break in it (an activity's, say) can never make the
    e-mail unsendable. `versions` holds the subject and body in other languages
    ({"en": [subject, body]}), for the list on the site.
    """
    kind = Notification.Kind(kind)
    name, mimetype, content = attachment or ("", "", "")
    # How the person chose to hear about this kind (an account's choice; a guest: e-mail).
    channels = user.channels_for(kind.group) if user is not None and kind.group else {"email"}
    notification = Notification.objects.create(
        user=user,
        email=email,
        by_email="email" in channels,
        subject=one_line(subject),
        body=body,
        kind=kind,
        link=link,
        language=translation.get_language() or "",
        attachment_name=name,
        attachment_mimetype=mimetype,
        attachment_content=content,
        versions={code: [one_line(subj), text] for code, (subj, text) in (versions or {}).items()},
    )
    if notification.by_email:
        transaction.on_commit(lambda: tasks.notification_enqueue(notification_id=notification.pk))
    if "text" in channels:
        text_create(notification=notification, phone=str(user.phone))
    return notification


# A text message: at most three SMS parts of Unicode text (3 x 67 characters), so Arabic and
# Ukrainian messages stay short too.
TEXT_MAX_CHARACTERS = 200


def text_create(*, notification: Notification, phone: str) -> TextMessage:
    """The notification's text message to `phone`, in the active language: the subject, and a
    short link to the notification's link where it has one (a confirmation's cancel page, a
    match proposal's answer). Delivered once the surrounding transaction commits."""
    link = f" {short_link_for(notification.link)}" if notification.link else ""
    words = Truncator(f"M-Pact: {notification.subject}").chars(
        TEXT_MAX_CHARACTERS - len(link), truncate="…"
    )
    text = TextMessage.objects.create(notification=notification, phone=phone, body=words + link)
    transaction.on_commit(lambda: tasks.text_enqueue(text_id=text.pk))
    return text


def short_link_for(path: str) -> str:
    """A short absolute URL (/k/<code>) that leads to `path`, for text messages."""
    link = ShortLink.objects.create(
        code=secrets.token_urlsafe(8),  # 64 random bits, 11 characters
        path=path,
        expires_at=timezone.now() + timedelta(days=settings.SHORT_LINK_DAYS),
    )
    return f"{settings.SITE_URL}/k/{link.code}"


def short_link_target(code: str) -> str | None:
    """Where a short link leads, or None for an unknown or expired one."""
    link = ShortLink.objects.filter(code=code, expires_at__gt=timezone.now()).first()
    return link.path if link else None


def texts_reply(*, phone: str, intent: str) -> int:
    """A person replied STOP (intent "stop") or START to a text message: stop or resume text
    messages for the accounts with that number. Returns how many accounts changed."""
    accounts = User.objects.filter(phone=phone)
    if intent == "stop":
        return accounts.filter(texts_stopped_at__isnull=True).update(
            texts_stopped_at=timezone.now()
        )
    if intent == "start":
        return accounts.exclude(texts_stopped_at=None).update(texts_stopped_at=None)
    return 0


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

    def written() -> tuple[str, str]:
        return (
            _text(subject, params),
            render_to_string(template, context) if template else _text(body, params),
        )

    notifications = []
    for recipient in recipients:
        if not isinstance(recipient, Recipient):
            recipient = Recipient(email=recipient.email, user=recipient)
        versions = {}
        if recipient.user is not None:
            # An account reads the list on the site, in whatever language they switch to.
            own = getattr(recipient.user, "language", "") or recipient.language
            for code, _name in settings.LANGUAGES:
                if code != (own or settings.LANGUAGE_CODE):
                    with translation.override(code):
                        versions[code] = written()
        with in_language_of(recipient.user, fallback=recipient.language):
            own_subject, own_body = written()
            notifications.append(
                notification_create(
                    user=recipient.user,
                    email=recipient.email,
                    kind=kind,
                    subject=own_subject,
                    body=own_body,
                    link=link,
                    attachment=_attachment(attachment),
                    versions=versions,
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
