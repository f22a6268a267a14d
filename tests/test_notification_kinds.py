"""Notification kinds have one owner (Notification.Kind) and people are told through one helper
(notifications_create_for), each in their own language.

- Every kind the site writes is a member of Notification.Kind, with a Dutch label for the
  admin; the stored values never change (existing rows and their filters use them).
- notification_create refuses a kind that is not one, so every notification any flow of the
  suite writes has a kind in Kind; and the production code names kinds only through the
  enumeration, never as a string.
- The helper writes each recipient's text in their language: an account's saved choice, a
  guest's language, else the site's; lazy strings with params, callables, templates and
  attachments are all made in that language.
"""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, ngettext_lazy

from initiatives import services
from mpact.factories import SessionFactory, SignUpFactory, UserFactory
from mpact.notifications.models import Notification
from mpact.notifications.services import (
    Recipient,
    notification_create,
    notifications_create_for,
)

Kind = Notification.Kind
BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION = ["initiatives", "volunteers", "matching", "mpact"]
KIND_OWNER = BASE_DIR / "mpact" / "notifications" / "models.py"

# The values in the database; renaming one would orphan existing rows.
STORED_VALUES = {
    "signup_confirmed",
    "signup_promoted",
    "signup_waitlisted",
    "session_reminder",
    "organisation_registered",
    "organisation_approved",
    "organisation_invitation",
    "response_received",
    "response_accepted",
    "response_declined",
    "hours_confirmed",
    "hours_rejected",
    "help_request_new",
    "help_request_assigned",
    "help_request_stale",
    "referral_follow_up",
    "match_offered",
    "match_accepted",
    "match_withdrawn",
    "suggestions_to_review",
    "opportunities_for_you",
    "session_message",
    "trajectory_started",
    "check_in_due",
    "check_in_overdue",
    "trajectory_completed",
    "initiative_submitted",
    "initiative_approved",
    "initiative_changes_asked",
    "initiative_declined",
    "support_asked",
    "support_agreed",
    "support_declined",
}


# --- The enumeration ------------------------------------------------------------------------


def test_kinds_keep_their_stored_values():
    assert set(Kind.values) == STORED_VALUES
    assert Notification._meta.get_field("kind").choices == Kind.choices


def test_every_kind_has_a_dutch_label():
    with translation.override("en"):
        english = {kind: str(kind.label) for kind in Kind}
    with translation.override("nl"):
        dutch = {kind: str(kind.label) for kind in Kind}
    untranslated = [kind.value for kind in Kind if dutch[kind] == english[kind]]
    assert not untranslated, f"no Dutch label for {untranslated}"
    assert len(set(dutch.values())) == len(Kind), "two kinds share a label"


def test_an_unknown_kind_is_refused(db):
    with pytest.raises(ValueError):
        notification_create(email="ana@example.org", subject="Hoi", body=".", kind="signup_ok")
    assert not Notification.objects.exists()


def test_admin_filters_by_kind_with_labels(coordinator_client):
    response = coordinator_client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    assert "koppeling aangeboden" in response.content.decode()


# --- The code names kinds through the enumeration -------------------------------------------


def _production_modules():
    for root in PRODUCTION:
        for path in sorted((BASE_DIR / root).rglob("*.py")):
            if "migrations" not in path.parts and path != KIND_OWNER:
                yield path, ast.parse(path.read_text(), filename=str(path))


def _where(path, node):
    return f"{path.relative_to(BASE_DIR)}:{node.lineno}"


def _strings(node):
    return [
        part.value
        for part in ast.walk(node)
        if isinstance(part, ast.Constant) and isinstance(part.value, str)
    ]


def test_no_kind_is_written_as_a_string():
    """Kinds are Notification.Kind members everywhere: a string given as a notification's
    kind is refused, and so is a kind's value spelled out in a filter (kind=, kind__in=, …)
    or a comparison."""
    found = []
    for path, tree in _production_modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                for keyword in node.keywords:
                    if keyword.arg != "kind" and not (keyword.arg or "").startswith("kind__"):
                        continue
                    strings = _strings(keyword.value)
                    if ("notif" in name.lower() and strings) or STORED_VALUES & set(strings):
                        found.append(f"{_where(path, keyword.value)}: {keyword.arg}={strings}")
            elif isinstance(node, ast.Compare):
                if spelled := STORED_VALUES & set(_strings(node)):
                    found.append(f"{_where(path, node)}: compared with {sorted(spelled)}")
    assert not found, "Use Notification.Kind:\n" + "\n".join(found)


