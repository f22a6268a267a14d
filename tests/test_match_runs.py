"""A matching run reads the database, lets the engine choose and writes suggestions: one run
at a time, no duplicates when nothing changed, nothing half-written when it fails."""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import engine, runs
from matching.models import HelpRequest, MatchRun, MatchSuggestion
from mpact.factories import (
    HelpRequestFactory,
    LanguageFactory,
    NeighbourhoodFactory,
    ParticipantFactory,
    VolunteerProfileFactory,
)
from volunteers.models import VolunteerLanguage

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    hood = NeighbourhoodFactory(latitude=Decimal("52.22"), longitude=Decimal("6.89"))
    arabic = LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic")
    tigrinya = LanguageFactory(code="ti", name_nl="Tigrinya", name_en="Tigrinya")
    participant = ParticipantFactory(neighbourhood=hood, dutch_level="A1")
    participant.languages.set([arabic])
    request = HelpRequestFactory(
        participant=participant,
        neighbourhood=hood,
        kind=HelpRequest.Kind.BUDDY,
        status=HelpRequest.Status.OPEN,
    )
    # A buddy is one to one with someone vulnerable: only volunteers with a valid VOG.
    vog = {"has_vog": True, "vog_date": timezone.localdate() - timedelta(days=100)}
    speaker = VolunteerProfileFactory(neighbourhood=hood, buddy_capacity=1, **vog)
    VolunteerLanguage.objects.create(profile=speaker, language=arabic, level="C1")
    other = VolunteerProfileFactory(neighbourhood=hood, buddy_capacity=1, **vog)
    VolunteerLanguage.objects.create(profile=other, language=tigrinya, level="native")
    paused = VolunteerProfileFactory(
        neighbourhood=hood,
        buddy_capacity=1,
        paused_until=timezone.localdate() + timedelta(days=3),
        **vog,
    )
    VolunteerLanguage.objects.create(profile=paused, language=arabic, level="native")
    return {"request": request, "speaker": speaker, "other": other, "paused": paused}


def test_a_run_suggests_a_volunteer_who_can_talk_with_the_person(world):
    run = runs.match_run_execute()
    suggestion = MatchSuggestion.objects.get()
    assert (suggestion.help_request, suggestion.volunteer) == (world["request"], world["speaker"])
    assert "spreekt Arabisch (C1)" in suggestion.reasons["nl"]
    assert "speaks Arabic (C1)" in suggestion.reasons["en"]
    run.refresh_from_db()
    assert (run.status, run.suggestions) == ("done", 1)
    # The proof that it is the best assignment: one round, the bound equal to the total.
    assert (run.pricing_rounds, run.pairs_added, run.bound) == (1, 0, run.total_score)
    assert run.total_score == suggestion.score and run.seconds is not None


def test_running_again_with_nothing_changed_adds_nothing(world):
    runs.match_run_execute()
    second = runs.match_run_execute()
    assert MatchSuggestion.objects.count() == 1
    assert second.suggestions == 0


def test_only_one_run_at_a_time_and_a_crashed_one_is_taken_over(world):
    stuck = MatchRun.objects.create(trigger=MatchRun.Trigger.SCHEDULE)
    with pytest.raises(runs.MatchRunBusy):
        runs.match_run_execute()
    assert not MatchSuggestion.objects.exists()
    MatchRun.objects.filter(pk=stuck.pk).update(started_at=timezone.now() - timedelta(hours=2))
    runs.match_run_execute()
    stuck.refresh_from_db()
    assert stuck.status == MatchRun.Status.FAILED and "taken over" in stuck.error
    assert MatchSuggestion.objects.count() == 1


def test_a_run_that_fails_half_way_writes_nothing(world):
    with mock.patch.object(runs.engine, "optimise", side_effect=RuntimeError("solver crashed")):
        with pytest.raises(RuntimeError):
            runs.match_run_execute()
    assert not MatchSuggestion.objects.exists()
    run = MatchRun.objects.get()
    assert run.status == MatchRun.Status.FAILED and "solver crashed" in run.error
    # The lock is free again.
    runs.match_run_execute()
    assert MatchSuggestion.objects.count() == 1


def test_a_rejected_pair_is_never_offered_again(world):
    runs.match_run_execute()
    MatchSuggestion.objects.update(status=MatchSuggestion.Status.REJECTED)
    runs.match_run_execute()
    assert MatchSuggestion.objects.filter(status="proposed").count() == 0


