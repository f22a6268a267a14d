"""The calendar file (.ics) of a session: downloaded from the activity page and attached to the
sign-up confirmation. Each test parses the file back with the icalendar library, so escaping,
line folding and CRLF line endings are checked the way a calendar program would read them."""

from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from initiatives import services
from initiatives.calendar import session_ics
from mpact.factories import SessionFactory
from mpact.notifications.delivery import notification_email
from mpact.notifications.models import Notification

pytestmark = pytest.mark.django_db

TITLE = "Taalcafé, met koffie; en thee — مقهى اللغة"
ADDRESS = "Hoofdstraat 1, Enschede; ingang achter"
# One line, well over 75 octets, with non-ASCII in the middle: it must be folded.
DESCRIPTION = (
    "Samen praten in het Nederlands, in een rustig tempo, met koffie en thee; "
    "iedereen is welkom, ook wie net begint — café au lait, أهلا وسهلا بكم جميعا."
)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def hostile_session(**kwargs):
    return SessionFactory(
        activity__title=TITLE,
        activity__address=ADDRESS,
        activity__description=DESCRIPTION,
        activity__organisation__name='Buurtgroep Oost, Noord; "de" buren',
        starts_at=datetime(2030, 3, 1, 10, 30, tzinfo=AMSTERDAM),
        ends_at=datetime(2030, 3, 1, 12, 0, tzinfo=AMSTERDAM),
        **kwargs,
    )


def check_wire_format(text: str):
    """CRLF everywhere, no bare LF, every physical line at most 75 octets."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = text.removesuffix("\r\n").split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    return lines


def the_event(text: str):
    calendar = Calendar.from_ical(text)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//M-Pact//Activities//NL"
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    return event


def host():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]


def test_calendar_file_parses_back_with_every_field(client):
    session = hostile_session()
    before = timezone.now().replace(microsecond=0)

    response = client.get(reverse("initiatives:session_calendar", args=[session.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="activiteit-{session.pk}.ics"'
    )
    text = response.content.decode("utf-8")
    lines = check_wire_format(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    # The long description really was folded, and the special characters escaped.
    assert any(line.startswith("DESCRIPTION:") for line in lines)
    assert any(line.startswith(" ") for line in lines)
    assert "SUMMARY:Taalcafé\\, met koffie\\; en thee — مقهى اللغة" in lines
    # Times are written in UTC ("Z"), not local time: 10:30 in Amsterdam in March is 09:30Z.
    assert "DTSTART:20300301T093000Z" in lines
    assert "DTEND:20300301T110000Z" in lines

    event = the_event(text)
    url = settings.SITE_URL + session.activity.get_absolute_url()
    assert str(event["UID"]) == f"session-{session.pk}@{host()}"
    assert event["DTSTART"].dt == session.starts_at == datetime(2030, 3, 1, 9, 30, tzinfo=UTC)
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert event["DTEND"].dt == datetime(2030, 3, 1, 11, 0, tzinfo=UTC)
    assert before <= event["DTSTAMP"].dt <= timezone.now()
    assert str(event["SUMMARY"]) == TITLE
    assert str(event["LOCATION"]) == ADDRESS
    assert str(event["DESCRIPTION"]) == f"{DESCRIPTION}\n\n{url}"
    assert str(event["URL"]) == url
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:info@buurtgroep.example.org"
    assert event["ORGANIZER"].params["CN"] == 'Buurtgroep Oost, Noord; "de" buren'


def test_description_is_cut_at_1000_characters_and_keeps_the_link():
    session = SessionFactory(activity__description="é" * 1500)
    event = the_event(session_ics(session))
    description = str(event["DESCRIPTION"])
    assert description.startswith("é" * 1000 + "\n\n")
    assert description.endswith(session.activity.get_absolute_url())


def test_uid_is_stable_per_session_and_differs_between_sessions():
    session, other = SessionFactory(), SessionFactory()
    first = the_event(session_ics(session))["UID"]
    assert the_event(session_ics(session))["UID"] == first
    assert the_event(session_ics(other))["UID"] != first
    suffixed = the_event(session_ics(session, uid_suffix="-x"))["UID"]
    assert str(suffixed) == f"session-{session.pk}-x@{host()}"


def test_cancelled_session_is_marked_cancelled():
    session = SessionFactory(is_cancelled=True)
    assert str(the_event(session_ics(session))["STATUS"]) == "CANCELLED"


def test_organiser_without_an_address_falls_back_to_the_site_sender():
    session = SessionFactory(activity__organisation__email="")
    organiser = the_event(session_ics(session))["ORGANIZER"]
    assert str(organiser).startswith("mailto:")
    assert str(organiser).removeprefix("mailto:") in settings.DEFAULT_FROM_EMAIL
    assert "<" not in str(organiser) and ">" not in str(organiser)


def test_confirmation_email_attaches_a_valid_calendar():
    session = hostile_session()
    services.signup_create(session=session, email="ana@example.org", name="Ana")
    notification = Notification.objects.get()
    assert notification.attachment_name.endswith(".ics")
    assert notification.attachment_mimetype == "text/calendar"
    check_wire_format(notification.attachment_content)
    assert str(the_event(notification.attachment_content)["SUMMARY"]) == TITLE

    # What goes out over SMTP: the attachment survives MIME encoding and parses back.
    raw = notification_email(notification).message().as_bytes()
    [part] = [p for p in message_from_bytes(raw).walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == notification.attachment_name
    event = the_event(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
    assert str(event["SUMMARY"]) == TITLE
    assert str(event["DESCRIPTION"]).startswith(DESCRIPTION)
    assert event["DTSTART"].dt == session.starts_at
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=1, minutes=30)
