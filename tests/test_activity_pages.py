"""The public activity list, the activity page and signing up through the site."""

from datetime import timedelta

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from initiatives import services
from initiatives.models import Activity, SignUp
from mpact.factories import (
    ActivityFactory,
    LanguageFactory,
    NeighbourhoodFactory,
    SessionFactory,
    SignUpFactory,
)
from mpact.notifications.models import Notification

pytestmark = pytest.mark.django_db
LIST = reverse("initiatives:activity_list")


def titles(response):
    return [activity.title for activity in response.context["page"].object_list]


def in_days(days, hour=14):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


# --- The list ---------------------------------------------------------------------------


def test_list_shows_upcoming_published_activities_soonest_first(client):
    later = SessionFactory(starts_at=in_days(5)).activity
    sooner = SessionFactory(starts_at=in_days(2)).activity
    SessionFactory(starts_at=timezone.now() - timedelta(days=1))  # only a past session
    ActivityFactory(status=Activity.Status.CANCELLED)
    SessionFactory(activity=ActivityFactory(organisation__approved_at=None))

    response = client.get(LIST)

    assert titles(response) == [sooner.title, later.title]
    assert response.context["page"].paginator.count == 2


def test_filters_by_kind_neighbourhood_language_and_audience(client):
    arabic = LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic")
    hood = NeighbourhoodFactory(name="Deppenbroek")
    match = ActivityFactory(
        kind=Activity.Kind.COOKING,
        neighbourhood=hood,
        audience=Activity.Audience.TEENS,
        languages=[arabic],
    )
    for activity in [
        match,
        ActivityFactory(kind=Activity.Kind.WALK, neighbourhood=hood, languages=[arabic]),
        ActivityFactory(kind=Activity.Kind.COOKING, languages=[arabic]),
        ActivityFactory(kind=Activity.Kind.COOKING, neighbourhood=hood),
        ActivityFactory(
            kind=Activity.Kind.COOKING,
            neighbourhood=hood,
            audience=Activity.Audience.ADULTS,
            languages=[arabic],
        ),
    ]:
        SessionFactory(activity=activity)

    response = client.get(
        LIST, {"kind": "cooking", "neighbourhood": hood.pk, "language": "ar", "audience": "teens"}
    )

    assert titles(response) == [match.title]


def test_audience_filter_includes_activities_for_everyone(client):
    for_everyone = SessionFactory(activity__audience=Activity.Audience.EVERYONE).activity
    for_teens = SessionFactory(activity__audience=Activity.Audience.TEENS).activity
    SessionFactory(activity__audience=Activity.Audience.ADULTS)
    assert set(titles(client.get(LIST, {"audience": "teens"}))) == {
        for_everyone.title,
        for_teens.title,
    }


def test_date_windows_and_free_places(client):
    today = SessionFactory(starts_at=timezone.now() + timedelta(minutes=30)).activity
    if timezone.localtime(timezone.now() + timedelta(minutes=30)).date() != timezone.localdate():
        pytest.skip("too close to midnight for a 'today' session")
    in_a_month = SessionFactory(starts_at=in_days(30)).activity
    full = SessionFactory(starts_at=in_days(31), capacity=1)
    SignUpFactory(session=full)

    assert titles(client.get(LIST, {"when": "today"})) == [today.title]
    assert today.title in titles(client.get(LIST, {"when": "week"}))
    assert in_a_month.title not in titles(client.get(LIST, {"when": "week"}))
    date_from = (timezone.localdate() + timedelta(days=29)).isoformat()
    assert titles(client.get(LIST, {"date_from": date_from})) == [
        in_a_month.title,
        full.activity.title,
    ]
    assert titles(client.get(LIST, {"date_from": date_from, "free": "on"})) == [in_a_month.title]


def test_weekend_window():
    from datetime import date

    from initiatives.filters import date_window

    assert date_window("weekend", date(2026, 11, 25)) == (date(2026, 11, 28), date(2026, 11, 29))
    assert date_window("weekend", date(2026, 11, 28)) == (date(2026, 11, 28), date(2026, 11, 29))
    assert date_window("weekend", date(2026, 11, 29)) == (date(2026, 11, 29), date(2026, 11, 29))
    assert date_window("week", date(2026, 11, 25)) == (date(2026, 11, 25), date(2026, 11, 29))


