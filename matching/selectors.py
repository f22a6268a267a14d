"""Reads of matching that pages share (the volunteer's page, the comparison screen)."""

from django.db.models import Exists, OuterRef

from initiatives.models import Opportunity, Response
from matching.models import MatchSuggestion

Status = MatchSuggestion.Status


def responded_to_opportunity():
    """For a suggestion's row: the volunteer's response to its opportunity (Exists())."""
    return Response.objects.filter(
        opportunity=OuterRef("opportunity_id"), volunteer=OuterRef("volunteer__user_id")
    )


def offers_for(user):
    """The matches offered to this volunteer (waiting for their answer) and accepted."""
    return (
        MatchSuggestion.objects.filter(
            volunteer__user=user,
            help_request__isnull=False,
            status__in=[Status.APPROVED, Status.ACCEPTED],
        )
        .select_related("help_request__participant__neighbourhood", "help_request__neighbourhood")
        .order_by("-approved_at")
    )


def opportunity_suggestions_for(user):
    """The opportunities suggested to this volunteer that they have not answered yet."""
    return (
        MatchSuggestion.objects.filter(
            volunteer__user=user,
            opportunity__isnull=False,
            status=Status.PROPOSED,
            opportunity__status=Opportunity.Status.PUBLISHED,
        )
        .exclude(Exists(responded_to_opportunity()))
        .select_related("opportunity__organisation", "opportunity__neighbourhood")
        .order_by("-score", "pk")
    )
