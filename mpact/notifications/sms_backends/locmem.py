"""Keeps text messages in `outbox` (the test suite's backend, like Django's locmem e-mail).

Tests make the provider fail by setting `fail_with` to an exception (or a callable that takes
the phone number and returns one, or None to send)."""

import itertools

from mpact.notifications.sms import BaseSmsBackend

outbox: list[dict] = []
fail_with = None
_ids = itertools.count(1)


class SmsBackend(BaseSmsBackend):
    def send(self, phone: str, body: str) -> str:
        failure = fail_with(phone) if callable(fail_with) else fail_with
        if failure is not None:
            raise failure
        message_id = f"locmem-{next(_ids)}"
        outbox.append({"id": message_id, "phone": phone, "body": body})
        return message_id

    def inbound(self, request):
        return request.POST.get("From", ""), request.POST.get("Body", "")
