"""Writes text messages to standard output instead of sending them (the embedded default)."""

import sys
import threading
import uuid

from django.conf import settings

from mpact.notifications.sms import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    _lock = threading.Lock()

    def send(self, phone: str, body: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        with self._lock:
            sys.stdout.write(f"Text message {message_id} to {phone}:\n{body}\n{'-' * 40}\n")
            sys.stdout.flush()
        return message_id

    def inbound(self, request):
        # Only for trying the STOP reply by hand in development: nobody can sign a request.
        if not settings.DEBUG:
            return None
        return request.POST.get("From", ""), request.POST.get("Body", "")
