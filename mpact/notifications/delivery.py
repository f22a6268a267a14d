"""Sending one notification's e-mail or text message: claimed first, so that it is sent once
however often it is tried; a failure is recorded and classified (permanent or temporary). The
rules are the same for both (`_deliver`)."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mpact.notifications import sms
from mpact.notifications.models import Delivery, Notification, TextMessage

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """Sending failed; the row is released and due again at `retry_at`, unless it was given up
    (`given_up`: a permanent refusal, or the last attempt), then `retry_at` is None."""

    def __init__(self, *, retry_at, given_up: bool):
        if given_up:
            super().__init__("delivery failed; given up")
        else:
            super().__init__(f"delivery failed; next attempt at {retry_at:%H:%M:%S}")
        self.retry_at = retry_at
        self.given_up = given_up


def is_permanent(exc: BaseException) -> bool:
    """Whether a failed send would fail the same way however often it is tried again.

    Such a notification is given up at once, so that it shows as failed in the admin (where a
    coordinator sees it on the index and can look at the address) instead of being tried for
    hours against a server that has already said no.

    Permanent: an SMTP reply in the 5xx range, which RFC 5321 defines as "do not repeat this
    request as it is" (a refused sender or data, a 550 unknown user; SMTPRecipientsRefused
    only when every recipient got a 5xx); and a message that cannot be written at all, which
    Django reports as ValueError (an invalid address, BadHeaderError for a line break in a
    header) and which no retry changes.

    Everything else is temporary and retried with backoff up to NOTIFICATION_MAX_ATTEMPTS: a
    4xx reply (greylisting, a full mailbox, "try again later"), the server closing the
    connection (SMTPServerDisconnected, also in the middle of DATA, when it has not accepted
    the message), connection refused, timeouts and other OSErrors, and any error not named
    here: when in doubt, retrying a bounded number of times is the cheaper mistake.
    """
    if isinstance(exc, sms.PermanentTextFailure):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return isinstance(exc, ValueError)


def _claim(model: type[Delivery], pk: int) -> bool:
    now = timezone.now()
    claimed = (
        model.objects.due_for_delivery(now)
        .filter(pk=pk)
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    return claimed == 1


def notification_claim(*, notification_id: int) -> bool:
    """Take the row for delivery. Only one caller gets True for an undelivered notification."""
    return _claim(Notification, notification_id)


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail for a notification. Raises ValueError for an address that is not one."""
    try:
        validate_email(notification.email)
    except ValidationError:
        raise ValueError(f"invalid recipient address {notification.email!r}") from None
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
    return message


def notification_deliver(*, notification_id: int) -> bool:
    """Send the notification's e-mail if nobody else has. Returns True if this call sent it.
    See `_deliver` for failures and retries."""

    def send(notification):
        # Built inside the try: a header Django refuses is a failure of this notification.
        notification_email(notification).send()
        return {}

    return _deliver(Notification, notification_id, send)


def text_deliver(*, text_id: int) -> bool:
    """Send the text message if nobody else has, through settings.SMS_BACKEND. Returns True if
    this call sent it. See `_deliver` for failures and retries."""

    def send(text):
        return {"provider_id": sms.text_send(text.phone, text.body)[:100]}

    return _deliver(TextMessage, text_id, send)


def _deliver(model: type[Delivery], pk: int, send) -> bool:
    """Claim the row, `send` it (which returns fields to record with sent_at) and record what
    happened.

    A failure releases the claim, records the error and raises DeliveryFailed. A permanent one
    (see `is_permanent`) is given up at once; a temporary one is due again after an
    exponential backoff, and given up after NOTIFICATION_MAX_ATTEMPTS. A given-up row shows
    as failed in the admin, where a coordinator can queue it again.

    At least once: if the worker dies after the server accepted the message but before sent_at
    is written, the claim runs out (NOTIFICATION_CLAIM_TIMEOUT_SECONDS) and it is sent again.
    """
    if not _claim(model, pk):
        return False
    row = model.objects.get(pk=pk)
    try:
        recorded = send(row)
    except Exception as exc:
        now = timezone.now()
        permanent = is_permanent(exc)
        given_up = permanent or row.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        backoff = min(30 * 2 ** max(row.attempts - 1, 0), 3600)
        retry_at = None if given_up else now + timedelta(seconds=backoff)
        model.objects.filter(pk=pk).update(
            claimed_at=None,
            next_attempt_at=retry_at,
            failed_at=now if given_up else None,
            last_error=repr(exc)[:2000],
        )
        if given_up:
            logger.warning(
                "Gave up %s %s after %s attempt(s)%s: %r",
                model._meta.model_name,
                pk,
                row.attempts,
                " (permanent refusal)" if permanent else "",
                exc,
            )
        raise DeliveryFailed(retry_at=retry_at, given_up=given_up) from exc
    model.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="", **recorded)
    return True
