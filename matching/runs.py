"""A matching run: read the open help requests, the published opportunities and the
available volunteers in a constant number of queries, let the engine choose the best set
overall, and write the new suggestions in one transaction.

Only one run at a time (the partial unique index of MatchRun); a run that crashed is taken
over after MATCH_RUN_TIMEOUT_MINUTES. A run that fails writes no suggestion at all.
"""

import logging
from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation

from initiatives.models import Opportunity, Response
from matching import engine
from matching.models import HelpRequest, MatchRun, MatchSuggestion
from mpact.cache import person_changed
from mpact.core.models import CuratedSkill, Language, Skill
from volunteers.models import VolunteerLanguage, VolunteerProfile

logger = logging.getLogger(__name__)

# Kinds of help where the volunteer and the person must be able to talk together.
TALKING_KINDS = {
    HelpRequest.Kind.BUDDY,
    HelpRequest.Kind.LANGUAGE,
    HelpRequest.Kind.SOCIAL,
    HelpRequest.Kind.PAPERWORK,
    HelpRequest.Kind.MONEY,
}
# The curated skills each kind of help asks for (their slugs cannot be edited away).
SKILLS_FOR_KIND = {
    HelpRequest.Kind.LANGUAGE: {CuratedSkill.LANGUAGE_BUDDY},
    HelpRequest.Kind.BUDDY: {CuratedSkill.CONVERSATION},
    HelpRequest.Kind.SOCIAL: {CuratedSkill.CONVERSATION, CuratedSkill.ELDERLY},
    HelpRequest.Kind.PAPERWORK: {CuratedSkill.PAPERWORK},
    HelpRequest.Kind.MONEY: {CuratedSkill.MONEY, CuratedSkill.PAPERWORK},
    HelpRequest.Kind.YOUTH: {CuratedSkill.YOUNG_PEOPLE},
    HelpRequest.Kind.VOLUNTEER_WORK: {CuratedSkill.WORK},
    HelpRequest.Kind.INFORMAL_CARE: {CuratedSkill.ELDERLY},
}
REQUEST, OPPORTUNITY = "request", "opportunity"  # the first part of an engine.Need id


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
    """The volunteers who can take something on, as plain values (no model instances: at
    20,000 volunteers those cost more than everything else the run reads)."""
    in_play = MatchSuggestion.objects.filter(status__in=MatchSuggestion.ACTIVE)
    # Every suggestion in play counts towards the spread of load; only help requests hold
    # capacity from one run to the next: an opportunity suggestion is a tip on the volunteer's
    # page, and ignoring it must not keep a person who needs help from being matched.
    load = dict(in_play.values_list("volunteer_id").annotate(count=Count("id")))
    holding = dict(
        in_play.filter(help_request__isnull=False)
        .values_list("volunteer_id")
        .annotate(count=Count("id"))
    )
    # Hard rules the database applies: active, not paused, some capacity at all.
    available = (
        VolunteerProfile.objects.available(today)
        .filter(Q(buddy_capacity__gt=0) | Q(hours_per_week__gt=0))
        .with_valid_vog(today)
    )
    languages, skills = {}, {}
    for profile_id, code, level in VolunteerLanguage.objects.filter(
        profile__in=available
    ).values_list("profile_id", "language__code", "level"):
        languages.setdefault(profile_id, {})[code] = level
    for profile_id, slug in VolunteerProfile.skills.through.objects.filter(
        volunteerprofile__in=available
    ).values_list("volunteerprofile_id", "skill__slug"):
        skills.setdefault(profile_id, set()).add(slug)
    result = []
    for (
        pk,
        buddy_capacity,
        hours_per_week,
        availability,
        latitude,
        longitude,
        max_distance_km,
        has_vog,
        prefers_adults,
        prefers_teens,
    ) in available.order_by("pk").values_list(
        "pk",
        "buddy_capacity",
        "hours_per_week",
        "availability",
        "neighbourhood__latitude",
        "neighbourhood__longitude",
        "max_distance_km",
        "valid_vog",
        "prefers_adults",
        "prefers_teens",
    ):
        capacity = max(buddy_capacity, 1 if hours_per_week else 0)
        placed = latitude is not None
        result.append(
            engine.Volunteer(
                id=pk,
                languages=languages.get(pk, {}),
                skills=frozenset(skills.get(pk, ())),
                availability=availability,
                lat=float(latitude) if placed else 0.0,
                lon=float(longitude) if placed else 0.0,
                max_km=float(max_distance_km) if placed else 0.0,
                capacity=capacity - holding.get(pk, 0),
                has_vog=has_vog,
                prefers_adults=prefers_adults,
                prefers_teens=prefers_teens,
                load=load.get(pk, 0),
            )
        )
    return result


