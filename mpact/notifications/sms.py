"""Text messages through a pluggable backend, the way Django sends e-mail: settings.SMS_BACKEND
names a class with `send(phone, body) -> provider id`.

- sms_backends.console.SmsBackend: writes each message to standard output (the embedded
  default, so `bin/run` shows what would have been sent);
- sms_backends.locmem.SmsBackend: keeps them in `outbox` (the test suite's);
- sms_backends.twilio.SmsBackend: Twilio's Programmable Messaging REST API, configured by
  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (README, "Text messages").

A backend raises PermanentTextFailure when the provider refused the message for good (an
invalid or blocked number): delivery gives it up at once. Any other exception is temporary and
retried like an e-mail (mpact/notifications/delivery.py).

A backend also reads the provider's incoming messages (`inbound`), so that a person can stop
text messages by replying STOP: it returns (phone, text) for a request it trusts, else None.
"""

from django.conf import settings
from django.utils.module_loading import import_string

# A reply whose first word is one of these stops text messages; one of START's turns them on.
STOP_WORDS = {"stop", "stoppen", "uit", "afmelden", "стоп", "توقف", "الغاء", "إلغاء"}
START_WORDS = {"start", "aan", "старт", "ابدأ"}


class PermanentTextFailure(Exception):
    """The provider refused this message for good; trying again would be refused the same way."""


class BaseSmsBackend:
    def send(self, phone: str, body: str) -> str:
        """Send `body` to `phone` (E.164); return the provider's id for the message."""
        raise NotImplementedError

    def inbound(self, request) -> tuple[str, str] | None:
        """(sender's phone in E.164, text) of a reply the provider posted, or None when the
        request cannot be trusted to come from the provider. The base trusts nothing."""
        return None


def backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def text_send(phone: str, body: str) -> str:
    return backend().send(phone, body)


def reply_intent(text: str) -> str:
    """ "stop", "start" or "" for a person's reply."""
    words = text.strip().lower().split()
    first = words[0].strip(".!،,") if words else ""
    if first in STOP_WORDS:
        return "stop"
    if first in START_WORDS:
        return "start"
    return ""