def test_search_ranks_title_matches_first(client):
    in_text = ActivityFactory(title="Ontmoetingsmiddag", description="We gaan samen koken.")
    in_title = ActivityFactory(title="Samen koken", description="Gerechten uit de buurt.")
    other = ActivityFactory(title="Voetbal", description="Op het veld.")
    for activity in (in_text, in_title, other):
        SessionFactory(activity=activity)

    assert titles(client.get(LIST, {"q": "koken"})) == [in_title.title, in_text.title]


@pytest.mark.postgres
def test_search_uses_dutch_stemming_on_postgres(client):
    walk = ActivityFactory(title="Wandelingen in het park", description="Elke week.")
    SessionFactory(activity=walk)
    # 'wandelen' is no substring of 'Wandelingen', but both stem to 'wandel' in Dutch.
    assert titles(client.get(LIST, {"q": "wandelen"})) == [walk.title]
    assert titles(client.get(LIST, {"q": "park -wandelen"})) == []


@pytest.mark.postgres
def test_the_stored_document_is_the_search_vector_and_follows_edits():
    """The column the database keeps (migration 0013) holds exactly SEARCH_VECTOR, also after
    an edit, and searches read it instead of building the vector for every row."""
    from django.contrib.postgres.search import SearchVectorField
    from django.db import connection
    from django.db.models.expressions import RawSQL
    from django.test.utils import CaptureQueriesContext

    from initiatives.models import SEARCH_VECTOR, Opportunity
    from mpact.factories import OpportunityFactory

    activity = ActivityFactory(title="Samen koken", description="Een maaltijd voor de buurt.")
    opportunity = OpportunityFactory(title="Kookmaatje", description="Help in de keuken.")
    Activity.objects.filter(pk=activity.pk).update(description="Soep en brood voor iedereen.")
    stored = RawSQL("search_document", [], output_field=SearchVectorField())
    for model, pk in [(Activity, activity.pk), (Opportunity, opportunity.pk)]:
        expected, kept = (
            model.objects.filter(pk=pk)
            .annotate(expected=SEARCH_VECTOR, kept=stored)
            .values_list("expected", "kept")
            .get()
        )
        assert kept and kept == expected
    with CaptureQueriesContext(connection) as queries:
        assert list(Activity.objects.search("soep").values_list("pk", flat=True)) == [activity.pk]
        assert list(Activity.objects.search("maaltijd")) == []  # the old text is gone
    assert all("search_document" in q["sql"] and "to_tsvector" not in q["sql"] for q in queries)


def test_filters_live_in_the_url_and_pagination_keeps_them(client):
    for _ in range(25):
        SessionFactory(activity__kind=Activity.Kind.SPORT)
    response = client.get(LIST, {"kind": "sport"})
    assert response.context["page"].paginator.count == 25
    assert "kind=sport&amp;page=2" in response.content.decode()
    page_two = client.get(LIST, {"kind": "sport", "page": 2})
    assert len(page_two.context["page"].object_list) == 5


def test_bad_filter_values_give_a_message_not_an_error(client):
    SessionFactory()
    response = client.get(LIST, {"date_from": "2026-12-10", "date_to": "2026-12-01"})
    assert response.status_code == 200
    assert response.context["filterset"].form.errors["date_to"]
    response = client.get(LIST, {"kind": "no-such-kind", "page": "abc"})
    assert response.status_code == 200
    assert "kind" in response.context["filterset"].form.errors


def _list_queries(client, django_assert_num_queries, count):
    # 1 count for the paginator, 1 page of activities with organiser, neighbourhood and next
    # session annotated, 1 prefetch of their languages, 1 each for the neighbourhood and
    # language choices of the filter form, 1 for the session (no user: anonymous).
    with django_assert_num_queries(5):
        response = client.get(LIST, {"kind": "walk"})
    assert len(response.context["page"].object_list) == min(count, 20)


