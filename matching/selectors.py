"""Reads of matching that pages share (the volunteer's page, the comparison screen)."""

from django.db.models import Exists, F, OuterRef, Q

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
    opportunity_suggestions_for). Each kind is chosen by its own ordered, limited subquery of
    ids (a window function ranking both kinds did the same in SQL, but Django took 19 ms of
    CPU to compile it, against 4 for each plain query)."""
    rows = list(
        MatchSuggestion.objects.filter(
            Q(pk__in=offers_for(user).values("pk")[:offers])
            | Q(pk__in=opportunity_suggestions_for(user).values("pk")[:suggestions]),
            volunteer__user=user,  # so that the database starts from the person's rows
        ).select_related(*RELATED)
    )
    offered = [row for row in rows if row.help_request_id]
    suggested = [row for row in rows if not row.help_request_id]
    return (
        # Newest first; an offer without a date (none should be) last.
        sorted(
            offered,
            key=lambda r: (r.approved_at is not None, r.approved_at or 0),
            reverse=True,
        ),
        sorted(suggested, key=lambda r: (-r.score, r.pk)),
    )
