"""Opportunities in the matching: suggested to volunteers who fit (hard rules of the opportunity
and the volunteer's own travel distance), shown on their page with the reasons, in a weekly
e-mail they can switch off, and settled when they respond, say 'not for me', or it closes. Also
the coordinator's comparison screen and 'run now' in the admin."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Opportunity
from matching import runs
from matching.digests import opportunity_digests_send
from matching.models import HelpRequest, MatchRun, MatchSuggestion
from matching.suggestions import opportunity_suggestions_settle, suggestion_approve
from mpact.factories import (
    HelpRequestFactory,
    LanguageFactory,
    NeighbourhoodFactory,
    OpportunityFactory,
    ParticipantFactory,
    ResponseFactory,
    SkillFactory,
    UserFactory,
    VolunteerProfileFactory,
)
from mpact.notifications.models import Notification
from volunteers.models import VolunteerLanguage

pytestmark = pytest.mark.django_db


def speaker(hood, *, dutch="native", skills=(), **fields):
    profile = VolunteerProfileFactory(neighbourhood=hood, **fields)
    VolunteerLanguage.objects.create(profile=profile, language=LanguageFactory(), level=dutch)
    profile.skills.set(skills)
    return profile


@pytest.fixture
def town():
    centre = NeighbourhoodFactory(latitude=Decimal("52.22"), longitude=Decimal("6.89"))
    # About 5.6 km east of the centre.
    east = NeighbourhoodFactory(latitude=Decimal("52.22"), longitude=Decimal("6.972"))
    far = NeighbourhoodFactory(latitude=Decimal("52.50"), longitude=Decimal("6.89"))  # 31 km
    cooking = SkillFactory(slug="koken")
    opportunity = OpportunityFactory(
        neighbourhood=centre, min_dutch_level="B1", places=1, title="Kookmaatje"
    )
    opportunity.skills.set([cooking])
    return {"centre": centre, "east": east, "far": far, "cooking": cooking, "cook": opportunity}


def test_an_opportunity_is_suggested_to_who_fits_it(town):
    cook = speaker(town["centre"], skills=[town["cooking"]])
    speaker(town["centre"], dutch="A2", skills=[town["cooking"]])  # Dutch below B1
    speaker(town["far"], skills=[town["cooking"]])  # too far
    OpportunityFactory(neighbourhood=town["centre"], status=Opportunity.Status.DRAFT)
    Opportunity.objects.filter(pk=town["cook"].pk).update(places=3)  # room for all who fit
    run = runs.match_run_execute()
    suggestion = MatchSuggestion.objects.get()
    assert (suggestion.opportunity, suggestion.volunteer) == (town["cook"], cook)
    assert suggestion.help_request is None
    assert "vaardigheden: Koken" in suggestion.reasons["nl"]
    run.refresh_from_db()
    assert run.suggestions == 1
    runs.match_run_execute()  # nothing changed: nothing added
    assert MatchSuggestion.objects.count() == 1


def test_coordinators_do_not_approve_suggested_opportunities(town, coordinator_client):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    speaker(town["centre"])
    runs.match_run_execute()
    suggestion = MatchSuggestion.objects.get()
    with mock.patch("mpact.notifications.tasks.notification_enqueue"):
        coordinator_client.post(
            reverse("admin:matching_matchsuggestion_changelist"),
            {"action": "approve", ACTION_CHECKBOX_NAME: [suggestion.pk]},
        )
    suggestion.refresh_from_db()
    assert suggestion.status == "proposed"
    assert not Notification.objects.exists()


def test_a_vog_and_the_wanted_language_are_hard_rules(town):
    arabic = LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic")
    opportunity = town["cook"]
    opportunity.needs_vog = True
    opportunity.save()
    opportunity.languages.set([arabic])
    plain = speaker(town["centre"], has_vog=True, vog_date=timezone.localdate())
    VolunteerLanguage.objects.create(profile=plain, language=arabic, level="A2")
    without_vog = speaker(town["centre"])
    VolunteerLanguage.objects.create(profile=without_vog, language=arabic, level="native")
    fits = speaker(town["centre"], has_vog=True, vog_date=timezone.localdate())
    VolunteerLanguage.objects.create(profile=fits, language=arabic, level="B2")
    runs.match_run_execute()
    assert list(MatchSuggestion.objects.values_list("volunteer", flat=True)) == [fits.pk]


def test_responses_take_places_and_who_responded_is_not_suggested_again(town):
    first = speaker(town["centre"])
    second = speaker(town["centre"])
    opportunity = town["cook"]
    opportunity.places = 2
    opportunity.save()
    ResponseFactory(opportunity=opportunity, volunteer=first.user)
    runs.match_run_execute()
    # One place is taken by the pending response; the other goes to the one who did not respond.
    assert list(MatchSuggestion.objects.values_list("volunteer", flat=True)) == [second.pk]


def test_the_volunteers_own_travel_distance_is_a_hard_rule(town):
    participant = ParticipantFactory(neighbourhood=town["east"], dutch_level="B2")
    request = HelpRequestFactory(
        participant=participant,
        neighbourhood=town["east"],
        kind=HelpRequest.Kind.PAPERWORK,
        status=HelpRequest.Status.OPEN,
    )
    Opportunity.objects.update(status=Opportunity.Status.CLOSED)
    speaker(town["centre"], max_distance_km=2, buddy_capacity=1)
    willing = speaker(town["centre"], max_distance_km=10, buddy_capacity=1)
    runs.match_run_execute()
    suggestion = MatchSuggestion.objects.get()
    assert (suggestion.help_request, suggestion.volunteer) == (request, willing)
    assert "5,6 km" in suggestion.reasons["nl"]  # a decimal comma in Dutch
    assert "spreekt Nederlands (moedertaal)" in suggestion.reasons["nl"]
    assert "5.6 km" in suggestion.reasons["en"]


def test_a_waiting_opportunity_tip_never_keeps_a_person_from_being_helped(town):
    helper = speaker(town["centre"], hours_per_week=2)  # room for one thing at a time
    OpportunityFactory(neighbourhood=town["centre"], title="Voorleesmaatje")
    runs.match_run_execute()
    tip = MatchSuggestion.objects.get()
    assert tip.opportunity is not None and tip.volunteer == helper
    runs.match_run_execute()
    assert MatchSuggestion.objects.count() == 1  # one suggested opportunity at a time
    participant = ParticipantFactory(neighbourhood=town["centre"], dutch_level="B2")
    request = HelpRequestFactory(
        participant=participant,
        neighbourhood=town["centre"],
        kind=HelpRequest.Kind.PAPERWORK,
        status=HelpRequest.Status.OPEN,
    )
    runs.match_run_execute()
    offer = MatchSuggestion.objects.get(help_request=request)
    assert offer.volunteer == helper
    # Now their one place is held by the request: no request-sized room is left for another.
    second = HelpRequestFactory(
        participant=ParticipantFactory(neighbourhood=town["centre"], dutch_level="B2"),
        neighbourhood=town["centre"],
        kind=HelpRequest.Kind.PAPERWORK,
        status=HelpRequest.Status.OPEN,
    )
    runs.match_run_execute()
    assert not MatchSuggestion.objects.filter(help_request=second).exists()


def test_the_volunteer_sees_it_with_reasons_and_can_say_not_for_me(client, town):
    cook = speaker(town["centre"], skills=[town["cooking"]])
    runs.match_run_execute()
    suggestion = MatchSuggestion.objects.get()
    client.force_login(cook.user)
    page = client.get(reverse("volunteer_dashboard"))
    assert list(page.context["for_you"]) == [suggestion]
    assert "Kookmaatje" in page.content.decode() and "Koken" in page.content.decode()

    # Someone else cannot decline it for them.
    client.force_login(UserFactory())
    url = reverse("matching:opportunity_suggestion_decline", args=[suggestion.pk])
    assert client.post(url).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == "proposed"

    client.force_login(cook.user)
    response = client.post(url)
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "declined"
    assert not client.get(reverse("volunteer_dashboard")).context["for_you"]
    # A second 'not for me' changes nothing and says so.
    client.post(url)
    suggestion.refresh_from_db()
    assert suggestion.status == "declined"
    runs.match_run_execute()
    assert MatchSuggestion.objects.count() == 1  # never suggested again


def test_responding_accepts_the_suggestion_and_closing_expires_it(town):
    cook = speaker(town["centre"], skills=[town["cooking"]], buddy_capacity=2)
    speaker(town["centre"])  # a reader: one tip per volunteer, so the second goes to them
    other = OpportunityFactory(neighbourhood=town["centre"], title="Voorleesmaatje")
    runs.match_run_execute()
    by_title = {s.opportunity.title: s for s in MatchSuggestion.objects.all()}
    assert set(by_title) == {"Kookmaatje", "Voorleesmaatje"}
    assert by_title["Kookmaatje"].volunteer == cook
    ResponseFactory(opportunity=town["cook"], volunteer=cook.user)
    other.status = Opportunity.Status.FILLED
    other.save()
    assert opportunity_suggestions_settle() == 2
    statuses = dict(MatchSuggestion.objects.values_list("opportunity__title", "status"))
    assert statuses == {"Kookmaatje": "accepted", "Voorleesmaatje": "expired"}


def test_an_unanswered_suggestion_expires_after_its_days(town, settings):
    speaker(town["centre"])
    runs.match_run_execute()
    later = timezone.now() + timedelta(days=settings.MATCH_OPPORTUNITY_DAYS - 1)
    assert opportunity_suggestions_settle(now=later) == 0
    later = timezone.now() + timedelta(days=settings.MATCH_OPPORTUNITY_DAYS + 1)
    assert opportunity_suggestions_settle(now=later) == 1
    assert MatchSuggestion.objects.get().status == "expired"


def test_the_weekly_email_lists_the_suggestions_once_and_can_be_switched_off(client, town):
    cook = speaker(town["centre"], skills=[town["cooking"]])
    cook.user.language = "en"
    cook.user.save()
    quiet = speaker(town["centre"], opportunity_email=False)
    OpportunityFactory(neighbourhood=town["centre"], title="Voorleesmaatje")
    runs.match_run_execute()
    assert set(MatchSuggestion.objects.values_list("volunteer", flat=True)) == {cook.pk, quiet.pk}

    with mock.patch("mpact.notifications.tasks.notification_enqueue"):
        assert opportunity_digests_send() == 1
        assert opportunity_digests_send() == 0  # nothing new since
    notification = Notification.objects.get(kind="opportunities_for_you")
    assert notification.user == cook.user
    assert notification.subject == "Volunteer opportunities for you"
    assert "Kookmaatje" in notification.body and "skills: Cooking" in notification.body
    assert "vaardigheden" not in notification.body  # the reasons in their language too
    assert MatchSuggestion.objects.get(volunteer=cook).mailed_at is not None

    off_link = notification.body.split("\n")[-1].split("http://localhost:8000", 1)[1]
    assert client.get(off_link).status_code == 200
    cook.refresh_from_db()
    assert cook.opportunity_email  # opening the link alone changes nothing
    assert client.post(off_link).status_code == 200
    cook.refresh_from_db()
    assert not cook.opportunity_email
    assert client.post(off_link[:-3] + "abc/").status_code == 400


def test_the_weekly_email_is_delivered_by_the_task(town, settings):
    from matching.tasks import send_opportunity_digests
    from mpact.notifications.delivery import notification_deliver

    cook = speaker(town["centre"])
    runs.match_run_execute()
    with mock.patch("mpact.notifications.tasks.notification_enqueue"):
        assert send_opportunity_digests.apply().get() == 1
    notification = Notification.objects.get(kind="opportunities_for_you")
    assert notification_deliver(notification_id=notification.pk)
    assert mail.outbox[0].to == [cook.user.email]
    assert "Kookmaatje" in mail.outbox[0].body


# --- The volunteer answers an offered match from their page ---------------------------------


def test_the_volunteer_answers_an_offer_from_their_page(client, town, coordinator):
    participant = ParticipantFactory(neighbourhood=town["centre"], dutch_level="B2")
    request = HelpRequestFactory(
        participant=participant,
        neighbourhood=town["centre"],
        kind=HelpRequest.Kind.PAPERWORK,
        status=HelpRequest.Status.OPEN,
    )
    Opportunity.objects.update(status=Opportunity.Status.CLOSED)
    helper = speaker(town["centre"], buddy_capacity=1)
    runs.match_run_execute()
    suggestion = MatchSuggestion.objects.get()
    client.force_login(helper.user)
    # Not shown, and not reachable, before a coordinator approved it.
    assert not client.get(reverse("volunteer_dashboard")).context["offers"]
    detail = reverse("matching:suggestion_detail", args=[suggestion.pk])
    assert client.get(detail).status_code == 404
    suggestion_approve(suggestion=suggestion, by=coordinator)
    page = client.get(reverse("volunteer_dashboard"))
    assert list(page.context["offers"]) == [suggestion]
    assert participant.first_name in page.content.decode()
    assert client.post(detail, {"answer": "maybe"}).status_code == 400
    assert client.post(detail, {"answer": "accept"}).status_code == 302
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.MATCHED
    assert "accepted" == MatchSuggestion.objects.get().status


# --- The coordinator's comparison screen and 'run now' --------------------------------------


@pytest.fixture
def compared(town):
    participant = ParticipantFactory(neighbourhood=town["centre"], dutch_level="B2")
    request = HelpRequestFactory(
        participant=participant, neighbourhood=town["centre"], status=HelpRequest.Status.OPEN
    )
    volunteers = [speaker(town["centre"]) for _ in range(3)]
    suggestions = [
        MatchSuggestion.objects.create(
            help_request=request, volunteer=volunteer, score=score, reasons=[f"{score} punten"]
        )
        for volunteer, score in zip(volunteers, [300, 700, 500], strict=True)
    ]
    return request, suggestions


def test_the_comparison_shows_the_alternatives_best_first(coordinator_client, compared):
    request, suggestions = compared
    busy = suggestions[0].volunteer  # the 300 one has another request in play
    MatchSuggestion.objects.create(
        help_request=HelpRequestFactory(status=HelpRequest.Status.OPEN),
        volunteer=busy,
        score=100,
        reasons=[],
        status=MatchSuggestion.Status.ACCEPTED,
    )
    url = reverse("admin:matching_helprequest_suggestions", args=[request.pk])
    page = coordinator_client.get(url)
    assert [s.score for s in page.context["suggestions"]] == [700, 500, 300]
    assert [s.elsewhere for s in page.context["suggestions"]] == [0, 0, 1]
    text = page.content.decode()
    assert text.index("700 punten") < text.index("500 punten") < text.index("300 punten")
    change = coordinator_client.get(reverse("admin:matching_helprequest_change", args=[request.pk]))
    assert url in change.content.decode()


def test_the_comparison_costs_the_same_queries_for_more_suggestions(
    coordinator_client, compared, django_assert_max_num_queries, town
):
    request, _ = compared
    url = reverse("admin:matching_helprequest_suggestions", args=[request.pk])
    with django_assert_max_num_queries(30) as few:
        coordinator_client.get(url)
    for score in range(20):
        MatchSuggestion.objects.create(
            help_request=request, volunteer=speaker(town["east"]), score=score, reasons=[]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator_client.get(url)


def test_approve_and_reject_from_the_comparison(coordinator_client, compared, coordinator):
    request, (low, best, middle) = compared
    url = reverse("admin:matching_helprequest_suggestions", args=[request.pk])
    response = coordinator_client.post(url, {"suggestion": low.pk, "decision": "reject"})
    assert response.status_code == 400  # no reason given
    low.refresh_from_db()
    assert low.status == "proposed"
    coordinator_client.post(
        url, {"suggestion": low.pk, "decision": "reject", "reason": "Woont te dichtbij"}
    )
    coordinator_client.post(url, {"suggestion": best.pk, "decision": "approve"})
    low.refresh_from_db()
    best.refresh_from_db()
    assert (low.status, low.reject_reason) == ("rejected", "Woont te dichtbij")
    assert (best.status, best.decided_by) == ("approved", coordinator)
    assert Notification.objects.get(kind="match_offered").user == best.volunteer.user
    # A forged choice is a 404, not an error page.
    assert (
        coordinator_client.post(url, {"suggestion": "x", "decision": "approve"}).status_code == 404
    )
    # Approving twice is refused with a message, not a second notification.
    assert (
        coordinator_client.post(url, {"suggestion": best.pk, "decision": "approve"}).status_code
        == 400
    )
    assert Notification.objects.filter(kind="match_offered").count() == 1


def test_run_now_hands_the_run_to_the_worker(coordinator_client, coordinator):
    url = reverse("admin:matching_matchrun_start")
    with mock.patch("matching.tasks.run_matching.delay") as delay:
        response = coordinator_client.post(url)
    assert response.status_code == 302
    delay.assert_called_once_with(trigger=MatchRun.Trigger.MANUAL, by_id=coordinator.pk)
    MatchRun.objects.create(trigger=MatchRun.Trigger.SCHEDULE)  # one is running now
    with mock.patch("matching.tasks.run_matching.delay") as delay:
        coordinator_client.post(url)
    delay.assert_not_called()
    # The broker is down: a clear message, no error page.
    MatchRun.objects.update(status=MatchRun.Status.DONE)
    with mock.patch("matching.tasks.run_matching.delay", side_effect=OSError("no broker")):
        response = coordinator_client.post(url, follow=True)
    assert response.status_code == 200
    assert "niet bereikbaar" in str(list(response.context["messages"])[-1])


def test_run_now_records_who_started_it(coordinator):
    from matching.tasks import run_matching

    run_matching.apply(kwargs={"trigger": "manual", "by_id": coordinator.pk}).get()
    run = MatchRun.objects.get()
    assert (run.trigger, run.by, run.status) == ("manual", coordinator, "done")


def test_the_queue_shows_and_filters_requests_with_suggestions_to_review(
    coordinator_client, compared
):
    request, _ = compared
    other = HelpRequestFactory(status=HelpRequest.Status.OPEN)
    url = reverse("admin:matching_helprequest_changelist")
    page = coordinator_client.get(url, {"suggestions": "review"})
    assert [r.pk for r in page.context["cl"].result_list] == [request.pk]
    assert page.context["cl"].result_list[0].to_review == 3
    assert reverse("admin:matching_helprequest_suggestions", args=[request.pk]) in (
        page.content.decode()
    )
    everything = coordinator_client.get(url)
    assert {r.pk for r in everything.context["cl"].result_list} == {request.pk, other.pk}