def _earlier_pairs(field):
    """Per request (or opportunity): the volunteers ever suggested (never offered again: they
    were rejected, declined, or are still in play), and how many suggestions are in play."""
    pairs = MatchSuggestion.objects.filter(**{f"{field}__isnull": False}).values_list(
        field, "volunteer_id", "status"
    )
    excluded, active = {}, {}
    for need_id, volunteer_id, status in pairs:
        excluded.setdefault(need_id, set()).add(volunteer_id)
        if status in MatchSuggestion.ACTIVE:
            active[need_id] = active.get(need_id, 0) + 1
    return excluded, active


def _request_needs(now):
    requests = (
        HelpRequest.objects.open_for_matching()
        .filter(participant__isnull=False)
        .select_related("participant", "neighbourhood", "participant__neighbourhood")
        .prefetch_related("languages", "participant__languages")
    )
    excluded, active = _earlier_pairs("help_request_id")
    # A volunteer the coordinator rejected, or who declined, for this person is not suggested
    # for their other requests either.
    turned_down = {}
    for participant_id, volunteer_id in MatchSuggestion.objects.filter(
        help_request__isnull=False,
        status__in=[MatchSuggestion.Status.REJECTED, MatchSuggestion.Status.DECLINED],
    ).values_list("help_request__participant_id", "volunteer_id"):
        turned_down.setdefault(participant_id, set()).add(volunteer_id)
    result = []
    for request in requests:
        participant = request.participant
        hood = request.neighbourhood or participant.neighbourhood
        languages = {language.code: "native" for language in request.languages.all()}
        languages.update({language.code: "native" for language in participant.languages.all()})
        if participant.dutch_level:
            languages["nl"] = participant.dutch_level
        age = now.year - participant.year_of_birth if participant.year_of_birth else None
        result.append(
            engine.Need(
                id=(REQUEST, request.pk),
                languages=languages,
                needs_shared_language=request.kind in TALKING_KINDS,
                skills=frozenset(SKILLS_FOR_KIND.get(request.kind, set())),
                availability=request.available_slots,
                lat=float(hood.latitude) if hood else 0.0,
                lon=float(hood.longitude) if hood else 0.0,
                remote=hood is None,
                places=1 - active.get(request.pk, 0),
                audience="teens" if age is not None and age < 18 else "adults",
                # A minor, or a kind of help that is one to one with someone vulnerable: only
                # a volunteer with a valid certificate of conduct (settings MATCH_VOG_*).
                needs_vog=(age is not None and age < settings.MATCH_VOG_UNDER_AGE)
                or request.kind in settings.MATCH_VOG_KINDS,
                waiting_days=(now - request.created_at).days,
                excluded=frozenset(
                    excluded.get(request.pk, set()) | turned_down.get(participant.pk, set())
                ),
            )
        )
    return result


