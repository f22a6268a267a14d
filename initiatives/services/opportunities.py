"""Volunteer opportunities and the responses to them."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from initiatives.models import (
    Opportunity,
    Response,
)
from initiatives.services.organisations import _notify_members
from mpact.cache import public_pages_changed
from mpact.notifications.models import Notification
from mpact.notifications.services import notifications_create_for

Kind = Notification.Kind

# --- Opportunities and responses -------------------------------------------------------------


class ResponseError(ValidationError):
    """A response that cannot happen; the message is for the person."""


def opportunity_duplicate(*, opportunity: Opportunity) -> Opportunity:
    """A copy as a new draft, with its translations, to post a similar opportunity quickly."""
    with transaction.atomic():
        skills, languages = list(opportunity.skills.all()), list(opportunity.languages.all())
        copy = Opportunity.objects.get(pk=opportunity.pk)
        copy.pk = None
        copy.title = (_("%(title)s (copy)") % {"title": opportunity.title})[:200]
        copy.status = Opportunity.Status.DRAFT
        copy.created_at = timezone.now()
        copy.save()
        copy.skills.set(skills)
        copy.languages.set(languages)
        for translation in opportunity.translations.all():
            translation.pk = None
            translation.opportunity = copy
            translation.save()
    return copy


def opportunity_set_status(*, opportunity: Opportunity, status: str) -> Opportunity:
    if not opportunity.can_become(status):
        raise ResponseError(
            _("An opportunity that is %(current)s cannot become %(new)s.")
            % {
                "current": opportunity.get_status_display().lower(),
                "new": Opportunity.Status(status).label.lower(),
            },
            code="transition",
        )
    opportunity.status = status
    opportunity.save(update_fields=["status", "updated_at"])
    transaction.on_commit(public_pages_changed)
    return opportunity


def response_create(*, opportunity: Opportunity, volunteer, message: str) -> Response:
    message = message.strip()
    if not message:
        raise ResponseError(_("Please write a short message."), code="message")
    if not hasattr(volunteer, "volunteer_profile"):
        raise ResponseError(
            _("Fill in your volunteer profile first, so the organisation knows who you are."),
            code="no_profile",
        )
    if opportunity.status in (Opportunity.Status.FILLED, Opportunity.Status.CLOSED):
        raise ResponseError(_("This opportunity is no longer open for responses."), code="not_open")
    if not opportunity.is_open:
        raise ResponseError(_("This opportunity is not published."), code="not_open")
    duplicate = ResponseError(
        _("You have already responded to this opportunity."), code="duplicate"
    )
    if Response.objects.filter(opportunity=opportunity, volunteer=volunteer).exists():
        raise duplicate
    try:
        with transaction.atomic():
            response = Response.objects.create(
                opportunity=opportunity, volunteer=volunteer, message=message
            )
            _notify_members(
                opportunity.organisation,
                kind=Kind.RESPONSE_RECEIVED,
                subject=gettext_lazy("New response to %(title)s"),
                body=gettext_lazy("%(name)s responded to %(title)s:\n\n%(message)s"),
                params={
                    "name": volunteer.volunteer_profile.display_name,
                    "title": opportunity.title,
                    "message": message,
                },
                link=reverse("initiatives:manage_responses", args=[opportunity.organisation.slug]),
            )
    except IntegrityError:
        raise duplicate from None
    return response


def response_decide(*, response: Response, accept: bool, reply: str, by) -> Response:
    """Accept or decline a pending response and tell the volunteer. Accepting the last free
    place marks the opportunity filled."""
    with transaction.atomic():
        opportunity = Opportunity.objects.select_for_update().get(pk=response.opportunity_id)
        response = Response.objects.select_for_update().get(pk=response.pk)
        if response.status != Response.Status.PENDING:
            raise ResponseError(
                _("This response was already answered (%(status)s).")
                % {"status": response.get_status_display().lower()},
                code="decided",
            )
        accepted = opportunity.responses.filter(status=Response.Status.ACCEPTED).count()
        if accept and accepted >= opportunity.places:
            raise ResponseError(
                _("All places are taken. Raise the number of places first."), code="full"
            )
        response.status = Response.Status.ACCEPTED if accept else Response.Status.DECLINED
        response.reply = reply.strip()
        response.decided_by = by
        response.decided_at = timezone.now()
        response.save(update_fields=["status", "reply", "decided_by", "decided_at"])
        if accept and accepted + 1 >= opportunity.places:
            opportunity.status = Opportunity.Status.FILLED
            opportunity.save(update_fields=["status", "updated_at"])
            transaction.on_commit(public_pages_changed)
        if accept:
            subject = gettext_lazy("%(name)s accepted your response")
            message = gettext_lazy("Good news: %(name)s would like you to do '%(title)s'.")
        else:
            subject = gettext_lazy("Your response to %(title)s")
            message = gettext_lazy(
                "%(name)s has not chosen you for '%(title)s' this time. Thank you for "
                "responding, and do look at the other opportunities."
            )
        params = {"name": opportunity.organisation.name, "title": opportunity.title}

        def body():  # the organisation's reply follows, as they wrote it
            text = message % params
            return text + "\n\n" + response.reply if response.reply else text

        notifications_create_for(
            [response.volunteer],
            kind=Kind.RESPONSE_ACCEPTED if accept else Kind.RESPONSE_DECLINED,
            subject=subject,
            body=body,
            params=params,
            link=reverse("volunteer_dashboard"),
        )
    return response