def test_every_kind_is_used():
    sources = "\n".join(ast.unparse(tree) for _path, tree in _production_modules())
    unused = [kind.name for kind in Kind if f"Kind.{kind.name}" not in sources]
    assert not unused, f"kinds nothing writes: {unused}"


# --- One helper, each recipient in their own language ---------------------------------------


def test_each_recipient_gets_their_own_language(db, django_capture_on_commit_callbacks):
    dutch, english, unset = (
        UserFactory(language="nl"),
        UserFactory(language="en"),
        UserFactory(language=""),
    )
    guest_en = Recipient(email="guest@example.org", language="en")
    guest = Recipient(email="someone@example.org")
    account_first = Recipient(email=dutch.email, user=dutch, language="en")
    with django_capture_on_commit_callbacks() as callbacks:
        written = notifications_create_for(
            [dutch, english, unset, guest_en, guest, account_first],
            kind=Kind.ORGANISATION_APPROVED,
            subject=gettext_lazy("%(name)s is approved"),
            body=lambda: translation.get_language(),
            params={"name": "Kookclub"},
            link="/beheer/kookclub/",
        )
    assert [(n.subject, n.body, n.language) for n in written] == [
        ("Kookclub is goedgekeurd", "nl", "nl"),
        ("Kookclub is approved", "en", "en"),
        ("Kookclub is goedgekeurd", "nl", "nl"),  # the site's language
        ("Kookclub is approved", "en", "en"),  # the language the guest used
        ("Kookclub is goedgekeurd", "nl", "nl"),
        ("Kookclub is goedgekeurd", "nl", "nl"),  # the account's own choice comes first
    ]
    assert [n.user for n in written] == [dutch, english, unset, None, None, dutch]
    assert [n.email for n in written][3:5] == ["guest@example.org", "someone@example.org"]
    assert {n.kind for n in written} == {Kind.ORGANISATION_APPROVED}
    assert {n.link for n in written} == {"/beheer/kookclub/"}
    assert len(callbacks) == len(written), "each is queued for delivery once the change commits"


def test_plural_subjects_take_their_number_from_params(db):
    coordinator = UserFactory(language="en")
    for count in (1, 3):
        notifications_create_for(
            [coordinator],
            kind=Kind.SUGGESTIONS_TO_REVIEW,
            subject=ngettext_lazy(
                "%(count)d request has new suggested volunteers",
                "%(count)d requests have new suggested volunteers",
                "count",
            ),
            body="-",
            params={"count": count},
        )
    assert sorted(Notification.objects.values_list("subject", flat=True)) == [
        "1 request has new suggested volunteers",
        "3 requests have new suggested volunteers",
    ]


def test_a_body_or_a_template_not_both(db):
    user = UserFactory()
    for extra in ({}, {"body": "Tekst", "template": "initiatives/email/session_reminder.txt"}):
        with pytest.raises(TypeError):
            notifications_create_for([user], kind=Kind.MATCH_ACCEPTED, subject="Hoi", **extra)


def test_template_and_attachment_are_made_in_the_recipients_language(db):
    """The reminder (a template and a calendar file) to a guest who signed up in English, a
    guest who signed up in Dutch, and an account whose own choice is English."""
    session = SessionFactory(starts_at=timezone.now() + timedelta(hours=12))
    SignUpFactory(session=session, email="en@example.org", language="en")
    SignUpFactory(session=session, email="nl@example.org", language="nl")
    account = UserFactory(language="en")
    SignUpFactory(session=session, email=account.email, user=account, language="nl")

    assert services.session_reminders_send() == 3

    title = session.activity.title
    reminders = {n.email: n for n in Notification.objects.filter(kind=Kind.SESSION_REMINDER)}
    english, dutch, own = (
        reminders["en@example.org"],
        reminders["nl@example.org"],
        reminders[account.email],
    )
    assert (english.subject, english.language) == (f"Tomorrow: {title}", "en")
    assert (dutch.subject, dutch.language) == (f"Morgen: {title}", "nl")
    assert (own.subject, own.user) == (f"Tomorrow: {title}", account)
    assert english.body != dutch.body and title in dutch.body
    assert [n.attachment_name for n in (english, dutch, own)] == [
        "activity.ics",
        "activiteit.ics",
        "activity.ics",
    ]
    assert all(
        n.attachment_mimetype == "text/calendar" and "BEGIN:VCALENDAR" in n.attachment_content
        for n in (english, dutch, own)
    )
