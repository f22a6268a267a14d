"""Volunteer profiles: the writes, with their rules."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from volunteers.models import VolunteerProfile


def volunteer_profile_save(*, profile_form, languages_formset, user) -> VolunteerProfile:
    """Save a profile and its languages together; records consent to the privacy statement
    (version and time) whenever the version accepted changes."""
    with transaction.atomic():
        profile = profile_form.save(commit=False)
        profile.user = user
        if profile.privacy_consent_version != settings.PRIVACY_STATEMENT_VERSION:
            profile.privacy_consent_version = settings.PRIVACY_STATEMENT_VERSION
            profile.privacy_consent_at = timezone.now()
        profile.save()
        profile_form.save_m2m()
        languages_formset.instance = profile
        languages_formset.save()
    return profile