def _opportunity_needs(now):
    """Published, current opportunities with places left. The volunteer must speak one of the
    languages it asks for, Dutch at least at its minimum level, and have a VOG if it says so."""
    opportunities = (
        Opportunity.objects.public()
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate(now)))
        .select_related("neighbourhood")
        .prefetch_related("skills", "languages")
        .annotate(
            taken=Count(
                "responses",
                filter=Q(responses__status__in=[Response.Status.PENDING, Response.Status.ACCEPTED]),
            )
        )
    )
    excluded, active = _earlier_pairs("opportunity_id")
    # Whoever responded already is not suggested the same opportunity.
    for opportunity_id, profile_id in Response.objects.filter(
        volunteer__volunteer_profile__isnull=False
    ).values_list("opportunity_id", "volunteer__volunteer_profile"):
        excluded.setdefault(opportunity_id, set()).add(profile_id)
    result = []
    for opportunity in opportunities:
        hood = opportunity.neighbourhood
        remote = opportunity.is_remote or hood is None
        result.append(
            engine.Need(
                id=(OPPORTUNITY, opportunity.pk),
                languages={language.code: "native" for language in opportunity.languages.all()},
                needs_shared_language=bool(opportunity.languages.all()),
                min_levels=(
                    (("nl", opportunity.min_dutch_level),) if opportunity.min_dutch_level else ()
                ),
                skills=frozenset(skill.slug for skill in opportunity.skills.all()),
                lat=0.0 if remote else float(hood.latitude),
                lon=0.0 if remote else float(hood.longitude),
                remote=remote,
                places=opportunity.places - opportunity.taken - active.get(opportunity.pk, 0),
                needs_vog=opportunity.needs_vog,
                audience="",
                waiting_days=(now - opportunity.created_at).days,
                posted=True,
                excluded=frozenset(excluded.get(opportunity.pk, set())),
            )
        )
    return result


def _with_a_waiting_tip() -> set[int]:
    """Volunteers with a suggested opportunity waiting for their answer: one tip at a time."""
    return set(
        MatchSuggestion.objects.filter(
            opportunity__isnull=False, status=MatchSuggestion.Status.PROPOSED
        ).values_list("volunteer_id", flat=True)
    )


def plan(volunteers, request_needs, opportunity_needs, *, waiting_tips=frozenset(), top_k=10):
    """What a run suggests, and the proof, in two steps. First the people who asked for help:
    the best assignment over every feasible pair of requests and volunteers. Then, with the
    capacity that is left, one opportunity tip at most per volunteer (none for who has one
    waiting): a tip never takes a place a person who asked for help could have had, and
    each step's total is proven the best for it (engine.optimise)."""
    requests, request_proof = engine.optimise(volunteers, request_needs, top_k=top_k)
    used = {}
    for chosen in requests:
        used[chosen.volunteer_id] = used.get(chosen.volunteer_id, 0) + 1
    tip_takers = [
        replace(v, capacity=0 if v.id in waiting_tips else min(1, v.capacity - used.get(v.id, 0)))
        for v in volunteers
    ]
    tips, tip_proof = engine.optimise(tip_takers, opportunity_needs, top_k=top_k)
    proof = engine.Certificate(
        rounds=request_proof.rounds + tip_proof.rounds,
        pairs_priced=request_proof.pairs_priced + tip_proof.pairs_priced,
        pairs_added=request_proof.pairs_added + tip_proof.pairs_added,
        bound=request_proof.bound + tip_proof.bound,
        total=request_proof.total + tip_proof.total,
    )
    return requests + tips, proof


def _words() -> dict[str, engine.Words]:
    """Per language of the site: the language and skill names for the reasons."""
    languages, skills = list(Language.objects.all()), list(Skill.objects.all())
    words = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words[code] = engine.Words(
                languages={language.code: language.name for language in languages},
                skills={skill.slug: skill.name for skill in skills},
            )
    return words


def _reasons(chosen, volunteers, needs) -> dict:
    """Per chosen pair: its reasons in words in every language of the site, and the points of
    each part of its score, {"reasons": {"nl": [...], ...}, "points": {"language": 230, ...}}."""
    volunteer_by_id = {v.id: v for v in volunteers}
    need_by_id = {n.id: n for n in needs}
    explained = {(c.need_id, c.volunteer_id): {"reasons": {}} for c in chosen}
    for code, words in _words().items():
        with translation.override(code):
            for c in chosen:
                parts, words_for_pair = engine.score_parts(
                    volunteer_by_id[c.volunteer_id], need_by_id[c.need_id], words
                )
                explained[c.need_id, c.volunteer_id]["reasons"][code] = list(words_for_pair)
                explained[c.need_id, c.volunteer_id]["points"] = parts
    return explained


