"""The suggestion workflow: a coordinator approves or rejects, the volunteer accepts or
declines (on the site or through a signed link), an unanswered offer expires. An accepted
suggestion matches the request. Each step is one function that checks the current status.

Suggested opportunities need no approval: they show on the volunteer's page and in the weekly
'opportunities for you' e-mail; responding to the opportunity accepts the suggestion.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Exists, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from initiatives.models import Opportunity
from matching.models import HelpRequest, MatchSuggestion
from matching.selectors import responded_to_opportunity
from matching.services import HelpRequestError, help_request_mark_matched
from mpact.cache import person_changed
from mpact.notifications.models import Notification
from mpact.notifications.services import notifications_create_for
from volunteers.models import VolunteerProfile

Status = MatchSuggestion.Status
Kind = Notification.Kind
ANSWER_SALT = "matching.suggestion.answer"


def answer_url(suggestion: MatchSuggestion) -> str:
    token = signing.dumps(suggestion.pk, salt=ANSWER_SALT)
    return reverse("matching:suggestion_answer", args=[token])


def suggestion_from_token(token: str) -> MatchSuggestion:
    try:
        pk = signing.loads(
            token, salt=ANSWER_SALT, max_age=settings.MATCH_ANSWER_DAYS * 24 * 3600 * 2
        )
    except signing.BadSignature:
        raise HelpRequestError(_("This link is not valid."), code="bad_link") from None
    try:
        return MatchSuggestion.objects.select_related(
            "help_request__participant", "volunteer__user"
        ).get(pk=pk)
    except MatchSuggestion.DoesNotExist:
        raise HelpRequestError(_("This suggestion no longer exists."), code="bad_link") from None


def _move(suggestion, *, from_statuses, to, **fields) -> MatchSuggestion:
    updated = MatchSuggestion.objects.filter(pk=suggestion.pk, status__in=from_statuses).update(
        status=to, **fields
    )
    if not updated:
        suggestion.refresh_from_db()
        raise HelpRequestError(
            _("This suggestion is already '%(status)s'.")
            % {"status": suggestion.get_status_display()},
            code="status",
        )
    # update() sends no signal: the volunteer's own page shows the suggestion.
    person_changed(
        users=VolunteerProfile.objects.filter(pk=suggestion.volunteer_id).values("user_id")
    )
    suggestion.refresh_from_db()
    return suggestion


def _people_of(suggestions) -> list[int]:
    """The user ids of these suggestions' volunteers, read now (before an update() changes
    which suggestions the filter finds)."""
    return list(suggestions.values_list("volunteer__user_id", flat=True).distinct())


def _for_a_request(suggestion):
    if suggestion.help_request_id is None:
        raise HelpRequestError(
            _("Suggested opportunities go to the volunteer directly; there is nothing to decide."),
            code="opportunity",
        )


def _lock_open_request(suggestion):
    """Lock the suggestion's request (as every status change does) and check it is open, so
    that an offer and a withdrawal cannot cross."""
    _for_a_request(suggestion)
    help_request = HelpRequest.objects.select_for_update().get(pk=suggestion.help_request_id)
    if not help_request.is_open:
        raise HelpRequestError(
            _("The request is '%(status)s', no longer open.")
            % {"status": help_request.get_status_display()},
            code="not_open",
        )


def suggestion_approve(*, suggestion: MatchSuggestion, by) -> MatchSuggestion:
    """Offer the match to the volunteer, who is told with a link to answer."""
    with transaction.atomic():
        _lock_open_request(suggestion)
        now = timezone.now()
        _move(
            suggestion,
            from_statuses=[Status.PROPOSED],
            to=Status.APPROVED,
            decided_by=by,
            decided_at=now,
            approved_at=now,
        )

        def body():  # in the volunteer's language: the kind of help and the reasons too
            return _(
                "%(name)s is looking for: %(kind)s. You fit well: %(reasons)s.\n\n"
                "Will you help? Answer within %(days)d days."
            ) % {
                "name": suggestion.help_request.participant.first_name,
                "kind": suggestion.help_request.get_kind_display().lower(),
                "reasons": ", ".join(suggestion.reason_words),
                "days": settings.MATCH_ANSWER_DAYS,
            }

        notifications_create_for(
            [suggestion.volunteer.user],
            kind=Kind.MATCH_OFFERED,
            subject=gettext_lazy("Someone in your neighbourhood could use your help"),
            body=body,
            link=answer_url(suggestion),
        )
    return suggestion


def suggestion_reject(*, suggestion: MatchSuggestion, by, reason: str) -> MatchSuggestion:
    _for_a_request(suggestion)
    if not reason.strip():
        raise HelpRequestError(_("Say why you reject this suggestion."), code="reason")
    with transaction.atomic():
        return _move(
            suggestion,
            from_statuses=[Status.PROPOSED],
            to=Status.REJECTED,
            decided_by=by,
            decided_at=timezone.now(),
            reject_reason=reason.strip()[:300],
        )


def suggestion_accept(*, suggestion: MatchSuggestion, user) -> MatchSuggestion:
    """The volunteer says yes: the request is matched, and the other suggestions for it end."""
    if suggestion.volunteer.user_id != user.pk:
        raise HelpRequestError(_("This suggestion is for someone else."), code="not_yours")
    with transaction.atomic():
        _move(
            suggestion,
            from_statuses=[Status.APPROVED],
            to=Status.ACCEPTED,
            answered_at=timezone.now(),
        )
        # Matching the request ends its other suggestions (services._suggestions_end).
        help_request_mark_matched(
            help_request=suggestion.help_request,
            by=suggestion.decided_by,
            reason=_("Matched with %(volunteer)s") % {"volunteer": suggestion.volunteer},
        )
        coordinator = suggestion.decided_by or suggestion.help_request.assigned_to
        if coordinator:
            notifications_create_for(
                [coordinator],
                kind=Kind.MATCH_ACCEPTED,
                subject=gettext_lazy("%(volunteer)s accepted: %(request)s"),
                body=gettext_lazy("The request is matched."),
                params={"volunteer": suggestion.volunteer, "request": suggestion.help_request},
                link=suggestion.help_request.get_absolute_url(),
            )
    return suggestion


def suggestion_decline(*, suggestion: MatchSuggestion, user) -> MatchSuggestion:
    """The volunteer says no; the next run offers the next best (this pair never again)."""
    if suggestion.volunteer.user_id != user.pk:
        raise HelpRequestError(_("This suggestion is for someone else."), code="not_yours")
    with transaction.atomic():
        return _move(
            suggestion,
            from_statuses=[Status.APPROVED],
            to=Status.DECLINED,
            answered_at=timezone.now(),
        )


def suggestions_announce(*, run) -> int:
    """After a run, one message to each coordinator who has requests with new suggested
    volunteers to review: the assigned coordinator for theirs, every coordinator for requests
    nobody has taken yet. Returns how many coordinators were told."""
    per_coordinator, unassigned = {}, 0
    for coordinator_id in (
        HelpRequest.objects.filter(suggestions__run=run)
        .distinct()
        .values_list("assigned_to_id", flat=True)
    ):
        if coordinator_id is None:
            unassigned += 1
        else:
            per_coordinator[coordinator_id] = per_coordinator.get(coordinator_id, 0) + 1
    users = get_user_model().objects
    recipients = users.filter(pk__in=per_coordinator, is_active=True)
    if unassigned:
        recipients = recipients | users.coordinators()
    link = reverse("admin:matching_helprequest_changelist") + "?suggestions=review"
    told = 0
    for user in recipients.distinct():
        notifications_create_for(
            [user],
            kind=Kind.SUGGESTIONS_TO_REVIEW,
            subject=ngettext_lazy(
                "%(count)d request has new suggested volunteers",
                "%(count)d requests have new suggested volunteers",
                "count",
            ),
            body=gettext_lazy(
                "The matching suggested volunteers. Compare them and approve the best, "
                "or reject with a reason."
            ),
            params={"count": per_coordinator.get(user.pk, 0) + unassigned},
            link=link,
        )
        told += 1
    return told


def suggestions_expire(*, now=None) -> int:
    """Offers not answered within MATCH_ANSWER_DAYS expire; the next run offers the next best."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.MATCH_ANSWER_DAYS)
    expiring = MatchSuggestion.objects.filter(status=Status.APPROVED, approved_at__lt=limit)
    people = _people_of(expiring)
    expired = expiring.update(status=Status.EXPIRED)
    person_changed(users=people)
    return expired


