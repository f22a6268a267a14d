from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Help requests and matching")

    def ready(self):
        # Pair offers with initiatives as soon as either is approved or posted.
        from matching import support  # noqa: F401
        from matching.models import HelpRequest, MatchSuggestion, Participant
        from mpact.cache import person_pages_follow
        from volunteers.models import VolunteerProfile

        # A volunteer's own page (mpact/cache.py person_fragment) shows the matches offered to
        # them (with the request's kind and neighbourhood and the participant's first name)
        # and the opportunities suggested to them: a save or delete of a suggestion, or of a
        # request or participant one is for, changes the volunteers' page version on commit.
        # Updates in bulk and the matching run's bulk_create call person_changed() themselves
        # (suggestions.py, services.py, runs.py, digests.py).
        def volunteer_of(suggestion):
            return {
                "users": VolunteerProfile.objects.filter(pk=suggestion.volunteer_id).values(
                    "user_id"
                )
            }

        person_pages_follow(MatchSuggestion, volunteer_of, owner="volunteer")
        person_pages_follow(
            HelpRequest,
            lambda help_request: {
                "users": MatchSuggestion.objects.filter(help_request=help_request.pk).values(
                    "volunteer__user_id"
                )
            },
        )
        person_pages_follow(
            Participant,
            lambda participant: {
                "users": MatchSuggestion.objects.filter(
                    help_request__participant=participant.pk
                ).values("volunteer__user_id")
            },
        )
