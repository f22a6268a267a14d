"""Trajectories (issue 14): from an accepted buddy match to the certificate, with time moved
forward by passing `now=` (as the other reminder tasks are tested); bad input refused with
nothing saved; the pages from the outside; the lists' queries for 1 and 50 trajectories."""

import unicodedata
from datetime import date, datetime, time, timedelta
from io import BytesIO

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from matching import trajectories
from matching.models import (
    CheckIn,
    CheckInScore,
    Goal,
    HelpRequest,
    SuccessStory,
    Trajectory,
    TrajectoryGoal,
)
from matching.suggestions import suggestion_accept
from mpact.factories import (
    HelpRequestFactory,
    MatchSuggestionFactory,
    ParticipantFactory,
    UserFactory,
    VolunteerProfileFactory,
)
from mpact.notifications.models import Notification

Kind = Notification.Kind
START = date(2026, 3, 2)


def at(day: date, hour: int = 9):
    """An aware moment on `day` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


@pytest.fixture
def accepted_match(db):
    participant = ParticipantFactory(first_name="Amina", last_name="Haddad")
    help_request = HelpRequestFactory(
        kind=HelpRequest.Kind.BUDDY, participant=participant, opened=True
    )
    suggestion = MatchSuggestionFactory(help_request=help_request, approved=True)
    return suggestion_accept(suggestion=suggestion, user=suggestion.volunteer.user)


@pytest.fixture
def goals(db):
    return {goal.name_en: goal for goal in Goal.objects.all()}


@pytest.fixture
def trajectory(accepted_match, goals, coordinator):
    return trajectories.trajectory_start_from_match(
        suggestion=accepted_match,
        by=coordinator,
        starts_on=START,
        goals=[
            (goals["More social contacts"], "", 2),
            (None, "Zelf mijn post lezen", 1),
        ],
    )


def test_the_standard_goals_are_seeded_in_every_language(goals):
    assert len(goals) == 7
    assert "Knowing what you are stuck on" in goals
    assert all(goal.name_nl and goal.name_ar and goal.name_uk for goal in goals.values())


def test_from_accepted_match_to_certificate(trajectory, accepted_match, client, coordinator):
    # Started: six months, the buddy is the volunteer, the first check-in in four weeks.
    assert trajectory.kind == Trajectory.Kind.BUDDY
    assert trajectory.guide_volunteer == accepted_match.volunteer
    assert trajectory.ends_on == date(2026, 9, 2)
    assert trajectory.next_check_in_on == START + timedelta(weeks=4)
    buddy = accepted_match.volunteer.user
    assert Notification.objects.filter(user=buddy, kind=Kind.TRAJECTORY_STARTED).count() == 1
    goal_social, goal_own = trajectory.goals.order_by("pk")

    # The day before it is due: nothing. On the day: one reminder, once however often it runs.
    due = trajectory.next_check_in_on
    assert trajectories.check_ins_remind(now=at(due - timedelta(days=1))) == 0
    assert trajectories.check_ins_remind(now=at(due)) == 1
    assert trajectories.check_ins_remind(now=at(due, 15)) == 0
    assert Notification.objects.filter(user=buddy, kind=Kind.CHECK_IN_DUE).count() == 1
    trajectory.refresh_from_db()
    assert not trajectory.is_overdue(due)

    # A week later it is overdue: flagged, first in the coordinators' order, reminded once.
    late = due + timedelta(days=7)
    other = trajectories.trajectory_enrol(
        participant=ParticipantFactory(),
        guide=coordinator,
        by=coordinator,
        starts_on=late - timedelta(days=1),
    )
    trajectory.refresh_from_db()
    assert trajectory.is_overdue(late)
    assert list(Trajectory.objects.overdue(late)) == [trajectory]
    assert list(Trajectory.objects.overdue_first(late)) == [trajectory, other]
    assert trajectories.check_ins_remind(now=at(late)) == 1
    assert trajectories.check_ins_remind(now=at(late, 18)) == 0
    assert Notification.objects.filter(user=buddy, kind=Kind.CHECK_IN_OVERDUE).count() == 1
    assert Notification.objects.filter(user=buddy, kind=Kind.CHECK_IN_DUE).count() == 1

    # The check-in is logged: the next one is planned four weeks on, no longer overdue.
    held = late + timedelta(days=1)
    trajectories.check_in_log(
        trajectory=trajectory,
        by=buddy,
        held_on=held,
        how_it_went=CheckIn.HowItWent.GOOD,
        note="Samen naar het buurthuis geweest.",
        scores={goal_social.pk: 3, goal_own.pk: 2},
        now=at(held, 20),
    )
    trajectory.refresh_from_db()
    assert trajectory.next_check_in_on == held + timedelta(weeks=4)
    assert not trajectory.is_overdue(held)
    assert trajectory.due_reminded_at is None and trajectory.overdue_reminded_at is None

    # The guide's page shows the progress chart.
    client.force_login(buddy)
    page = client.get(reverse("matching:trajectory_detail", args=[trajectory.pk]))
    assert page.status_code == 200
    assert b"<svg" in page.content and b"<polyline" in page.content

    # The coordinator completes it; the certificate holds the name, the period and the goals.
    done = at(date(2026, 9, 2), 11)
    trajectories.trajectory_complete(trajectory=trajectory, by=coordinator, now=done)
    trajectory.refresh_from_db()
    assert trajectory.status == Trajectory.Status.COMPLETED
    assert Notification.objects.filter(kind=Kind.TRAJECTORY_COMPLETED, user=buddy).exists()
    text = pdf_text(trajectories.certificate_pdf(trajectory=trajectory, language="nl"))
    assert "Amina Haddad" in text
    assert "2 maart 2026" in text and "2 september 2026" in text
    assert "Meer sociale contacten" in text and "Zelf mijn post lezen" in text
    english = pdf_text(trajectories.certificate_pdf(trajectory=trajectory, language="en"))
    assert "Certificate" in english and "2 March 2026" in english
    assert "More social contacts" in english

    # The participant downloads it through the signed link; the coordinator prints it.
    client.logout()
    response = client.get(trajectories.certificate_url(trajectory))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Amina Haddad" in pdf_text(response.content)
    client.force_login(coordinator)
    printed = client.get(reverse("admin:matching_trajectory_certificate", args=[trajectory.pk]))
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("first_name", "last_name", "goal"),
    [
        ("Олена", "Коваленко", "Знайти роботу"),  # Ukrainian: Cyrillic letters
        ("أحمد", "الحسن", "أن أقرأ رسائلي بنفسي"),  # Arabic: joined letters, right to left
    ],
)
def test_the_certificate_prints_every_script(db, coordinator, first_name, last_name, goal):
    participant = ParticipantFactory(first_name=first_name, last_name=last_name)
    trajectory = trajectories.trajectory_enrol(
        participant=participant,
        guide=coordinator,
        by=coordinator,
        starts_on=START,
        goals=[(None, goal, 2)],
    )
    trajectories.trajectory_complete(trajectory=trajectory, by=coordinator, now=at(START, 12))
    trajectory.refresh_from_db()
    pdf = trajectories.certificate_pdf(trajectory=trajectory, language="nl")
    # The embedded font has the letters (Helvetica would print boxes); pypdf reads Arabic back
    # in its shaped presentation forms, which NFKC turns into the letters typed.
    text = unicodedata.normalize("NFKC", pdf_text(pdf))
    assert f"{first_name} {last_name}" in text
    assert goal in text
    assert "Certificaat" in text and "2 maart 2026" in text
    fonts = PdfReader(BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    # Only the embedded fonts (a subset: "AAAAAA+DejaVuSans"), no Helvetica.
    names = {font.get_object()["/BaseFont"].split("+")[-1] for font in fonts}
    assert names == {"DejaVuSans", "DejaVuSans-Bold"}


def test_a_paused_trajectory_gets_no_reminders(trajectory):
    trajectories.trajectory_pause(trajectory=trajectory)
    assert trajectories.check_ins_remind(now=at(START + timedelta(weeks=10))) == 0
    trajectories.trajectory_resume(trajectory=trajectory, now=at(START + timedelta(weeks=10)))
    trajectory.refresh_from_db()
    assert trajectory.next_check_in_on == START + timedelta(weeks=14)


# --- Bad input: refused clearly, nothing saved ------------------------------------------------


def test_an_end_before_the_start_is_refused(db, coordinator):
    participant = ParticipantFactory()
    with pytest.raises(trajectories.TrajectoryError, match="geplande einde moet na de start"):
        trajectories.trajectory_enrol(
            participant=participant,
            guide=coordinator,
            by=coordinator,
            starts_on=START,
            ends_on=START - timedelta(days=1),
        )
    assert not Trajectory.objects.exists()
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Trajectory.objects.create(
            participant=participant, guide_staff=coordinator, starts_on=START, ends_on=START
        )


def test_the_admin_refuses_an_end_before_the_start(coordinator_client):
    participant = ParticipantFactory()
    response = coordinator_client.post(
        reverse("admin:matching_trajectory_add"),
        {
            "participant": participant.pk,
            "kind": "personal",
            "guide_staff": UserFactory(is_staff=True).pk,
            "starts_on": "2026-03-02",
            "ends_on": "2026-02-01",
            "goals-TOTAL_FORMS": "0",
            "goals-INITIAL_FORMS": "0",
            "check_ins-TOTAL_FORMS": "0",
            "check_ins-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Het geplande einde moet na de start liggen." in response.content.decode()
    assert not Trajectory.objects.exists()


def test_the_admin_change_page_links_to_ending_early_while_it_runs(trajectory, coordinator_client):
    change = reverse("admin:matching_trajectory_change", args=[trajectory.pk])
    end_early = reverse("admin:matching_trajectory_end_early", args=[trajectory.pk])
    link = f'<a href="{end_early}">Het traject eerder beëindigen</a>'
    assert link in coordinator_client.get(change).content.decode()
    trajectories.trajectory_pause(trajectory=trajectory)
    assert link in coordinator_client.get(change).content.decode()

    # The link leads to the form; with a reason the trajectory ends, and the link is gone.
    assert coordinator_client.get(end_early).status_code == 200
    response = coordinator_client.post(end_early, {"reason": "Verhuisd naar een andere stad"})
    assert response.status_code == 302 and response["Location"] == change
    trajectory.refresh_from_db()
    assert trajectory.status == Trajectory.Status.ENDED_EARLY
    page = coordinator_client.get(change).content.decode()
    assert end_early not in page


def test_no_end_early_link_on_a_completed_trajectory(trajectory, coordinator, coordinator_client):
    trajectories.trajectory_complete(trajectory=trajectory, by=coordinator)
    change = reverse("admin:matching_trajectory_change", args=[trajectory.pk])
    end_early = reverse("admin:matching_trajectory_end_early", args=[trajectory.pk])
    assert end_early not in coordinator_client.get(change).content.decode()


@pytest.mark.parametrize(
    ("held_on", "score", "message"),
    [
        (START + timedelta(days=40), 3, "niet in de toekomst"),
        (START - timedelta(days=1), 3, "niet vóór de start"),
        (START + timedelta(days=10), 6, "van 1 tot en met 5"),
        (START + timedelta(days=10), 0, "van 1 tot en met 5"),
    ],
)
def test_a_bad_check_in_is_refused(trajectory, held_on, score, message):
    goal = trajectory.goals.first()
    with pytest.raises(trajectories.TrajectoryError, match=message):
        trajectories.check_in_log(
            trajectory=trajectory,
            by=None,
            held_on=held_on,
            how_it_went="good",
            scores={goal.pk: score},
            now=at(START + timedelta(days=20)),
        )
    assert not CheckIn.objects.exists() and not CheckInScore.objects.exists()


def test_the_check_in_form_refuses_a_future_date_and_a_score_out_of_range(trajectory, client):
    client.force_login(trajectory.guide_user)
    url = reverse("matching:check_in_create", args=[trajectory.pk])
    scores = {f"goal_{goal.pk}": "3" for goal in trajectory.goals.all()}
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(url, {"held_on": tomorrow.isoformat(), "how_it_went": "good", **scores})
    assert response.status_code == 400
    assert "Een gesprek kan niet in de toekomst liggen." in response.content.decode()
    bad = {key: "9" for key in scores}
    response = client.post(url, {"held_on": START.isoformat(), "how_it_went": "good", **bad})
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_scores_out_of_range_are_refused_by_the_database(trajectory):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrajectoryGoal.objects.create(trajectory=trajectory, own_words="x", score=6)


def test_no_certificate_for_a_trajectory_that_is_not_completed(trajectory, client):
    with pytest.raises(trajectories.TrajectoryError, match="als het traject is afgerond"):
        trajectories.certificate_pdf(trajectory=trajectory)
    response = client.get(trajectories.certificate_url(trajectory))
    assert response.status_code == 409
    assert "Een certificaat komt er als het traject is afgerond." in response.content.decode()
    trajectories.trajectory_end_early(trajectory=trajectory, reason="Verhuisd")
    assert client.get(trajectories.certificate_url(trajectory)).status_code == 409


def test_ending_early_needs_a_reason(trajectory):
    with pytest.raises(trajectories.TrajectoryError, match="waarom het traject eerder stopt"):
        trajectories.trajectory_end_early(trajectory=trajectory, reason="  ")
    trajectory.refresh_from_db()
    assert trajectory.status == Trajectory.Status.RUNNING


def test_only_an_accepted_buddy_match_starts_a_trajectory(db):
    suggestion = MatchSuggestionFactory(approved=True)
    with pytest.raises(trajectories.TrajectoryError, match="geaccepteerd"):
        trajectories.trajectory_start_from_match(suggestion=suggestion)
    assert not Trajectory.objects.exists()


# --- From the outside -------------------------------------------------------------------------


def test_a_guide_sees_only_their_own(trajectory, client):
    stranger = VolunteerProfileFactory().user
    client.force_login(stranger)
    detail = reverse("matching:trajectory_detail", args=[trajectory.pk])
    assert client.get(detail).status_code == 404
    goal = trajectory.goals.first()
    response = client.post(
        reverse("matching:check_in_create", args=[trajectory.pk]),
        {"held_on": START.isoformat(), "how_it_went": "good", f"goal_{goal.pk}": "3"},
    )
    assert response.status_code == 404
    assert not CheckIn.objects.exists()
    assert client.get(reverse("matching:my_trajectories")).context["trajectories"] == []
    client.logout()
    assert client.get(detail).status_code == 302


def test_the_participant_page_needs_a_valid_link(trajectory, client):
    url = trajectories.trajectory_url(trajectory)
    assert client.get(url).status_code == 200
    tampered = reverse(
        "matching:trajectory_status", args=[trajectories.trajectory_token(trajectory) + "x"]
    )
    assert client.get(tampered).status_code == 400


def test_a_story_needs_consent_and_approval(trajectory, client, coordinator):
    url = reverse(
        "matching:participant_story_create", args=[trajectories.trajectory_token(trajectory)]
    )
    response = client.post(url, {"text": "Ik ken nu mijn buren.", "shown_as": "first_name"})
    assert response.status_code == 400
    assert not SuccessStory.objects.exists()
    client.post(url, {"text": "Ik ken nu mijn buren.", "shown_as": "first_name", "consent": "on"})
    story = SuccessStory.objects.get()
    assert b"Ik ken nu mijn buren" not in client.get(reverse("matching:story_list")).content
    trajectories.story_approve(story=story, by=coordinator)
    page = client.get(reverse("matching:story_list")).content.decode()
    assert "Ik ken nu mijn buren" in page and "Amina" in page and "Haddad" not in page


# --- Queries: constant for 1 and 50 ---------------------------------------------------------


def _make(count, guide):
    for _ in range(count):
        trajectories.trajectory_enrol(
            participant=ParticipantFactory(), guide=guide, by=None, starts_on=START
        )


@pytest.mark.parametrize("count", [1, 50])
def test_guide_list_queries_do_not_grow(db, client, django_assert_num_queries, count):
    guide = VolunteerProfileFactory()
    _make(count, guide)
    client.force_login(guide.user)
    # session, the user (with profile and unread count), the trajectories with participant.
    with django_assert_num_queries(3):
        response = client.get(reverse("matching:my_trajectories"))
    assert len(response.context["trajectories"]) == count


@pytest.mark.parametrize("count", [1, 50])
def test_coordinator_list_queries_do_not_grow(
    coordinator_client, coordinator, django_assert_num_queries, count
):
    _make(count, VolunteerProfileFactory())
    # session, user, the coordinator's permissions (user's and group's), the count (filtered
    # and total), and the page of trajectories with participant and guide in one join: the
    # overdue order and the guide column read only what that query brought.
    with django_assert_num_queries(7):
        response = coordinator_client.get(reverse("admin:matching_trajectory_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == count