def test_who_was_turned_down_for_a_person_is_not_suggested_for_their_next_request(
    world, coordinator
):
    from matching.suggestions import suggestion_reject

    runs.match_run_execute()
    suggestion_reject(
        suggestion=MatchSuggestion.objects.get(), by=coordinator, reason="Kennen elkaar al"
    )
    world["request"].status = HelpRequest.Status.CLOSED
    world["request"].save()
    HelpRequestFactory(
        participant=world["request"].participant,
        neighbourhood=world["request"].neighbourhood,
        kind=HelpRequest.Kind.LANGUAGE,
        status=HelpRequest.Status.OPEN,
    )
    runs.match_run_execute()
    assert not MatchSuggestion.objects.filter(status="proposed").exists()


def test_the_times_a_coordinator_noted_must_fit_the_volunteer(world, coordinator_client):
    from django.urls import reverse

    from volunteers.models import availability_bit

    tuesday_evening = availability_bit(1, 2)
    request = world["request"]
    request.available_slots = tuesday_evening
    request.save()
    world["speaker"].availability = availability_bit(0, 0)  # Monday morning only
    world["speaker"].save()
    runs.match_run_execute()
    assert not MatchSuggestion.objects.exists()
    world["speaker"].availability = availability_bit(0, 0) | tuesday_evening
    world["speaker"].save()
    runs.match_run_execute()
    assert "allebei vrij op dinsdagavond" in MatchSuggestion.objects.get().reasons["nl"]
    # The coordinator ticks the times on the request in the admin.
    page = coordinator_client.get(reverse("admin:matching_helprequest_change", args=[request.pk]))
    assert f'name="available_slots" value="{tuesday_evening}"' in page.content.decode()


def test_the_scheduled_task_skips_when_busy(world):
    from matching.tasks import run_matching

    MatchRun.objects.create(trigger=MatchRun.Trigger.MANUAL)
    assert run_matching() is None
    MatchRun.objects.update(status=MatchRun.Status.DONE)
    assert run_matching() is not None


def test_a_failed_scheduled_run_is_recorded_and_tried_again(world):
    from matching import engine
    from matching.tasks import run_matching

    real_optimise, calls = engine.optimise, []

    def crashes_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("solver crashed")
        return real_optimise(*args, **kwargs)

    with mock.patch.object(engine, "optimise", side_effect=crashes_once):
        result = run_matching.apply()
    assert len(calls) == 3  # the failed run's first step, then both steps of the retry
    failed, done = MatchRun.objects.order_by("started_at")
    assert (failed.status, done.status) == ("failed", "done")
    assert "solver crashed" in failed.error
    assert result.get() == done.pk
    assert MatchSuggestion.objects.filter(run=done).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_started_at_once_one_runs_the_other_is_refused():
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    outcomes = []

    def start():
        try:
            barrier.wait()
            outcomes.append(runs.match_run_start(trigger=MatchRun.Trigger.MANUAL).pk)
        except runs.MatchRunBusy:
            outcomes.append("busy")
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str).count("busy") == 1
    assert MatchRun.objects.filter(status=MatchRun.Status.RUNNING).count() == 1


# --- The workflow: approve, accept, decline, expire and re-offer ------------------------------


def _answer_page(client, suggestion):
    from matching.suggestions import answer_url

    return answer_url(suggestion)


def test_approve_then_the_volunteer_accepts_and_sees_only_the_basics(client, world, coordinator):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.urls import reverse

    from mpact.notifications.models import Notification

    runs.match_run_execute()
    suggestion = MatchSuggestion.objects.get()
    client.force_login(coordinator)
    client.post(
        reverse("admin:matching_matchsuggestion_changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [suggestion.pk]},
    )
    suggestion.refresh_from_db()
    assert suggestion.status == "approved" and suggestion.decided_by == coordinator
    offer = Notification.objects.get(kind="match_offered")
    assert offer.user == world["speaker"].user
    participant = world["request"].participant
    participant.phone = "0699999999"
    participant.last_name = "Geheim"
    participant.save()
    client.force_login(world["speaker"].user)
    page = client.get(offer.link)
    text = page.content.decode()
    assert participant.first_name in text and world["request"].description in text
    assert "0699999999" not in text and "Geheim" not in text
    client.post(offer.link, {"answer": "accept"})
    suggestion.refresh_from_db()
    world["request"].refresh_from_db()
    assert suggestion.status == "accepted"
    assert world["request"].status == HelpRequest.Status.MATCHED
    assert Notification.objects.filter(kind="match_accepted", user=coordinator).exists()


def test_someone_else_cannot_answer(client, world, coordinator):
    from matching.suggestions import suggestion_approve

    runs.match_run_execute()
    suggestion = suggestion_approve(suggestion=MatchSuggestion.objects.get(), by=coordinator)
    url = _answer_page(client, suggestion)
    client.force_login(world["other"].user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "accept"}).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == "approved"
    assert client.get(url.rstrip("/") + "x/").status_code == 400


