"""Reads of volunteers that pages share."""

from volunteers.models import VolunteerProfile


def profile_of(user) -> VolunteerProfile | None:
    return VolunteerProfile.objects.filter(user=user).first()