@pytest.mark.parametrize("count", [1, 50])
def test_list_costs_the_same_queries_for_1_and_50_activities(
    client, django_assert_num_queries, count
):
    language = LanguageFactory()
    for _ in range(count):
        SessionFactory(activity=ActivityFactory(languages=[language]))
    _list_queries(client, django_assert_num_queries, count)


# --- The activity page --------------------------------------------------------------------


@pytest.mark.parametrize("sessions", [1, 50])
def test_activity_page_costs_the_same_queries_for_1_and_50_sessions(
    client, django_assert_num_queries, resident, sessions
):
    activity = ActivityFactory(languages=[LanguageFactory()])
    for day in range(sessions):
        SessionFactory(activity=activity, starts_at=in_days(day + 1))
    client.force_login(resident)
    # session, the user with the unread count in the header, the activity with organiser and
    # neighbourhood, its sessions, the person's sign-ups among them, the languages.
    with django_assert_num_queries(6):
        response = client.get(activity.get_absolute_url())
    assert len(response.context["sessions"]) == sessions


def test_activity_page_shows_places_left_and_full_sessions(client):
    activity = ActivityFactory(description="Neem wandelschoenen mee.")
    open_session = SessionFactory(activity=activity, capacity=10, starts_at=in_days(1))
    full = SessionFactory(activity=activity, capacity=1, starts_at=in_days(2))
    SignUpFactory(session=open_session)
    SignUpFactory(session=full)

    page = client.get(activity.get_absolute_url()).content.decode()

    assert "Neem wandelschoenen mee." in page
    assert activity.organisation.name in page
    assert "9 / 10" in page
    assert reverse("initiatives:session_signup", args=[full.pk]) in page


# --- Signing up through the site -----------------------------------------------------------


def test_guest_signs_up_and_lands_on_the_status_page(client):
    session = SessionFactory()
    response = client.post(
        reverse("initiatives:session_signup", args=[session.pk]),
        {"name": "Ana Guest", "email": "ana@example.org"},
    )
    signup = SignUp.objects.get()
    assert response.status_code == 302
    # The link's token carries the second it was signed in, so it is compared by what it names.
    target = resolve(response["Location"])
    assert target.view_name == "initiatives:signup_status"
    assert services.signup_from_token(target.kwargs["token"], purpose=services.VIEW_SALT) == signup
    page = client.get(response["Location"])
    assert page.context["signup"] == signup
    assert Notification.objects.filter(email="ana@example.org").exists()


