"""Help requests: filing, the status workflow, intake and triage, referral, reminders.

Every status change goes through `_transition`, which allows only the moves the model declares
(HelpRequest.STEPS, `can_become`) and records who, when and why; each move has its own service
function below.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.models import (
    Agency,
    HelpRequest,
    IntakeAssessment,
    MatchSuggestion,
    Participant,
    ParticipantView,
    Referral,
    RequestNote,
    StatusChange,
)
from mpact.cache import person_changed
from mpact.notifications.models import Notification
from mpact.notifications.services import notifications_create_for

Status = HelpRequest.Status
Kind = Notification.Kind

STATUS_SALT = "matching.request.status"


class HelpRequestError(ValidationError):
    """A change that cannot happen; the message says why, for the person."""


# --- Filing -----------------------------------------------------------------------------------


def help_request_create(
    *,
    kind: str,
    description: str,
    participant: Participant | None = None,
    organisation=None,
    languages=(),
    neighbourhood=None,
    availability: str = "",
    urgency: str = HelpRequest.Urgency.NORMAL,
    by=None,
) -> HelpRequest:
    """File a request for a participant or an organisation; it starts as NEW in the shared
    intake queue, and the coordinators are told."""
    with transaction.atomic():
        help_request = HelpRequest(
            kind=kind,
            description=description.strip(),
            participant=participant,
            organisation=organisation,
            neighbourhood=neighbourhood,
            availability=availability.strip(),
            urgency=urgency,
            created_by=by if by is not None and by.is_authenticated else None,
        )
        help_request.full_clean()
        help_request.save()
        help_request.languages.set(languages)
        StatusChange.objects.create(
            help_request=help_request,
            to_status=Status.NEW,
            by=help_request.created_by,
            reason=_("Request filed"),
        )
        notifications_create_for(
            get_user_model().objects.coordinators(),
            kind=Kind.HELP_REQUEST_NEW,
            subject=gettext_lazy("New help request: %(kind)s"),
            body=gettext_lazy("A new help request is waiting for intake (%(urgency)s)."),
            params={
                "kind": help_request.get_kind_display(),
                "urgency": help_request.get_urgency_display(),
            },
            link=help_request.get_absolute_url(),
        )
    return help_request


def participant_for_user(user) -> Participant:
    """The participant record of a logged-in resident, made on their first request."""
    participant, _created = Participant.objects.get_or_create(
        user=user,
        defaults={
            "first_name": user.display_name,
            "email": user.email,
            "consent_given": True,
            "consent_method": Participant.ConsentMethod.ONLINE,
            "consent_at": timezone.now(),
        },
    )
    return participant


def guest_participant_create(*, first_name: str, phone: str, email: str) -> Participant:
    if not (phone.strip() or email.strip()):
        raise HelpRequestError(
            _("Leave a phone number or an e-mail address, so that we can reach you."),
            code="contact",
        )
    return Participant.objects.create(
        first_name=first_name.strip(),
        phone=phone.strip(),
        email=email.strip().lower(),
        consent_given=True,
        consent_method=Participant.ConsentMethod.ONLINE,
        consent_at=timezone.now(),
    )


def status_token(help_request: HelpRequest) -> str:
    return signing.dumps(help_request.pk, salt=STATUS_SALT)


def help_request_from_token(token: str) -> HelpRequest:
    try:
        pk = signing.loads(token, salt=STATUS_SALT)
    except signing.BadSignature:
        raise HelpRequestError(_("This link is not valid."), code="bad_link") from None
    try:
        return HelpRequest.objects.get(pk=pk)
    except HelpRequest.DoesNotExist:
        raise HelpRequestError(_("This request no longer exists."), code="bad_link") from None


# --- The workflow -----------------------------------------------------------------------------


def _transition(help_request: HelpRequest, *, to: str, by, reason: str = "") -> HelpRequest:
    """Move a request to `to` if TRANSITIONS allows it, and record the step. Locks the row so
    that two coordinators cannot move one request two ways at once."""
    locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if not locked.can_become(to):
        raise HelpRequestError(
            _("A request that is '%(current)s' cannot become '%(new)s'.")
            % {"current": locked.get_status_display(), "new": Status(to).label},
            code="transition",
        )
    now = timezone.now()
    StatusChange.objects.create(
        help_request=locked,
        from_status=locked.status,
        to_status=to,
        by=by,
        at=now,
        reason=reason,
    )
    locked.status = to
    locked.last_activity_at = now
    locked.stale_reminded_at = None
    locked.save(update_fields=["status", "last_activity_at", "stale_reminded_at"])
    if not locked.is_open:
        _suggestions_end(locked)
    help_request.refresh_from_db()
    return help_request


def _suggestions_end(help_request: HelpRequest) -> None:
    """A request that is no longer open ends the suggestions still in play for it (they would
    hold the volunteers' capacity); a volunteer who was offered it is told."""
    in_play = MatchSuggestion.objects.filter(
        help_request=help_request,
        status__in=[MatchSuggestion.Status.PROPOSED, MatchSuggestion.Status.APPROVED],
    )
    offered = list(
        in_play.filter(status=MatchSuggestion.Status.APPROVED).select_related("volunteer__user")
    )
    in_play.update(status=MatchSuggestion.Status.EXPIRED)
    # update() sends no signal: the volunteers' own pages show their offers. Read when the
    # change commits: every volunteer suggested for this request, whatever the status now.
    person_changed(
        users=MatchSuggestion.objects.filter(help_request=help_request).values("volunteer__user_id")
    )
    if help_request.status == Status.MATCHED:
        subject = gettext_lazy("Someone else said yes first")
        body = gettext_lazy(
            "Another volunteer has already said yes to the request for help we asked "
            "you about, so you do not need to answer. Thank you for being willing to help."
        )
    else:
        subject = gettext_lazy("The request you were offered is no longer open")
        body = gettext_lazy(
            "The request for help we asked you about is no longer open, so you do not "
            "need to answer. Thank you for being willing to help."
        )
    notifications_create_for(
        [suggestion.volunteer.user for suggestion in offered],
        kind=Kind.MATCH_WITHDRAWN,
        subject=subject,
        body=body,
    )


def help_request_start_intake(*, help_request: HelpRequest, by) -> HelpRequest:
    with transaction.atomic():
        _transition(help_request, to=Status.IN_INTAKE, by=by, reason=_("Intake started"))
        if help_request.assigned_to_id is None:
            HelpRequest.objects.filter(pk=help_request.pk).update(assigned_to=by)
            help_request.refresh_from_db()
    return help_request


def help_request_complete_intake(
    *,
    help_request: HelpRequest,
    scores: dict[str, int],
    by,
    triage: str = "",
    override_reason: str = "",
    notes: str = "",
) -> HelpRequest:
    """Record the intake and set the triage it leads to; a coordinator may choose another
    level, with a reason. The request then opens for matching."""
    domains = [name for name, _label in IntakeAssessment.DOMAINS]
    if sorted(scores) != sorted(domains) or any(
        not isinstance(value, int) or not 1 <= value <= 5 for value in scores.values()
    ):
        raise HelpRequestError(_("Score every life domain from 1 to 5."), code="scores")
    assessed = IntakeAssessment.triage_for(scores)
    triage = triage or assessed
    if triage not in HelpRequest.Triage.values:
        raise HelpRequestError(_("Choose a triage level."), code="triage")
    if triage != assessed and not override_reason.strip():
        raise HelpRequestError(
            _("The assessment says '%(assessed)s'. Say why you choose otherwise.")
            % {"assessed": HelpRequest.Triage(assessed).label},
            code="override_reason",
        )
    with transaction.atomic():
        _transition(
            help_request,
            to=Status.OPEN,
            by=by,
            reason=_("Intake done: %(triage)s") % {"triage": HelpRequest.Triage(triage).label},
        )
        IntakeAssessment.objects.update_or_create(
            help_request=help_request,
            defaults={
                **scores,
                "assessed_triage": assessed,
                "notes": notes,
                "by": by,
                "at": timezone.now(),
            },
        )
        HelpRequest.objects.filter(pk=help_request.pk).update(
            triage=triage,
            triage_override_reason=override_reason.strip() if triage != assessed else "",
        )
        help_request.refresh_from_db()
    return help_request


def help_request_refer(
    *, help_request: HelpRequest, agency: Agency, reason: str, follow_up_on, by
) -> Referral:
    reason = reason.strip()
    if not reason:
        raise HelpRequestError(_("Say why you refer this request."), code="reason")
    today = timezone.localdate()
    if follow_up_on < today:
        raise HelpRequestError(_("The follow-up date cannot be in the past."), code="follow_up")
    if not agency.is_active:
        raise HelpRequestError(_("This agency is no longer active."), code="agency")
    with transaction.atomic():
        _transition(
            help_request,
            to=Status.REFERRED,
            by=by,
            reason=_("Referred to %(agency)s: %(reason)s") % {"agency": agency, "reason": reason},
        )
        return Referral.objects.create(
            help_request=help_request,
            agency=agency,
            reason=reason,
            referred_on=today,
            follow_up_on=follow_up_on,
            by=by,
        )


def referral_record_outcome(*, referral: Referral, outcome: str, by) -> Referral:
    if not outcome.strip():
        raise HelpRequestError(_("Describe the outcome."), code="outcome")
    with transaction.atomic():
        referral.outcome = outcome.strip()
        referral.outcome_recorded_at = timezone.now()
        referral.save(update_fields=["outcome", "outcome_recorded_at"])
        HelpRequest.objects.filter(pk=referral.help_request_id).update(
            last_activity_at=timezone.now()
        )
    return referral


def help_request_close(*, help_request: HelpRequest, reason: str, by) -> HelpRequest:
    if not reason.strip():
        raise HelpRequestError(_("Say why the request is closed."), code="reason")
    with transaction.atomic():
        return _transition(help_request, to=Status.CLOSED, by=by, reason=reason.strip())


def help_request_withdraw(*, help_request: HelpRequest, by=None) -> HelpRequest:
    """The asker takes the request back (through their account or the signed link)."""
    with transaction.atomic():
        return _transition(
            help_request, to=Status.WITHDRAWN, by=by, reason=_("Withdrawn by the asker")
        )


def help_request_reopen(*, help_request: HelpRequest, reason: str, by) -> HelpRequest:
    """A referred request comes back to be matched after all."""
    if not reason.strip():
        raise HelpRequestError(_("Say why the request is open again."), code="reason")
    with transaction.atomic():
        return _transition(help_request, to=Status.OPEN, by=by, reason=reason.strip())


def help_request_mark_matched(*, help_request: HelpRequest, by, reason: str) -> HelpRequest:
    with transaction.atomic():
        return _transition(help_request, to=Status.MATCHED, by=by, reason=reason)


def help_request_assign(*, help_request: HelpRequest, coordinator, by) -> HelpRequest:
    with transaction.atomic():
        HelpRequest.objects.filter(pk=help_request.pk).update(
            assigned_to=coordinator, last_activity_at=timezone.now(), stale_reminded_at=None
        )
        RequestNote.objects.create(
            help_request=help_request,
            author=by,
            text=_("Assigned to %(name)s") % {"name": coordinator},
        )
        help_request.refresh_from_db()
        if coordinator != by:
            notifications_create_for(
                [coordinator],
                kind=Kind.HELP_REQUEST_ASSIGNED,
                subject=gettext_lazy("A help request for you: %(request)s"),
                body=gettext_lazy("%(name)s gave you this help request."),
                params={"request": help_request, "name": by},
                link=help_request.get_absolute_url(),
            )
    return help_request


def help_request_add_note(*, help_request: HelpRequest, text: str, by) -> RequestNote:
    if not text.strip():
        raise HelpRequestError(_("The note is empty."), code="note")
    with transaction.atomic():
        note = RequestNote.objects.create(help_request=help_request, author=by, text=text.strip())
        HelpRequest.objects.filter(pk=help_request.pk).update(
            last_activity_at=note.created_at, stale_reminded_at=None
        )
    return note


def participant_view_log(*, participant: Participant, viewer) -> None:
    ParticipantView.objects.create(participant=participant, viewer=viewer)


# --- Reminders (beat) ---------------------------------------------------------------------


def stale_requests_remind(*, now=None) -> int:
    """Remind the assigned coordinator of each waiting request nobody touched for
    HELP_REQUEST_STALE_DAYS days; once, until someone handles it again."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.HELP_REQUEST_STALE_DAYS)
    due = (
        HelpRequest.objects.untouched_since(limit)
        .filter(assigned_to__isnull=False, stale_reminded_at__isnull=True)
        .select_related("assigned_to", "participant", "organisation")
    )
    sent = 0
    for help_request in due:
        with transaction.atomic():
            claimed = HelpRequest.objects.filter(
                pk=help_request.pk, stale_reminded_at__isnull=True
            ).update(stale_reminded_at=now)
            if not claimed:
                continue
            notifications_create_for(
                [help_request.assigned_to],
                kind=Kind.HELP_REQUEST_STALE,
                subject=gettext_lazy("Waiting for %(days)d days: %(request)s"),
                body=gettext_lazy("Nobody has handled this help request for a while. Take a look?"),
                params={"days": settings.HELP_REQUEST_STALE_DAYS, "request": help_request},
                link=help_request.get_absolute_url(),
            )
            sent += 1
    return sent


def referral_follow_ups_remind(*, now=None) -> int:
    """On a referral's follow-up day, remind whoever referred it (or the request's
    coordinator); once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Referral.objects.filter(
        follow_up_on__lte=today, follow_up_reminded_at__isnull=True, outcome=""
    ).select_related("by", "agency", "help_request__assigned_to")
    sent = 0
    for referral in due:
        coordinator = referral.by or referral.help_request.assigned_to
        with transaction.atomic():
            claimed = Referral.objects.filter(
                pk=referral.pk, follow_up_reminded_at__isnull=True
            ).update(follow_up_reminded_at=now)
            if not claimed or coordinator is None:
                continue
            notifications_create_for(
                [coordinator],
                kind=Kind.REFERRAL_FOLLOW_UP,
                subject=gettext_lazy("Follow up the referral to %(agency)s"),
                body=gettext_lazy(
                    "Today you planned to check how the referral of %(request)s went. "
                    "Record the outcome in the admin."
                ),
                params={"agency": referral.agency, "request": referral.help_request},
                link=reverse("admin:matching_helprequest_change", args=[referral.help_request_id]),
            )
            sent += 1
    return sent