def test_decline_or_expiry_offers_the_next_best_on_the_next_run(world, coordinator):
    from matching.suggestions import suggestion_approve, suggestion_decline, suggestions_expire

    second = VolunteerProfileFactory(
        neighbourhood=world["request"].neighbourhood,
        buddy_capacity=1,
        has_vog=True,
        vog_date=timezone.localdate(),
    )
    VolunteerLanguage.objects.create(
        profile=second, language=world["speaker"].languages.get().language, level="B2"
    )
    runs.match_run_execute()
    first = MatchSuggestion.objects.get()
    assert first.volunteer == world["speaker"]  # C1 scores above B2
    suggestion_approve(suggestion=first, by=coordinator)
    suggestion_decline(suggestion=first, user=world["speaker"].user)
    runs.match_run_execute()
    offered = MatchSuggestion.objects.get(status="proposed")
    assert offered.volunteer == second
    suggestion_approve(suggestion=offered, by=coordinator)
    assert suggestions_expire(now=timezone.now() + timedelta(days=4)) == 0
    assert suggestions_expire(now=timezone.now() + timedelta(days=6)) == 1
    runs.match_run_execute()
    assert not MatchSuggestion.objects.filter(status="proposed").exists()  # nobody else fits


def test_a_request_that_is_withdrawn_ends_its_suggestions_and_tells_who_was_asked(
    world, coordinator
):
    from matching.services import HelpRequestError, help_request_withdraw
    from matching.suggestions import suggestion_approve
    from mpact.notifications.models import Notification

    second = VolunteerProfileFactory(neighbourhood=world["request"].neighbourhood, buddy_capacity=1)
    VolunteerLanguage.objects.create(
        profile=second, language=world["speaker"].languages.get().language, level="B2"
    )
    # Two places' worth: a run per volunteer.
    runs.match_run_execute()
    offered = suggestion_approve(suggestion=MatchSuggestion.objects.get(), by=coordinator)
    runs.match_run_execute()
    assert MatchSuggestion.objects.count() == 1  # one place, and it is in play
    help_request_withdraw(help_request=world["request"])
    offered.refresh_from_db()
    assert offered.status == "expired"
    told = Notification.objects.get(kind="match_withdrawn")
    assert told.user == world["speaker"].user
    # Its capacity is free again for other requests, and nothing is offered for this one.
    runs.match_run_execute()
    assert MatchSuggestion.objects.count() == 1
    volunteers = {v.id: v for v in runs._volunteers(timezone.localdate())}
    assert volunteers[world["speaker"].pk].capacity == 1
    with pytest.raises(HelpRequestError):
        suggestion_approve(suggestion=offered, by=coordinator)


def test_when_one_of_two_offered_volunteers_says_yes_the_other_is_told(world, coordinator):
    from matching.suggestions import suggestion_accept, suggestion_approve
    from mpact.notifications.models import Notification

    second = VolunteerProfileFactory(neighbourhood=world["request"].neighbourhood, buddy_capacity=1)
    first = MatchSuggestion.objects.create(
        help_request=world["request"], volunteer=world["speaker"], score=600, reasons=[]
    )
    other = MatchSuggestion.objects.create(
        help_request=world["request"], volunteer=second, score=500, reasons=[]
    )
    suggestion_approve(suggestion=first, by=coordinator)
    suggestion_approve(suggestion=other, by=coordinator)
    suggestion_accept(suggestion=first, user=world["speaker"].user)
    other.refresh_from_db()
    assert other.status == "expired"
    told = Notification.objects.get(kind="match_withdrawn")
    assert told.user == second.user and "Iemand anders" in told.subject


def test_coordinators_are_told_what_a_run_left_to_review(world, coordinator):
    from matching.services import help_request_assign
    from mpact.factories import UserFactory
    from mpact.notifications.models import Notification

    colleague = UserFactory(is_staff=True)  # assigned, not in the coordinators group
    runs.match_run_execute()  # the request is nobody's yet: every coordinator hears of it
    note = Notification.objects.get(kind="suggestions_to_review")
    assert note.user == coordinator and note.subject.startswith("1 hulpvraag")
    assert note.link.endswith("?suggestions=review")
    Notification.objects.all().delete()
    MatchSuggestion.objects.update(status="rejected")
    help_request_assign(help_request=world["request"], coordinator=colleague, by=coordinator)
    VolunteerLanguage.objects.create(
        profile=world["other"], language=world["speaker"].languages.get().language, level="B2"
    )
    runs.match_run_execute()  # now only the one it is assigned to
    assert [n.user for n in Notification.objects.filter(kind="suggestions_to_review")] == [
        colleague
    ]
    runs.match_run_execute()  # nothing new: nobody is told
    assert Notification.objects.filter(kind="suggestions_to_review").count() == 1


