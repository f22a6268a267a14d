"""Content in the visitor's language (issue 13, "Reach everyone").

An organisation writes its activities and opportunities in Dutch and may add a translation per
other language of the site. A visitor sees the translation for their interface language where
there is one, and the Dutch text otherwise, marked lang="nl" (WCAG 3.1.2) with a note in their
language. The lists cost the same queries with and without translations, an edit shows at once
on the cached pages, and the coordinators' vocabularies (languages, skills) have names in every
language of the site, falling back to Dutch.
"""

import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from initiatives import services
from initiatives.models import (
    TITLE_MISSING,
    Activity,
    ActivityTranslation,
    Opportunity,
    OpportunityTranslation,
    translation_languages,
)
from mpact.core.models import BilingualName, Language, Skill
from mpact.factories import (
    ActivityFactory,
    ActivityTranslationFactory,
    LanguageFactory,
    OpportunityFactory,
    OpportunityTranslationFactory,
    SessionFactory,
    SkillFactory,
)
from tests.test_hostile_input import parse

pytestmark = pytest.mark.django_db
ACTIVITIES = reverse("initiatives:activity_list")
OPPORTUNITIES = reverse("initiatives:opportunity_list")
NOTE = "Only available in Dutch"


def note(language):
    """The note as a visitor in `language` reads it (gettext falls back to the Dutch
    catalogue for a string their language's has not got yet, as Django does)."""
    with translation.override(language):
        return translation.gettext(NOTE)


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def heading(html, tag, text):
    """The opening tag of the `tag` element (h1, h2) whose text or link text is `text`."""
    match = re.search(
        rf"<{tag}(?P<attrs>[^>]*)>(?:<a [^>]*>)?{re.escape(text)}(?:</a>)?</{tag}>", html
    )
    assert match, f"no <{tag}> with {text!r}"
    return match.group("attrs")


@pytest.fixture
def cooking():
    """An activity with an upcoming session, in Dutch, translated into English only."""
    activity = ActivityFactory(title="Samen koken", description="We koken een maaltijd.")
    SessionFactory(activity=activity)
    ActivityTranslationFactory(
        activity=activity, title="Cooking together", description="We cook a meal."
    )
    return activity


@pytest.fixture
def buddy():
    """A published opportunity, in Dutch, translated into Arabic only."""
    opportunity = OpportunityFactory(title="Buurtmaatje", description="Oefen Nederlands.")
    OpportunityTranslationFactory(
        opportunity=opportunity,
        language="ar",
        title="رفيق اللغة",
        description="تدرب على الهولندية.",
    )
    return opportunity


# --- What a visitor sees ----------------------------------------------------------------------


def test_an_english_visitor_sees_the_translation_on_the_list_and_the_activity_page(client, cooking):
    in_language(client, "en")
    html = page(client, ACTIVITIES)
    assert heading(html, "h2", "Cooking together") == ""  # in the page's own language
    assert "Samen koken" not in html and NOTE not in html
    detail = page(client, cooking.get_absolute_url())
    assert heading(detail, "h1", "Cooking together") == ""
    assert "<title>Cooking together" in detail
    assert "We cook a meal." in detail and "We koken een maaltijd." not in detail
    assert NOTE not in detail


def test_an_arabic_visitor_sees_the_translation_of_an_opportunity(client, buddy):
    in_language(client, "ar")
    html = page(client, OPPORTUNITIES)
    assert '<html lang="ar" dir="rtl">' in html
    assert heading(html, "h2", "رفيق اللغة") == ""
    assert "Buurtmaatje" not in html
    detail = page(client, buddy.get_absolute_url())
    assert heading(detail, "h1", "رفيق اللغة") == ""
    assert "تدرب على الهولندية." in detail and "Oefen Nederlands." not in detail


def test_without_a_translation_the_dutch_is_marked_as_dutch_with_a_note(client, cooking, buddy):
    # No Arabic translation of the activity, no English one of the opportunity.
    in_language(client, "ar")
    html = page(client, ACTIVITIES)
    assert heading(html, "h2", "Samen koken") == ' lang="nl" dir="ltr"'
    assert note("ar") in html
    detail = page(client, cooking.get_absolute_url())
    assert heading(detail, "h1", "Samen koken") == ' lang="nl" dir="ltr"'
    assert '<div class="description" lang="nl" dir="ltr"><p>We koken een maaltijd.</p></div>' in (
        detail
    )
    in_language(client, "en")
    html = page(client, OPPORTUNITIES)
    assert heading(html, "h2", "Buurtmaatje") == ' lang="nl" dir="ltr"'
    assert html.count(NOTE) == 1
    detail = page(client, buddy.get_absolute_url())
    assert heading(detail, "h1", "Buurtmaatje") == ' lang="nl" dir="ltr"'
    assert NOTE in detail


