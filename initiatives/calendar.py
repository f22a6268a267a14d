"""Calendar files (RFC 5545) for sessions, attached to confirmation e-mails.

The `icalendar` library does the serialisation: escaping, line folding at 75 octets and CRLF
line endings.
"""

from datetime import UTC
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress


def session_ics(session, *, uid_suffix: str = "") -> str:
    activity = session.activity
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "m-pact"
    url = settings.SITE_URL + activity.get_absolute_url()
    organiser_email = activity.organisation.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    organiser = vCalAddress(f"mailto:{organiser_email}")
    organiser.params["CN"] = activity.organisation.name

    event = Event()
    event.add("uid", f"session-{session.pk}{uid_suffix}@{host}")
    # Times in UTC (the "Z" form), so no VTIMEZONE is needed.
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", activity.title)
    event.add("location", activity.address)
    event.add("description", f"{activity.description[:1000]}\n\n{url}")
    event.add("url", url)
    event.add("organizer", organiser)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")

    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//M-Pact//Activities//NL")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical().decode()
