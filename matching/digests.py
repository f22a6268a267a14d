"""The weekly "opportunities for you" e-mail: the opportunities suggested to each volunteer,
with their reasons, in their own language, and the signed link that switches it off."""

from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.models import MatchSuggestion
from matching.services import HelpRequestError
from matching.suggestions import opportunity_suggestions_settle
from mpact.cache import person_changed
from mpact.notifications.models import Notification
from mpact.notifications.services import notifications_create_for
from volunteers.models import VolunteerProfile

Status = MatchSuggestion.Status
Kind = Notification.Kind
EMAIL_OFF_SALT = "matching.opportunity_email.off"


def opportunity_email_off_url(user) -> str:
    token = signing.dumps(user.pk, salt=EMAIL_OFF_SALT)
    return reverse("matching:opportunity_email_off", args=[token])


def opportunity_email_profile(*, token: str):
    """The volunteer profile the switch-off link in a weekly e-mail is for."""
    try:
        user_pk = signing.loads(token, salt=EMAIL_OFF_SALT)
    except signing.BadSignature:
        raise HelpRequestError(_("This link is not valid."), code="bad_link") from None
    profile = VolunteerProfile.objects.filter(user_id=user_pk).first()
    if profile is None:
        raise HelpRequestError(_("This link is not valid."), code="bad_link")
    return profile


def opportunity_email_off(*, profile):
    """No more weekly e-mail; it can be switched on again on the profile page."""
    VolunteerProfile.objects.filter(pk=profile.pk).update(opportunity_email=False)
    person_changed(users=[profile.user_id])  # update() sends no signal
    profile.opportunity_email = False
    return profile


def _digest_text(user, suggestions) -> str:
    """The weekly e-mail's text, in the active language (the volunteer's)."""
    why = _("Why you:")
    lines = []
    for suggestion in suggestions:
        opportunity = suggestion.opportunity
        lines.append(
            f"- {opportunity.title} ({opportunity.organisation.name})\n"
            f"  {why} {', '.join(suggestion.reason_words)}\n"
            f"  {settings.SITE_URL}{opportunity.get_absolute_url()}"
        )
    return "\n\n".join(
        [
            _("These volunteer opportunities fit you well:"),
            "\n\n".join(lines),
            _("Don't want this e-mail any more? Switch it off here:")
            + f"\n{settings.SITE_URL}{opportunity_email_off_url(user)}",
        ]
    )


def opportunity_digests_send(*, now=None, per_volunteer: int = 5) -> int:
    """The weekly 'opportunities for you' e-mail: to each volunteer who wants it, the
    opportunities suggested to them since the last one, best first, each with its reasons.
    Returns how many e-mails were written."""
    now = now or timezone.now()
    opportunity_suggestions_settle(now=now)
    pending = (
        MatchSuggestion.objects.filter(
            opportunity__isnull=False,
            status=Status.PROPOSED,
            mailed_at__isnull=True,
            volunteer__opportunity_email=True,
            volunteer__user__is_active=True,
        )
        .select_related("opportunity__organisation", "volunteer__user")
        .order_by("volunteer_id", "-score", "pk")
    )
    by_volunteer = {}
    for suggestion in pending:
        by_volunteer.setdefault(suggestion.volunteer_id, []).append(suggestion)
    for suggestions in by_volunteer.values():
        user = suggestions[0].volunteer.user
        shown = suggestions[:per_volunteer]
        with transaction.atomic():
            notifications_create_for(
                [user],
                kind=Kind.OPPORTUNITIES_FOR_YOU,
                subject=gettext_lazy("Volunteer opportunities for you"),
                body=partial(_digest_text, user, shown),
                link=reverse("volunteer_dashboard") + "#for-you",
            )
            # Everything listed, and what did not fit in this one, counts as sent.
            MatchSuggestion.objects.filter(pk__in=[s.pk for s in suggestions]).update(mailed_at=now)
    return len(by_volunteer)