def test_the_note_is_in_the_visitors_language(client, cooking):
    assert note("en") == NOTE and note("nl") == "Alleen in het Nederlands"
    assert note("uk") in page(in_language(client, "uk"), ACTIVITIES)


def test_a_dutch_visitor_sees_the_dutch_without_a_note(client, cooking, buddy):
    html = page(client, ACTIVITIES)
    assert heading(html, "h2", "Samen koken") == ""
    assert "Cooking together" not in html and "Alleen in het Nederlands" not in html
    detail = page(client, buddy.get_absolute_url())
    assert heading(detail, "h1", "Buurtmaatje") == ""
    assert '<div class="description" dir="auto"><p>Oefen Nederlands.</p></div>' in detail


def test_a_translation_without_a_description_shows_the_dutch_one_marked_as_dutch(client):
    opportunity = OpportunityFactory(title="Chauffeur", description="Rijden met ouderen.")
    OpportunityTranslationFactory(opportunity=opportunity, title="Driver", description="")
    detail = page(in_language(client, "en"), opportunity.get_absolute_url())
    assert heading(detail, "h1", "Driver") == ""
    assert "The description is only available in Dutch." in detail and NOTE not in detail
    assert '<div class="description" lang="nl" dir="ltr"><p>Rijden met ouderen.</p></div>' in (
        detail
    )


def test_the_home_page_and_the_organisation_page_show_the_translation(client, cooking):
    opportunity = OpportunityFactory(organisation=cooking.organisation, title="Kok")
    OpportunityTranslationFactory(opportunity=opportunity, title="Cook")
    in_language(client, "en")
    assert heading(page(client, reverse("home")), "h2", "Cooking together") == ""
    html = page(client, cooking.organisation.get_absolute_url())
    assert heading(html, "h2", "Cooking together") == ""
    assert heading(html, "h2", "Cook") == ""


def test_the_sign_up_page_shows_the_translation(client, cooking):
    session = cooking.sessions.get()
    url = reverse("initiatives:session_signup", args=[session.pk])
    html = page(in_language(client, "en"), url)
    assert "<title>Sign up: Cooking together" in html and "Samen koken" not in html
    html = page(in_language(client, "uk"), url)
    assert '<span lang="nl" dir="ltr">Samen koken</span>' in html


def test_shown_without_the_annotation_asks_the_database_once(cooking, django_assert_num_queries):
    activity = Activity.objects.get(pk=cooking.pk)
    with translation.override("en"), django_assert_num_queries(1):
        assert activity.shown.title == "Cooking together"
        assert activity.shown.description == "We cook a meal."
    with translation.override("ar"), django_assert_num_queries(1):
        assert (activity.shown.title, activity.shown.title_lang) == ("Samen koken", "nl")
    with translation.override("nl"), django_assert_num_queries(0):
        assert (activity.shown.title, activity.shown.is_fallback) == ("Samen koken", False)


# --- A translation needs a title --------------------------------------------------------------


@pytest.mark.parametrize("model", [ActivityTranslation, OpportunityTranslation])
def test_the_model_refuses_a_translation_without_a_title(model):
    owner = ActivityFactory() if model is ActivityTranslation else OpportunityFactory()
    field = "activity" if model is ActivityTranslation else "opportunity"
    translation_ = model(**{field: owner}, language="en", title="", description="Some text")
    with pytest.raises(ValidationError) as refused:
        translation_.full_clean()
    assert refused.value.message_dict["title"] == [str(TITLE_MISSING)]
    assert not model.objects.exists()


def test_the_model_refuses_dutch_and_a_second_translation_into_one_language(cooking):
    with pytest.raises(ValidationError) as refused:
        ActivityTranslation(activity=cooking, language="nl", title="Koken").full_clean()
    assert "language" in refused.value.message_dict
    with pytest.raises(ValidationError):
        ActivityTranslation(activity=cooking, language="en", title="Cooking").full_clean()


def test_translations_are_offered_for_every_language_but_dutch():
    codes = [code for code, _name in translation_languages()]
    assert codes == [code for code, _name in settings.LANGUAGES if code != "nl"]
    assert codes == ["en", "ar", "uk"]


