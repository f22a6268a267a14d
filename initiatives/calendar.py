"""Calendar files (RFC 5545) for sessions, attached to confirmation e-mails."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, as RFC 5545 section 3.1 requires."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def session_ics(session, *, uid_suffix: str = "") -> str:
    activity = session.activity
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "m-pact"
    url = settings.SITE_URL + activity.get_absolute_url()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//M-Pact//Activities//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:session-{session.pk}{uid_suffix}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{_escape(activity.title)}",
        f"LOCATION:{_escape(activity.address)}",
        f"DESCRIPTION:{_escape(activity.description[:1000])}\\n\\n{_escape(url)}",
        f"URL:{url}",
        f"ORGANIZER;CN={_escape(activity.organisation.name)}:mailto:"
        + (activity.organisation.email or settings.DEFAULT_FROM_EMAIL.split("<")[-1].rstrip(">")),
        "STATUS:CANCELLED" if session.is_cancelled else "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
