"""Reads of initiatives that pages share: what a person has going on (the volunteer's page),
and the figures of an activity's talk sessions."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from initiatives.models import HoursEntry, Membership, Response, Session, SignUp, WalkIn


def memberships_of(user):
    return Membership.objects.filter(user=user).select_related("organisation")


def responses_of(user):
    return (
        Response.objects.filter(volunteer=user)
        .select_related("opportunity__organisation")
        .order_by("-created_at")
    )


def signups_of(user):
    """The person's active sign-ups (by their account's e-mail address), soonest first."""
    return (
        SignUp.objects.filter(email=user.email, status__in=SignUp.ACTIVE_STATUSES)
        .select_related("session__activity")
        .order_by("session__starts_at")
    )


def hours_of(user):
    return HoursEntry.objects.filter(volunteer=user)


# --- Figures of an activity's sessions (talk sessions, issue 14) ----------------------------


@dataclass
class MonthFigures:
    month: date
    sessions_held: int = 0
    attendance: int = 0  # sign-ups marked attended, and walk-ins
    new_people: int = 0  # walk-ins here for the first time, and first attendances by e-mail
    walk_ins: int = 0

    @property
    def returning_people(self) -> int:
        return self.attendance - self.new_people


def _month(value) -> date:
    """TruncMonth gives a datetime on PostgreSQL and SQLite alike (in the current time zone);
    the table needs the month only."""
    return value.date() if hasattr(value, "date") else value


def activity_figures(activity, now=None) -> list[MonthFigures]:
    """Per month (newest first): the sessions held (not cancelled, begun before `now`), the
    attendance (sign-ups marked attended and walk-ins), the new people (walk-ins who said it
    was their first time, and sign-ups whose e-mail address had never attended this activity
    before) and the returning ones (the rest of the attendance).

    Three grouped queries, whatever the number of sessions: the database counts."""
    now = now or timezone.now()
    months: dict[date, MonthFigures] = {}

    def row(month):
        month = _month(month)
        return months.setdefault(month, MonthFigures(month=month))

    held = (
        Session.objects.filter(activity=activity, is_cancelled=False, starts_at__lte=now)
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for values in held:
        row(values["month"]).sessions_held = values["count"]

    attended = SignUp.objects.filter(session__activity=activity, attended=True)
    came_before = attended.filter(
        email=OuterRef("email"), session__starts_at__lt=OuterRef("session__starts_at")
    )
    signups = (
        attended.annotate(month=TruncMonth("session__starts_at"), seen=Exists(came_before))
        .values("month")
        .annotate(count=Count("pk"), new=Count("pk", filter=Q(seen=False)))
        .order_by()
    )
    for values in signups:
        figures = row(values["month"])
        figures.attendance += values["count"]
        figures.new_people += values["new"]

    walk_ins = (
        WalkIn.objects.filter(session__activity=activity)
        .annotate(month=TruncMonth("session__starts_at"))
        .values("month")
        .annotate(count=Count("pk"), new=Count("pk", filter=Q(first_time=True)))
        .order_by()
    )
    for values in walk_ins:
        figures = row(values["month"])
        figures.attendance += values["count"]
        figures.walk_ins += values["count"]
        figures.new_people += values["new"]

    return sorted(months.values(), key=lambda figures: figures.month, reverse=True)