def rendered_form(client, url):
    """The page's post form as the browser would send it untouched: (action, data)."""
    response = client.get(url)
    assert response.status_code == 200
    forms = [form for form in parse(url, response.content).forms if form.method == "post"]
    form = next(form for form in forms if "title" in form.fields)
    data = {}
    for name, entry in form.fields.items():
        if entry.kind == "submit":
            continue
        if entry.kind in {"select-multiple", "checkbox"}:
            data[name] = entry.values
        elif entry.values:
            data[name] = entry.values[0]
    return form.action, data


def translation_row(data, language):
    """The form prefix (translations-N) of the row offered for `language`."""
    return next(
        name.removesuffix("-language")
        for name, value in data.items()
        if name.startswith("translations-") and name.endswith("-language") and value == language
    )


def test_the_organisation_adds_edits_and_removes_translations(client, organisation, org_member):
    activity = ActivityFactory(organisation=organisation, title="Samen koken")
    client.force_login(org_member)
    url = reverse("initiatives:manage_activity_edit", args=[organisation.slug, activity.pk])
    action, data = rendered_form(client, url)
    # One row per language, with that language chosen; untouched rows are no translation.
    assert sorted(v for k, v in data.items() if k.endswith("-language")) == ["ar", "en", "uk"]
    arabic = translation_row(data, "ar")
    html = client.get(url).content.decode()
    assert re.search(rf'<input type="text" name="{arabic}-title" [^>]*lang="ar" dir="auto"', html)
    english = translation_row(data, "en")
    data.update({f"{english}-title": "Cooking together", f"{english}-description": "A meal."})
    assert client.post(action, data).status_code == 302
    saved = activity.translations.get()
    assert (saved.language, saved.title, saved.description) == ("en", "Cooking together", "A meal.")

    action, data = rendered_form(client, url)
    english = translation_row(data, "en")
    assert data[f"{english}-title"] == "Cooking together" and data[f"{english}-id"]
    data[f"{english}-title"] = "Let's cook"
    assert client.post(action, data).status_code == 302
    assert activity.translations.get().title == "Let's cook"

    action, data = rendered_form(client, url)
    data[f"{translation_row(data, 'en')}-DELETE"] = "on"
    assert client.post(action, data).status_code == 302
    assert not activity.translations.exists()


