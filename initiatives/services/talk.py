"""Talk sessions (issue 14): a recurring series planned at once as ordinary sessions, and the
host's attendance register (who came among those signed up, and walk-ins without accounts).

Each function validates everything first and saves nothing when anything is wrong."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from initiatives.models import Activity, AgeGroup, Session, SignUp, WalkIn
from mpact.cache import public_pages_changed

# A series is planned for at most two years of weekly sessions.
MAX_SERIES_SESSIONS = 104


class TalkError(ValidationError):
    """A series or attendance that cannot be saved; the message is for the person."""


def _local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def series_starts(
    first_start: datetime, *, every_weeks: int, count: int | None = None, until: date | None = None
) -> list[datetime]:
    """The starts of a series, as aware datetimes: each built from its local date and the first
    session's local time of day, so that a series keeps its hour on the clock across the change
    to summer or winter time (adding 7 × 24 hours would not)."""
    zone = _local_zone()
    if timezone.is_aware(first_start):
        first_start = first_start.astimezone(zone)
    clock, day = first_start.time().replace(tzinfo=None), first_start.date()
    starts = []
    number = 0
    while True:
        local_day = day + timedelta(weeks=every_weeks * number)
        if count is not None and number >= count:
            break
        if until is not None and local_day > until:
            break
        if number >= MAX_SERIES_SESSIONS:  # the caller refuses this; never loop on
            starts.append(None)
            break
        starts.append(datetime.combine(local_day, clock, tzinfo=zone))
        number += 1
    return starts


def sessions_generate(
    *,
    activity: Activity,
    first_start: datetime,
    duration: timedelta,
    every_weeks: int,
    capacity: int,
    count: int | None = None,
    until: date | None = None,
    now: datetime | None = None,
) -> list[Session]:
    """Plan a series of sessions of `activity`: every `every_weeks` weeks (1 or 2) from
    `first_start` (local time; a naive datetime is read as Europe/Amsterdam), each lasting
    `duration`, either `count` sessions or until the date `until` (included). The sessions are
    ordinary rows, edited one by one afterwards.

    Refuses, with a TalkError and nothing saved: a duration that ends before it starts, neither
    or both of count and until, more than MAX_SERIES_SESSIONS sessions, a first session in the
    past, an until date before the first session, a capacity below 1, an interval other than
    one or two weeks. The public pages show the new sessions at once."""
    now = now or timezone.now()
    errors = {}
    if every_weeks not in (1, 2):
        errors["every_weeks"] = _("Choose every week or every two weeks.")
    if duration is None or duration <= timedelta(0):
        errors["duration"] = _("The end is before the start.")
    if capacity is None or capacity < 1:
        errors["capacity"] = _("The capacity must be at least 1.")
    if (count is None) == (until is None):
        errors["count"] = _("Give either a number of sessions or an end date, not both.")
    elif count is not None and count < 1:
        errors["count"] = _("Plan at least one session.")
    if first_start is None:
        errors["first_start"] = _("Give the date and time of the first session.")
    if errors:
        raise TalkError(errors)

    if timezone.is_naive(first_start):
        first_start = first_start.replace(tzinfo=_local_zone())
    if first_start <= now:
        raise TalkError({"first_start": _("The first session must be in the future.")})
    if until is not None and until < first_start.astimezone(_local_zone()).date():
        raise TalkError({"until": _("The end date is before the first session.")})
    if count is not None and count > MAX_SERIES_SESSIONS:
        starts = [None]
    else:
        starts = series_starts(first_start, every_weeks=every_weeks, count=count, until=until)
    if None in starts:
        message = ngettext(
            "A series has at most %(max)d session.",
            "A series has at most %(max)d sessions.",
            MAX_SERIES_SESSIONS,
        ) % {"max": MAX_SERIES_SESSIONS}
        raise TalkError({"until" if until is not None else "count": message})

    sessions = [
        Session(activity=activity, starts_at=start, ends_at=start + duration, capacity=capacity)
        for start in starts
    ]
    with transaction.atomic():
        # bulk_create sends no post_save: keep the next-session date and the public pages
        # right here, as session_save does for one session.
        Session.objects.bulk_create(sessions)
        Activity.objects.filter(pk=activity.pk).refresh_next_session()
        transaction.on_commit(public_pages_changed)
    return sessions


# --- The attendance register ----------------------------------------------------------------


def attendance_save(*, session: Session, came: set[int]) -> int:
    """Mark who came among the confirmed sign-ups of `session`: those in `came` (sign-up ids)
    attended, the others did not (the admin's mark_attended and mark_absent, for one session).
    Returns how many came."""
    confirmed = SignUp.objects.filter(session=session, status=SignUp.Status.CONFIRMED)
    with transaction.atomic():
        present = confirmed.filter(pk__in=came).update(attended=True)
        confirmed.exclude(pk__in=came).update(attended=False)
    return present


def walk_in_add(*, session: Session, first_name: str, age_group: str, first_time: bool) -> WalkIn:
    """Note a walk-in of `session`: a first name, an age group the session's audience offers,
    and whether it is their first time here."""
    first_name = " ".join((first_name or "").split())
    errors = {}
    if not first_name:
        errors["first_name"] = _("Fill in a first name.")
    allowed = {value for value, _label in AgeGroup.for_audience(session.activity.audience)}
    if age_group not in allowed:
        errors["age_group"] = _("Choose an age group.")
    if errors:
        raise TalkError(errors)
    return WalkIn.objects.create(
        session=session, first_name=first_name, age_group=age_group, first_time=bool(first_time)
    )
