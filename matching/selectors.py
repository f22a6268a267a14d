"""Reads of matching that pages share (the volunteer's page, the comparison screen)."""

from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.db.models.lookups import IsNull

from initiatives.models import Opportunity, Response
from matching.models import MatchSuggestion

Status = MatchSuggestion.Status


def responded_to_opportunity():
    """For a suggestion's row: the volunteer's response to its opportunity (Exists())."""
    return Response.objects.filter(
        opportunity=OuterRef("opportunity_id"), volunteer=OuterRef("volunteer__user_id")
    )


def _offered():
    """Matches offered to a volunteer (waiting for their answer) and accepted."""
    return Q(help_request__isnull=False, status__in=[Status.APPROVED, Status.ACCEPTED])


def _suggested():
    """Opportunities suggested to a volunteer that they have not answered yet."""
    return Q(
        opportunity__isnull=False,
        status=Status.PROPOSED,
        opportunity__status=Opportunity.Status.PUBLISHED,
    ) & ~Q(Exists(responded_to_opportunity()))


OFFERS_ORDER = [F("approved_at").desc()]
SUGGESTIONS_ORDER = [F("score").desc(), F("pk").asc()]
RELATED = [
    "help_request__participant__neighbourhood",
    "help_request__neighbourhood",
    "opportunity__organisation",
    "opportunity__neighbourhood",
]


def offers_for(user):
    """The matches offered to this volunteer (waiting for their answer) and accepted."""
    return (
        MatchSuggestion.objects.filter(_offered(), volunteer__user=user)
        .select_related(*RELATED[:2])
        .order_by(*OFFERS_ORDER)
    )


def opportunity_suggestions_for(user):
    """The opportunities suggested to this volunteer that they have not answered yet."""
    return (
        MatchSuggestion.objects.filter(_suggested(), volunteer__user=user)
        .select_related(*RELATED[2:])
        .order_by(*SUGGESTIONS_ORDER)
    )


def volunteer_suggestions(user, *, offers: int, suggestions: int):
    """Both at once for the volunteer's page, in one query: the `offers` newest matches
    offered (as offers_for) and the `suggestions` best opportunities suggested (as
    opportunity_suggestions_for), each ranked within its own kind by a window function."""
    is_offer = IsNull(F("help_request_id"), False)
    rows = (
        MatchSuggestion.objects.filter(_offered() | _suggested(), volunteer__user=user)
        .select_related(*RELATED)
        .annotate(
            offer_rank=Window(RowNumber(), partition_by=[is_offer], order_by=OFFERS_ORDER),
            suggestion_rank=Window(
                RowNumber(), partition_by=[is_offer], order_by=SUGGESTIONS_ORDER
            ),
        )
        .filter(
            Q(help_request__isnull=False, offer_rank__lte=offers)
            | Q(help_request__isnull=True, suggestion_rank__lte=suggestions)
        )
    )
    rows = list(rows)
    return (
        sorted((r for r in rows if r.help_request_id), key=lambda r: r.offer_rank),
        sorted((r for r in rows if not r.help_request_id), key=lambda r: r.suggestion_rank),
    )
