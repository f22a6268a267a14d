"""A matching run: read the open help requests and the available volunteers in a constant
number of queries, let the engine choose, and write the new suggestions in one transaction.

Only one run at a time (the partial unique index of MatchRun); a run that crashed is taken
over after MATCH_RUN_TIMEOUT_MINUTES. A run that fails writes no suggestion at all.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from matching import engine
from matching.models import HelpRequest, MatchRun, MatchSuggestion
from volunteers.models import VolunteerProfile

logger = logging.getLogger(__name__)

# Kinds of help where the volunteer and the person must be able to talk together.
TALKING_KINDS = {
    HelpRequest.Kind.BUDDY,
    HelpRequest.Kind.LANGUAGE,
    HelpRequest.Kind.SOCIAL,
    HelpRequest.Kind.PAPERWORK,
    HelpRequest.Kind.MONEY,
}
# The curated skill (volunteers.Skill slug) each kind of help asks for.
SKILLS_FOR_KIND = {
    HelpRequest.Kind.LANGUAGE: {"taalmaatje"},
    HelpRequest.Kind.BUDDY: {"gesprekken"},
    HelpRequest.Kind.SOCIAL: {"gesprekken", "ouderen"},
    HelpRequest.Kind.PAPERWORK: {"administratie"},
    HelpRequest.Kind.MONEY: {"geld", "administratie"},
    HelpRequest.Kind.YOUTH: {"jongeren"},
    HelpRequest.Kind.VOLUNTEER_WORK: {"werk"},
    HelpRequest.Kind.INFORMAL_CARE: {"ouderen"},
}
VOLUNTEER_RANGE_KM = 10.0


class MatchRunBusy(Exception):
    """Another run is going on."""


def match_run_start(*, trigger: str, by=None) -> MatchRun:
    """Take the lock: a new running MatchRun, or MatchRunBusy."""
    timeout = timezone.now() - timedelta(minutes=settings.MATCH_RUN_TIMEOUT_MINUTES)
    MatchRun.objects.filter(status=MatchRun.Status.RUNNING, started_at__lt=timeout).update(
        status=MatchRun.Status.FAILED,
        finished_at=timezone.now(),
        error="Stopped without finishing (the worker died); taken over by a new run.",
    )
    try:
        with transaction.atomic():
            return MatchRun.objects.create(trigger=trigger, by=by)
    except IntegrityError:
        raise MatchRunBusy from None


def _volunteers(today):
    active = dict(
        MatchSuggestion.objects.filter(status__in=MatchSuggestion.ACTIVE)
        .values_list("volunteer_id")
        .annotate(count=Count("id"))
    )
    profiles = (
        VolunteerProfile.objects.available(today)
        .select_related("neighbourhood")
        .prefetch_related("skills", "languages__language")
    )
    result = []
    for profile in profiles:
        capacity = max(profile.buddy_capacity, 1 if profile.hours_per_week else 0)
        result.append(
            engine.Volunteer(
                id=profile.pk,
                languages={row.language.code: row.level for row in profile.languages.all()},
                skills=frozenset(skill.slug for skill in profile.skills.all()),
                availability=profile.availability,
                lat=float(profile.neighbourhood.latitude) if profile.neighbourhood else 0.0,
                lon=float(profile.neighbourhood.longitude) if profile.neighbourhood else 0.0,
                max_km=VOLUNTEER_RANGE_KM if profile.neighbourhood else 0.0,
                capacity=capacity - active.get(profile.pk, 0),
                has_vog=profile.has_vog,
                prefers_adults=profile.prefers_adults,
                prefers_teens=profile.prefers_teens,
                load=active.get(profile.pk, 0),
            )
        )
    return result


def _needs(now):
    requests = (
        HelpRequest.objects.filter(status=HelpRequest.Status.OPEN, participant__isnull=False)
        .select_related("participant", "neighbourhood", "participant__neighbourhood")
        .prefetch_related("languages", "participant__languages")
    )
    pairs = MatchSuggestion.objects.values_list("help_request_id", "volunteer_id", "status")
    excluded, active = {}, {}
    for request_id, volunteer_id, status in pairs:
        # Never offer a pair again that was rejected, declined or is still in play.
        excluded.setdefault(request_id, set()).add(volunteer_id)
        if status in MatchSuggestion.ACTIVE:
            active[request_id] = active.get(request_id, 0) + 1
    result = []
    for request in requests:
        participant = request.participant
        hood = request.neighbourhood or participant.neighbourhood
        languages = {language.code: "native" for language in request.languages.all()}
        languages.update({language.code: "native" for language in participant.languages.all()})
        if participant.dutch_level:
            languages["nl"] = participant.dutch_level
        age = now.year - participant.year_of_birth if participant.year_of_birth else 30
        result.append(
            engine.Need(
                id=request.pk,
                languages=languages,
                needs_shared_language=request.kind in TALKING_KINDS,
                skills=frozenset(SKILLS_FOR_KIND.get(request.kind, set())),
                lat=float(hood.latitude) if hood else 0.0,
                lon=float(hood.longitude) if hood else 0.0,
                remote=hood is None,
                places=1 - active.get(request.pk, 0),
                audience="teens" if age < 18 else "adults",
                waiting_days=(now - request.created_at).days,
                excluded=frozenset(excluded.get(request.pk, set())),
            )
        )
    return result


def match_run_execute(*, trigger: str = MatchRun.Trigger.SCHEDULE, by=None) -> MatchRun:
    """Run the matching once; raises MatchRunBusy if another run is going on."""
    run = match_run_start(trigger=trigger, by=by)
    try:
        now = timezone.now()
        volunteers = _volunteers(timezone.localdate())
        needs = [need for need in _needs(now) if need.places > 0]
        candidates = engine.candidates(volunteers, needs, top_k=settings.MATCH_TOP_K)
        chosen = engine.assign(
            candidates,
            volunteer_capacity={v.id: v.capacity for v in volunteers},
            need_places={n.id: n.places for n in needs},
        )
        with transaction.atomic():
            MatchSuggestion.objects.bulk_create(
                MatchSuggestion(
                    help_request_id=c.need_id,
                    volunteer_id=c.volunteer_id,
                    run=run,
                    score=c.score,
                    reasons=list(c.reasons),
                )
                for c in chosen
            )
            run.status = MatchRun.Status.DONE
            run.finished_at = timezone.now()
            run.candidates = len(candidates)
            run.suggestions = len(chosen)
            run.total_score = sum(c.score for c in chosen)
            run.save()
    except Exception as exc:
        logger.exception("Matching run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000]
        )
        raise
    return run
