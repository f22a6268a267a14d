"""Hours volunteers give for an opportunity or an activity, which its organisation
confirms: the rules for logging and deciding them, and a volunteer's own record."""

from datetime import date as date_type
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from initiatives.models import Activity, HoursEntry, Opportunity, Response, SignUp
from mpact.cache import person_changed
from mpact.notifications.models import Notification
from mpact.notifications.services import notifications_create_for

Kind = Notification.Kind


class HoursError(ValidationError):
    """Hours that cannot be logged or decided; the message is for the person."""


def hours_subjects(*, volunteer):
    """What a volunteer can log hours for: opportunities where they were accepted, and
    activities they signed up for and that have started."""
    opportunities = Opportunity.objects.filter(
        responses__volunteer=volunteer, responses__status=Response.Status.ACCEPTED
    ).select_related("organisation")
    activities = (
        Activity.objects.filter(
            sessions__signups__email=volunteer.email,
            sessions__signups__status=SignUp.Status.CONFIRMED,
            sessions__starts_at__lte=timezone.now(),
        )
        .select_related("organisation")
        .distinct()
    )
    return opportunities, activities


def hours_log(
    *, volunteer, date: date_type, hours: Decimal, note: str = "", opportunity=None, activity=None
) -> HoursEntry:
    if (opportunity is None) == (activity is None):
        raise HoursError(_("Choose one opportunity or activity."), code="subject")
    if date > timezone.localdate():
        raise HoursError(_("You cannot log hours for a day that has not come yet."), code="date")
    if not (Decimal("0") < hours <= Decimal("24")):
        raise HoursError(_("Hours must be more than 0 and at most 24."), code="hours")
    opportunities, activities = hours_subjects(volunteer=volunteer)
    if opportunity is not None and not opportunities.filter(pk=opportunity.pk).exists():
        raise HoursError(
            _("You can log hours only for opportunities where you were accepted."),
            code="subject",
        )
    if activity is not None and not activities.filter(pk=activity.pk).exists():
        raise HoursError(
            _("You can log hours only for activities you took part in."), code="subject"
        )
    subject = opportunity or activity
    with transaction.atomic():
        entry = HoursEntry.objects.create(
            volunteer=volunteer,
            organisation=subject.organisation,
            opportunity=opportunity,
            activity=activity,
            date=date,
            hours=hours,
            note=note.strip(),
        )
    return entry


def hours_decide(*, entry: HoursEntry, confirm: bool, by, reply: str = "") -> HoursEntry:
    with transaction.atomic():
        updated = HoursEntry.objects.filter(pk=entry.pk, status=HoursEntry.Status.PENDING).update(
            status=HoursEntry.Status.CONFIRMED if confirm else HoursEntry.Status.REJECTED,
            reply=reply.strip(),
            decided_by=by,
            decided_at=timezone.now(),
        )
        if not updated:
            raise HoursError(_("These hours were already confirmed or declined."), code="decided")
        entry.refresh_from_db()
        person_changed(users=[entry.volunteer_id])  # update() sends no signal

        # Made in the volunteer's language, which also decides how dates and numbers look.
        def subject():
            return (
                _("Your hours of %(date)s are confirmed")
                if confirm
                else _("Your hours of %(date)s were not confirmed")
            ) % {"date": formats.date_format(entry.date, "SHORT_DATE_FORMAT")}

        def body():
            return entry.reply or _("%(hours)s hours for %(subject)s.") % {
                "hours": formats.number_format(entry.hours, 2),
                "subject": entry.subject or entry.organisation,
            }

        notifications_create_for(
            [entry.volunteer],
            kind=Kind.HOURS_CONFIRMED if confirm else Kind.HOURS_REJECTED,
            subject=subject,
            body=body,
            link=reverse("volunteer_dashboard"),
        )
    return entry


def hours_table(*, volunteer):
    """A volunteer's own record of hours: (header, rows) for the CSV download."""
    header = [
        _("Date"),
        _("Hours"),
        _("Organisation"),
        _("Opportunity or activity"),
        _("What you did"),
        _("Status"),
    ]
    entries = (
        HoursEntry.objects.filter(volunteer=volunteer)
        .select_related("organisation", "opportunity", "activity")
        .order_by("date", "pk")
    )
    rows = (
        [
            entry.date.isoformat(),
            f"{entry.hours:.2f}",
            entry.organisation.name,
            str(entry.subject or ""),
            entry.note,
            entry.get_status_display(),
        ]
        for entry in entries
    )
    return header, rows