def test_rejecting_needs_a_reason(world, coordinator):
    from matching.services import HelpRequestError
    from matching.suggestions import suggestion_reject

    runs.match_run_execute()
    suggestion = MatchSuggestion.objects.get()
    with pytest.raises(HelpRequestError):
        suggestion_reject(suggestion=suggestion, by=coordinator, reason=" ")
    suggestion_reject(suggestion=suggestion, by=coordinator, reason="Kennen elkaar al")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reject_reason) == ("rejected", "Kennen elkaar al")


@pytest.mark.parametrize(
    ("vog", "suggested"),
    [
        ({"has_vog": False}, False),
        ({"has_vog": True, "vog_date": date(2020, 1, 1)}, False),  # too old to count
        ({"has_vog": True, "vog_date": "recent"}, True),
    ],
)
def test_a_minor_is_suggested_only_volunteers_with_a_valid_vog(vog, suggested, settings):
    """A request for a 15-year-old, of a kind that needs no VOG by itself."""
    settings.MATCH_VOG_KINDS = []
    hood = NeighbourhoodFactory(latitude=Decimal("52.22"), longitude=Decimal("6.89"))
    participant = ParticipantFactory(
        neighbourhood=hood, year_of_birth=timezone.localdate().year - 15, dutch_level="B2"
    )
    request = HelpRequestFactory(
        participant=participant,
        neighbourhood=hood,
        kind=HelpRequest.Kind.PAPERWORK,
        status=HelpRequest.Status.OPEN,
    )
    if vog.get("vog_date") == "recent":
        vog = {**vog, "vog_date": timezone.localdate() - timedelta(days=30)}
    volunteer = VolunteerProfileFactory(neighbourhood=hood, buddy_capacity=1, **vog)
    VolunteerLanguage.objects.create(profile=volunteer, language=LanguageFactory(), level="native")
    runs.match_run_execute()
    suggestion = MatchSuggestion.objects.filter(help_request=request).first()
    assert (suggestion is not None) is suggested
    if suggestion:
        assert "verklaring omtrent gedrag (VOG): ja" in suggestion.reasons["nl"]
        assert "certificate of conduct (VOG): yes" in suggestion.reasons["en"]
    # And an adult's paperwork needs none.
    participant.year_of_birth = timezone.localdate().year - 40
    participant.save()
    MatchSuggestion.objects.all().delete()
    runs.match_run_execute()
    assert MatchSuggestion.objects.filter(help_request=request).exists()


def test_tips_come_one_at_a_time_and_never_take_a_place_a_person_could_have():
    """A volunteer with room for two: the person asking for help gets them first, and of two
    opportunities only one is suggested, in one run and in the next."""
    from matching.runs import plan

    near = dict(lat=52.22, lon=6.89)
    volunteer = engine.Volunteer(id=1, languages={"nl": "native"}, capacity=2, **near)
    person = engine.Need(id=("request", 1), languages={"nl": "native"}, **near)
    tips = [
        engine.Need(
            id=("opportunity", n),
            languages={"nl": "native"},
            needs_shared_language=False,
            waiting_days=60,  # scores above the person: a joint optimum would take both
            **near,
        )
        for n in (1, 2)
    ]
    chosen, proof = plan([volunteer], [person], tips)
    kinds = sorted(kind for kind, _pk in (c.need_id for c in chosen))
    assert kinds == ["opportunity", "request"]  # the person, and one tip of the two
    assert proof.total == proof.bound == sum(c.score for c in chosen)
    # With a tip waiting, the next run suggests no other tip, and the person still comes first.
    chosen, _proof = plan([volunteer], [person], tips, waiting_tips={1})
    assert [c.need_id for c in chosen] == [("request", 1)]


def test_the_comparison_screen_shows_the_points_per_part(world, coordinator_client):
    runs.match_run_execute()
    suggestion = MatchSuggestion.objects.get()
    assert sum(suggestion.points.values()) == suggestion.score
    page = coordinator_client.get(
        reverse("admin:matching_helprequest_suggestions", args=[world["request"].pk])
    )
    content = page.content.decode()
    assert "Punten per onderdeel" in content
    assert f"taal: {suggestion.points['language']}" in content