# --- Suggested opportunities ------------------------------------------------------------------


def opportunity_suggestions_settle(*, now=None) -> int:
    """A response to the opportunity accepts its suggestion; a closed opportunity, or one
    left unanswered for MATCH_OPPORTUNITY_DAYS, lets it expire. Returns how many changed."""
    now = now or timezone.now()
    open_ones = MatchSuggestion.objects.filter(opportunity__isnull=False, status=Status.PROPOSED)
    answered = open_ones.filter(Exists(responded_to_opportunity()))
    limit = now - timedelta(days=settings.MATCH_OPPORTUNITY_DAYS)
    ended = open_ones.filter(
        ~Q(opportunity__status=Opportunity.Status.PUBLISHED) | Q(created_at__lt=limit)
    )
    people = _people_of(answered) + _people_of(ended)
    changed = answered.update(status=Status.ACCEPTED, answered_at=now)
    changed += ended.update(status=Status.EXPIRED)
    person_changed(users=people)
    return changed


def opportunity_suggestion_decline(*, suggestion: MatchSuggestion, user) -> MatchSuggestion:
    """'Not for me': the suggestion ends and this opportunity is not suggested to them again."""
    if suggestion.opportunity_id is None or suggestion.volunteer.user_id != user.pk:
        raise HelpRequestError(_("This suggestion is for someone else."), code="not_yours")
    with transaction.atomic():
        return _move(
            suggestion,
            from_statuses=[Status.PROPOSED],
            to=Status.DECLINED,
            answered_at=timezone.now(),
        )