def test_member_signs_up_in_one_click(resident_client, resident):
    session = SessionFactory()
    response = resident_client.post(reverse("initiatives:session_signup", args=[session.pk]))
    assert response.status_code == 302
    assert SignUp.objects.get().user == resident


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Ana", "email": ""},
        {"name": "Ana", "email": "ana@"},
        {"name": "", "email": "a@b.nl"},
    ],
)
def test_bad_guest_input_keeps_what_was_typed_and_saves_nothing(client, data):
    session = SessionFactory()
    response = client.post(reverse("initiatives:session_signup", args=[session.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    page = response.content.decode()
    for value in data.values():
        if value:
            assert f'value="{value}"' in page
    assert not SignUp.objects.exists()
    assert not Notification.objects.exists()


def test_signing_up_twice_through_the_site_says_so(client):
    session = SessionFactory()
    url = reverse("initiatives:session_signup", args=[session.pk])
    client.post(url, {"name": "Ana", "email": "ana@example.org"})
    response = client.post(url, {"name": "Ana", "email": "ana@example.org"})
    assert response.status_code == 400
    assert "already signed up" in str(response.context["form"].non_field_errors()).lower() or (
        "al aangemeld" in str(response.context["form"].non_field_errors()).lower()
    )
    assert SignUp.objects.count() == 1


def test_past_session_and_cancelled_activity_refuse_with_a_message(client):
    past = SessionFactory()
    past.starts_at = timezone.now() - timedelta(minutes=5)
    past.save()
    response = client.post(
        reverse("initiatives:session_signup", args=[past.pk]),
        {"name": "Ana", "email": "ana@example.org"},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    cancelled = SessionFactory(is_cancelled=True)
    response = client.post(
        reverse("initiatives:session_signup", args=[cancelled.pk]),
        {"name": "Ana", "email": "ana@example.org"},
    )
    assert response.status_code == 400
    assert not SignUp.objects.exists()


def test_full_session_offers_the_waiting_list(client):
    session = SessionFactory(capacity=1)
    SignUpFactory(session=session)
    url = reverse("initiatives:session_signup", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'name="join_waitlist" value="on"' in page
    client.post(url, {"name": "Bo", "email": "bo@example.org", "join_waitlist": "on"})
    assert SignUp.objects.get(email="bo@example.org").status == SignUp.Status.WAITLISTED


def test_cancel_link_works_without_logging_in_and_only_once(client):
    signup = SignUpFactory()
    url = services.signup_cancel_url(signup)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CANCELLED
    again = client.post(url)
    assert again.status_code == 400
    assert again.context["error"].code == "already_cancelled"


def test_tampered_or_wrong_purpose_cancel_link_changes_nothing(client):
    signup = SignUpFactory()
    tampered = services.signup_cancel_url(signup).replace("/annuleren/", "x/annuleren/")
    view_token = services.signup_token(signup, purpose=services.VIEW_SALT)
    for url in (tampered, reverse("initiatives:signup_cancel", args=[view_token])):
        response = client.post(url)
        assert response.status_code == 400
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.CONFIRMED


def test_calendar_file(client):
    session = SessionFactory(activity__title="Taalcafé, met koffie; en thee")
    response = client.get(reverse("initiatives:session_calendar", args=[session.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR\r\n" in body
    assert "SUMMARY:Taalcafé\\, met koffie\\; en thee\r\n" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


# --- Notifications on the site --------------------------------------------------------------


def test_people_see_their_own_notifications_only(client, resident):
    services.signup_create(session=SessionFactory(), user=resident)
    services.signup_create(session=SessionFactory(), name="Other", email="other@example.org")
    client.force_login(resident)
    response = client.get(reverse("notifications"))
    assert [n.email for n in response.context["page"].object_list] == [resident.email]
    assert "badge" in client.get("/").content.decode()
    client.post(reverse("notifications_read"))
    assert not Notification.objects.filter(user=resident, read_at__isnull=True).exists()
    assert Notification.objects.filter(email="other@example.org", read_at__isnull=True).exists()


def test_the_site_is_dutch_by_default_with_an_english_switch(client):
    assert 'lang="nl"' in client.get("/").content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").content.decode()


def test_the_stored_next_session_follows_its_sessions(client):
    from initiatives.tasks import refresh_next_sessions

    activity = ActivityFactory()
    soon = SessionFactory(activity=activity, starts_at=in_days(1))
    later = SessionFactory(activity=activity, starts_at=in_days(5))
    activity.refresh_from_db()
    assert activity.next_session_at == soon.starts_at
    soon.is_cancelled = True
    soon.save()
    activity.refresh_from_db()
    assert activity.next_session_at == later.starts_at
    later.delete()
    activity.refresh_from_db()
    assert activity.next_session_at is None
    assert titles(client.get(LIST)) == []
    # A session that began: beat's refresh moves the activity on to its next one.
    began = SessionFactory(activity=activity, starts_at=in_days(2))
    after = SessionFactory(activity=activity, starts_at=in_days(9))
    # The clock passes its start: as if time moved on, both the session and the stored value
    # now lie an hour in the past.
    an_hour_ago = timezone.now() - timedelta(hours=1)
    type(began).objects.filter(pk=began.pk).update(starts_at=an_hour_ago)
    type(activity).objects.filter(pk=activity.pk).update(next_session_at=an_hour_ago)
    assert refresh_next_sessions() == 1
    activity.refresh_from_db()
    assert activity.next_session_at == after.starts_at
