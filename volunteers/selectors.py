"""Reads of volunteers that pages share."""

from volunteers.models import VolunteerProfile


def profile_of(user) -> VolunteerProfile | None:
    """The person's volunteer profile, or None. A request's user comes with it already
    (settings.USER_LOADED_WITH): no query then."""
    try:
        return user.volunteer_profile
    except VolunteerProfile.DoesNotExist:
        return None