def _suggestion(candidate, run, reasons) -> MatchSuggestion:
    kind, pk = candidate.need_id
    return MatchSuggestion(
        help_request_id=pk if kind == REQUEST else None,
        opportunity_id=pk if kind == OPPORTUNITY else None,
        volunteer_id=candidate.volunteer_id,
        run=run,
        score=candidate.score,
        reasons=reasons[candidate.need_id, candidate.volunteer_id]["reasons"],
        points=reasons[candidate.need_id, candidate.volunteer_id]["points"],
    )


def match_run_execute(*, trigger: str = MatchRun.Trigger.SCHEDULE, by=None) -> MatchRun:
    """Run the matching once; raises MatchRunBusy if another run is going on."""
    from matching.suggestions import opportunity_suggestions_settle, suggestions_announce

    run = match_run_start(trigger=trigger, by=by)
    try:
        now = timezone.now()
        opportunity_suggestions_settle(now=now)
        volunteers = _volunteers(timezone.localdate())
        request_needs = [need for need in _request_needs(now) if need.places > 0]
        opportunity_needs = [need for need in _opportunity_needs(now) if need.places > 0]
        needs = request_needs + opportunity_needs
        chosen, certificate = plan(
            volunteers,
            request_needs,
            opportunity_needs,
            waiting_tips=_with_a_waiting_tip(),
            top_k=settings.MATCH_TOP_K,
        )
        if not certificate.is_optimal:  # cannot happen unless the engine is wrong
            raise RuntimeError(f"the assignment is not proven optimal: {certificate}")
        reasons = _reasons(chosen, volunteers, needs)
        with transaction.atomic():
            MatchSuggestion.objects.bulk_create(_suggestion(c, run, reasons) for c in chosen)
            # bulk_create sends no signal: the volunteers' own pages show what they were
            # suggested (read when the run commits).
            person_changed(
                users=MatchSuggestion.objects.filter(run=run).values("volunteer__user_id")
            )
            run.status = MatchRun.Status.DONE
            run.finished_at = timezone.now()
            run.candidates = certificate.pairs_priced
            run.suggestions = len(chosen)
            run.total_score = certificate.total
            run.pricing_rounds = certificate.rounds
            run.pairs_priced = certificate.pairs_priced
            run.pairs_added = certificate.pairs_added
            run.bound = certificate.bound
            run.save()
    except Exception as exc:
        logger.exception("Matching run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000]
        )
        raise
    suggestions_announce(run=run)
    return run


def alternatives_suggest(
    *, help_request: HelpRequest, run: MatchRun, count: int = 2, among=None
) -> list[MatchSuggestion]:
    """Up to `count` more volunteers proposed for one open request, besides what `run` chose,
    so that a coordinator can compare (the demo data; the run itself suggests the best
    assignment, one volunteer per place). The best remaining candidates by the engine's own
    score and rules (only volunteer profiles whose id is in `among`, when given), with their
    reasons."""
    now = timezone.now()
    needs = [n for n in _request_needs(now) if n.id == (REQUEST, help_request.pk)]
    if not needs:
        return []
    taken = set(
        MatchSuggestion.objects.filter(
            help_request=help_request, status__in=MatchSuggestion.ACTIVE
        ).values_list("volunteer_id", flat=True)
    )
    volunteers = [
        v
        for v in _volunteers(timezone.localdate())
        if v.id not in taken and (among is None or v.id in among)
    ]
    extra = engine.candidates_exhaustive(volunteers, needs, top_k=count)
    reasons = _reasons(extra, volunteers, needs)
    made = MatchSuggestion.objects.bulk_create(_suggestion(c, run, reasons) for c in extra)
    # bulk_create sends no signal: the volunteers' own pages show their suggestions.
    person_changed(
        users=VolunteerProfile.objects.filter(pk__in=[c.volunteer_id for c in extra]).values(
            "user_id"
        )
    )
    return made
