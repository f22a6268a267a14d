"""Twilio's Programmable Messaging (https://www.twilio.com/docs/messaging/api/message-resource)
over its REST API with the standard library: no SDK needed for one POST.

Settings (environment): TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, and TWILIO_FROM: the sending
number in E.164 or a Messaging Service SID (MG…). Replies reach /sms/inbound/ when that address
is set as the number's "A message comes in" webhook; each is checked against Twilio's
X-Twilio-Signature (HMAC-SHA1 of the full URL and the sorted form fields with the auth token).
"""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from mpact.notifications.sms import BaseSmsBackend, PermanentTextFailure

API = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
TIMEOUT_SECONDS = 20


class SmsBackend(BaseSmsBackend):
    def __init__(self):
        self.sid = settings.TWILIO_ACCOUNT_SID
        self.token = settings.TWILIO_AUTH_TOKEN
        self.sender = settings.TWILIO_FROM

    def send(self, phone: str, body: str) -> str:
        sender = "MessagingServiceSid" if self.sender.startswith("MG") else "From"
        data = urllib.parse.urlencode({"To": phone, sender: self.sender, "Body": body}).encode()
        request = urllib.request.Request(API.format(sid=self.sid), data=data, method="POST")
        credentials = base64.b64encode(f"{self.sid}:{self.token}".encode()).decode()
        request.add_header("Authorization", f"Basic {credentials}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return json.load(response).get("sid", "")
        except urllib.error.HTTPError as error:
            # 4xx: Twilio refused this message (an invalid number, 21211; a number that
            # replied STOP, 21610): the same request is refused again. 429 and 5xx: later.
            if 400 <= error.code < 500 and error.code != 429:
                raise PermanentTextFailure(f"Twilio {error.code}: {error.read()[:500]!r}") from None
            raise

    def inbound(self, request):
        signature = request.headers.get("X-Twilio-Signature", "")
        url = request.build_absolute_uri()
        signed = url + "".join(f"{key}{request.POST[key]}" for key in sorted(request.POST))
        digest = hmac.new(self.token.encode(), signed.encode(), hashlib.sha1).digest()
        if not self.token or not hmac.compare_digest(base64.b64encode(digest).decode(), signature):
            return None
        return request.POST.get("From", ""), request.POST.get("Body", "")