def test_the_organisations_form_refuses_a_translation_without_a_title_and_keeps_the_input(
    client, organisation, org_member
):
    activity = ActivityFactory(organisation=organisation, title="Samen koken")
    client.force_login(org_member)
    url = reverse("initiatives:manage_activity_edit", args=[organisation.slug, activity.pk])
    action, data = rendered_form(client, url)
    arabic = translation_row(data, "ar")
    data.update({"title": "Samen eten", f"{arabic}-description": "نطبخ معا"})
    response = client.post(action, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert str(TITLE_MISSING) in html
    assert "نطبخ معا" in html and 'value="Samen eten"' in html  # what was typed is kept
    activity.refresh_from_db()
    assert activity.title == "Samen koken"  # nothing saved: not the activity either
    assert not ActivityTranslation.objects.exists()


def test_a_page_opened_before_someone_else_translated_it_does_not_add_a_second_one(
    client, organisation, org_member
):
    opportunity = OpportunityFactory(organisation=organisation, title="Kok")
    client.force_login(org_member)
    url = reverse("initiatives:manage_opportunity_edit", args=[organisation.slug, opportunity.pk])
    action, data = rendered_form(client, url)
    data[f"{translation_row(data, 'en')}-title"] = "Cook"
    OpportunityTranslationFactory(opportunity=opportunity, title="Chef")  # meanwhile
    response = client.post(action, data)
    assert response.status_code == 400
    assert "Er is al een vertaling in het Engels." in response.content.decode()
    assert list(opportunity.translations.values_list("title", flat=True)) == ["Chef"]


def test_a_new_opportunity_is_saved_with_its_translation(client, organisation, org_member):
    client.force_login(org_member)
    url = reverse("initiatives:manage_opportunity_create", args=[organisation.slug])
    action, data = rendered_form(client, url)
    ukrainian = translation_row(data, "uk")
    data.update(
        {
            "title": "Voorlezer",
            "description": "Lees voor aan kinderen.",
            "commitment": "one_off",
            "is_remote": "on",
            "places": "1",
            f"{ukrainian}-title": "Читач",
        }
    )
    assert client.post(action, data).status_code == 302
    opportunity = Opportunity.objects.get(title="Voorlezer")
    assert [(t.language, t.title) for t in opportunity.translations.all()] == [("uk", "Читач")]


def test_a_copy_of_an_opportunity_keeps_its_translations(buddy):
    copy = services.opportunity_duplicate(opportunity=buddy)
    assert [(t.language, t.title) for t in copy.translations.all()] == [("ar", "رفيق اللغة")]
    assert buddy.translations.count() == 1


def test_the_admin_refuses_a_translation_without_a_title_and_keeps_the_input(
    coordinator_client, buddy
):
    url = reverse("admin:initiatives_opportunity_change", args=[buddy.pk])
    action, data = rendered_form(coordinator_client, url)
    arabic = translation_row(data, "ar")
    assert data[f"{arabic}-title"] == "رفيق اللغة"
    english = translation_row(data, "en")
    data.update({f"{arabic}-title": "", f"{english}-description": "Practise Dutch."})
    response = coordinator_client.post(action, data)
    assert response.status_code == 200  # the admin answers its form again
    html = response.content.decode()
    assert html.count(str(TITLE_MISSING)) == 2
    assert "Practise Dutch." in html
    assert [(t.language, t.title) for t in buddy.translations.all()] == [("ar", "رفيق اللغة")]

    data.update({f"{arabic}-title": "رفيق", f"{english}-title": "Language buddy"})
    assert coordinator_client.post(action, data).status_code == 302
    assert sorted(buddy.translations.values_list("language", "title")) == [
        ("ar", "رفيق"),
        ("en", "Language buddy"),
    ]


def test_the_admin_edits_an_activitys_translations(coordinator_client, cooking):
    url = reverse("admin:initiatives_activity_change", args=[cooking.pk])
    action, data = rendered_form(coordinator_client, url)
    data[f"{translation_row(data, 'en')}-title"] = "Cooking with neighbours"
    assert coordinator_client.post(action, data).status_code == 302
    assert cooking.translations.get().title == "Cooking with neighbours"


# --- The cached pages show an edit at once ----------------------------------------------------


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
def test_editing_a_translation_shows_at_once_on_the_cached_lists(
    client, cooking, buddy, django_capture_on_commit_callbacks, django_assert_num_queries
):
    in_language(client, "en")
    assert "Cooking together" in page(client, ACTIVITIES)
    with django_assert_num_queries(0):
        assert "Cooking together" in page(client, ACTIVITIES)  # from the cache
    english = cooking.translations.get()
    english.title = "Cooking with the neighbours"
    with django_capture_on_commit_callbacks(execute=True):
        english.save()
    assert "Cooking with the neighbours" in page(client, ACTIVITIES)
    assert "Cooking with the neighbours" in page(client, cooking.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        english.delete()
    html = page(client, ACTIVITIES)
    assert "Cooking with the neighbours" not in html and NOTE in html

    in_language(client, "ar")
    assert "رفيق اللغة" in page(client, OPPORTUNITIES)
    with django_capture_on_commit_callbacks(execute=True):
        OpportunityTranslation.objects.filter(opportunity=buddy).get().delete()
        OpportunityTranslationFactory(opportunity=buddy, language="ar", title="مساعد لغة")
    assert "مساعد لغة" in page(client, OPPORTUNITIES)
    # The other languages' pages were refreshed as well, and stayed right.
    assert "Buurtmaatje" in page(in_language(client, "nl"), OPPORTUNITIES)


# --- The lists cost the same queries, translated or not ---------------------------------------


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("translated", [False, True])
def test_the_activity_list_costs_the_same_queries_in_every_language(
    client, django_assert_num_queries, count, language, translated
):
    dutch = LanguageFactory()
    for number in range(count):
        activity = ActivityFactory(languages=[dutch], title=f"Wandeling {number}")
        SessionFactory(activity=activity)
        if translated:
            ActivityTranslationFactory(activity=activity, language=language, title=f"Walk {number}")
    in_language(client, language)
    # As in Dutch (tests/test_activity_pages.py): the paginator's count, the page of
    # activities (their translated title a subquery of it), their languages, the filter
    # form's neighbourhoods and languages, the session.
    with django_assert_num_queries(5):
        response = client.get(ACTIVITIES, {"kind": "walk"})
    shown = [activity.shown for activity in response.context["page"].object_list]
    assert len(shown) == min(count, 20)
    assert all(text.title.startswith("Walk" if translated else "Wandeling") for text in shown)
    assert all(bool(text.title_lang) is not translated for text in shown)
    assert all(bool(text.description_lang) is not translated for text in shown)


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("translated", [False, True])
def test_the_opportunity_list_costs_the_same_queries_in_every_language(
    client, django_assert_num_queries, count, language, translated
):
    skill, dutch = SkillFactory(), LanguageFactory()
    for number in range(count):
        opportunity = OpportunityFactory(skills=[skill], languages=[dutch], title=f"Klus {number}")
        if translated:
            OpportunityTranslationFactory(
                opportunity=opportunity, language=language, title=f"Job {number}"
            )
    in_language(client, language)
    # As in Dutch (tests/test_volunteering.py): count, page, skills, languages, and the filter
    # form's skills, languages and neighbourhoods.
    with django_assert_num_queries(7):
        response = client.get(OPPORTUNITIES, {"commitment": "weekly"})
    shown = [opportunity.shown for opportunity in response.context["page"].object_list]
    assert len(shown) == min(count, 20)
    assert all(text.title.startswith("Job" if translated else "Klus") for text in shown)


@pytest.mark.parametrize("translated", [False, True])
def test_the_detail_pages_cost_no_query_more_in_another_language(
    client, django_assert_num_queries, translated
):
    activity = ActivityFactory(languages=[LanguageFactory()])
    SessionFactory(activity=activity)
    opportunity = OpportunityFactory()
    if translated:
        ActivityTranslationFactory(activity=activity)
        OpportunityTranslationFactory(opportunity=opportunity)
    counts = {}
    for language in ["nl", "en"]:
        in_language(client, language)
        for url in [activity.get_absolute_url(), opportunity.get_absolute_url()]:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[language, url] = len(queries)
    for url in [activity.get_absolute_url(), opportunity.get_absolute_url()]:
        assert counts["en", url] == counts["nl", url]


# --- Languages and skills named in every language of the site ----------------------------------


def test_every_language_of_the_site_has_a_name_field():
    assert set(BilingualName.NAME_FIELDS) == {code for code, _name in settings.LANGUAGES}
    for field in BilingualName.NAME_FIELDS.values():
        Language._meta.get_field(field)
        Skill._meta.get_field(field)


def test_names_in_arabic_and_ukrainian_fall_back_to_dutch():
    arabic = LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic", name_ar="العربية")
    cycling = SkillFactory(
        slug="fietsles", name_nl="Fietsles", name_en="Cycling lessons", name_uk="Кулінарія"
    )
    names = {}
    for language in ["nl", "en", "ar", "uk"]:
        with translation.override(language):
            names[language] = (arabic.name, cycling.name, str(cycling))
    assert names == {
        "nl": ("Arabisch", "Fietsles", "Fietsles"),
        "en": ("Arabic", "Cycling lessons", "Cycling lessons"),
        "ar": ("العربية", "Fietsles", "Fietsles"),  # no Arabic name for the skill: Dutch
        "uk": ("Arabisch", "Кулінарія", "Кулінарія"),  # no Ukrainian one for the language
    }


def test_the_filter_choices_show_the_visitors_names(client):
    LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic", name_ar="العربية")
    SkillFactory(
        slug="fietsles", name_nl="Fietsles", name_en="Cycling lessons", name_uk="Кулінарія"
    )
    html = page(in_language(client, "uk"), OPPORTUNITIES)
    assert ">Кулінарія</option>" in html and ">Arabisch</option>" in html
    html = page(in_language(client, "ar"), OPPORTUNITIES)
    assert ">العربية</option>" in html and ">Fietsles</option>" in html


def test_existing_names_need_no_arabic_or_ukrainian(coordinator_client):
    """A name saved before (Dutch and English only) stays valid, and the admin offers the
    new fields, optional."""
    skill = SkillFactory(slug="tuinieren", name_nl="Tuinieren", name_en="Gardening")
    skill.full_clean()
    assert (skill.name_ar, skill.name_uk) == ("", "")
    for url in [reverse("admin:core_skill_add"), reverse("admin:core_language_add")]:
        html = coordinator_client.get(url).content.decode()
        assert 'name="name_ar"' in html and 'name="name_uk"' in html
    response = coordinator_client.post(
        reverse("admin:core_language_add"),
        {"code": "ti", "name_nl": "Tigrinya", "name_en": "Tigrinya", "name_uk": "Тигринья"},
    )
    assert response.status_code == 302
    assert Language.objects.get(code="ti").name_uk == "Тигринья"
