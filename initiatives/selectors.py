"""Reads of initiatives that pages share: what a person has going on (the volunteer's page)."""

from initiatives.models import HoursEntry, Membership, Response, SignUp


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
