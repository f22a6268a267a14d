"""Creating and delivering notifications.

`notification_create` is called inside the transaction of the change that causes it; the
delivery task is enqueued only after that transaction commits. When the broker is down the
enqueue fails quietly: the row is there and `sweep_undelivered` delivers it later.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mpact.notifications.models import Notification

logger = logging.getLogger(__name__)


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

    `attachment` is (file name, MIME type, text content), for example a calendar file.
    """
    name, mimetype, content = attachment or ("", "", "")
    notification = Notification.objects.create(
        user=user,
        email=email,
        subject=subject[:200],
        body=body,
        kind=kind,
        link=link,
        language=translation.get_language() or "",
        attachment_name=name,
        attachment_mimetype=mimetype,
        attachment_content=content,
    )
    transaction.on_commit(lambda: notification_enqueue(notification_id=notification.pk))
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


def notification_enqueue(*, notification_id: int) -> bool:
    """Hand a notification to the worker; False when the broker cannot be reached."""
    from mpact.notifications.tasks import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except Exception:  # kombu raises OperationalError and friends; the sweep will retry
        logger.warning(
            "Could not enqueue notification %s; the sweep will deliver it.",
            notification_id,
            exc_info=True,
        )
        return False
    return True


class DeliveryFailed(Exception):
    """Sending failed; the row is released and due again at `retry_at` (unless given up)."""

    def __init__(self, *, retry_at, given_up: bool):
        super().__init__(f"delivery failed; next attempt at {retry_at:%H:%M:%S}")
        self.retry_at = retry_at
        self.given_up = given_up


def notification_claim(*, notification_id: int) -> bool:
    """Take the row for delivery. Only one caller gets True for an undelivered notification."""
    now = timezone.now()
    claimed = (
        Notification.objects.due_for_delivery(now)
        .filter(pk=notification_id)
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    return claimed == 1


def notification_deliver(*, notification_id: int) -> bool:
    """Send the notification's e-mail if nobody else has. Returns True if this call sent it.

    A failure releases the claim, records the error and when to try again (exponential
    backoff), and raises DeliveryFailed; after NOTIFICATION_MAX_ATTEMPTS it is given up and
    shows as failed in the admin, where a coordinator can queue it again.
    """
    if not notification_claim(notification_id=notification_id):
        return False
    notification = Notification.objects.get(pk=notification_id)
    body = notification.body
    if notification.link:
        with translation.override(notification.language or settings.LANGUAGE_CODE):
            body += "\n\n" + _("See it on M-Pact:") + f"\n{settings.SITE_URL}{notification.link}"
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + notification.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        headers={"X-MPact-Notification": str(notification.pk)},
    )
    if notification.attachment_name:
        message.attach(
            notification.attachment_name,
            notification.attachment_content,
            notification.attachment_mimetype,
        )
    try:
        message.send()
    except Exception as exc:
        now = timezone.now()
        backoff = min(30 * 2 ** max(notification.attempts - 1, 0), 3600)
        fields = {
            "claimed_at": None,
            "next_attempt_at": now + timedelta(seconds=backoff),
            "last_error": repr(exc)[:2000],
        }
        if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            fields["failed_at"] = now
        Notification.objects.filter(pk=notification_id).update(**fields)
        raise DeliveryFailed(
            retry_at=fields["next_attempt_at"], given_up="failed_at" in fields
        ) from exc
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), last_error="")
    return True


def notifications_sweep(*, limit: int = 500) -> int:
    """Enqueue every undelivered notification nobody holds; returns how many were enqueued."""
    ids = list(
        Notification.objects.due_for_delivery()
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(notification_enqueue(notification_id=pk) for pk in ids)


def notifications_mark_read(*, user) -> int:
    return (
        Notification.objects.for_user(user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
