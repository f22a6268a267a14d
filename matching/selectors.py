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


# --- Trajectories -----------------------------------------------------------------------------

# Colours of the progress chart's lines, one per goal (enough contrast on white).
CHART_COLOURS = ["#1f5fa8", "#b4471b", "#2d7d3a", "#7a3e9d", "#8a6d00", "#0f7b7b", "#a3214f"]


def trajectories_of_guide(user, today=None):
    """A guide's own trajectories, overdue first, with the participant (one query)."""
    from matching.models import Trajectory

    return Trajectory.objects.of_guide(user).select_related("participant").overdue_first(today)


def trajectory_with_progress(queryset, pk):
    """One trajectory with its goals, check-ins and their scores (four queries)."""
    from django.db.models import Prefetch

    from matching.models import CheckIn, TrajectoryGoal

    return (
        queryset.select_related("participant", "guide_volunteer__user", "guide_staff")
        .prefetch_related(
            Prefetch("goals", TrajectoryGoal.objects.select_related("goal")),
            Prefetch("check_ins", CheckIn.objects.prefetch_related("scores")),
        )
        .get(pk=pk)
    )


def progress_chart(trajectory, *, width=480, height=200, pad=30) -> dict:
    """The scores per goal over time, as coordinates for a small inline SVG: the start, then
    each check-in, on a 1-5 scale. Reads the prefetched goals and check-ins only."""
    goals = list(trajectory.goals.all())
    check_ins = list(trajectory.check_ins.all())
    moments = [trajectory.starts_on] + [check_in.held_on for check_in in check_ins]
    step = (width - 2 * pad) / max(len(moments) - 1, 1)

    def y(score):
        return round(height - pad - (score - 1) * (height - 2 * pad) / 4, 1)

    series = []
    for number, goal in enumerate(goals):
        scores = [goal.score] + [
            next((s.score for s in check_in.scores.all() if s.goal_id == goal.pk), None)
            for check_in in check_ins
        ]
        points = [
            (round(pad + index * step, 1), y(score))
            for index, score in enumerate(scores)
            if score is not None
        ]
        series.append(
            {
                "label": goal.label,
                "colour": CHART_COLOURS[number % len(CHART_COLOURS)],
                "points": " ".join(f"{px},{py}" for px, py in points),
                "dots": points,
                "first": scores[0],
                "last": next((s for s in reversed(scores) if s is not None), None),
            }
        )
    return {
        "width": width,
        "height": height,
        "series": series,
        "grid": [{"score": n, "y": y(n)} for n in range(1, 6)],
        "moments": [
            {"x": round(pad + index * step, 1), "day": day} for index, day in enumerate(moments)
        ],
        "left": pad,
        "right": width - pad,
        "bottom": height - pad,
    }
