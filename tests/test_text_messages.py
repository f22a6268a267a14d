"""Text messages (issue 13): a channel per group of messages, phone numbers in E.164, the
backend, delivery once with retries, short links, STOP replies, and a coordinator's message to
everyone signed up for a session."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initiatives import services
from initiatives.models import SignUp
from mpact.factories import SessionFactory, SignUpFactory, UserFactory
from mpact.notifications import delivery, tasks
from mpact.notifications.models import Notification, ShortLink, TextMessage
from mpact.notifications.services import notifications_create_for
from mpact.notifications.sms import PermanentTextFailure, reply_intent
from mpact.notifications.sms_backends import locmem
from mpact.users.forms import ContactSettingsForm
from mpact.users.models import Channel

Kind = Notification.Kind


@pytest.fixture(autouse=True)
def sms_outbox(monkeypatch):
    locmem.outbox.clear()
    monkeypatch.setattr(locmem, "fail_with", None)
    yield locmem.outbox
    locmem.outbox.clear()


def texter(**fields):
    """An account that chose text messages for reminders and confirmations, in Arabic."""
    defaults = {
        "phone": "+31612345678",
        "language": "ar",
        "reach_reminders_by": Channel.TEXT,
        "reach_confirmations_by": Channel.BOTH,
    }
    return UserFactory(**{**defaults, **fields})


def deliver_all():
    """What the worker does: deliver every due row, e-mail and text."""
    for pk in Notification.objects.due_for_delivery().values_list("pk", flat=True):
        delivery.notification_deliver(notification_id=pk)
    for pk in TextMessage.objects.due_for_delivery().values_list("pk", flat=True):
        delivery.text_deliver(text_id=pk)


# --- Who gets what, by which channel --------------------------------------------------------


@pytest.mark.django_db
def test_channels_follow_the_persons_choice_and_fall_back_to_email():
    person = texter()
    assert person.channels_for("reminders") == {"text"}
    assert person.channels_for("confirmations") == {"email", "text"}
    assert person.channels_for("proposals") == {"email"}  # the default
    assert person.channels_for("") == {"email"}
    person.texts_stopped_at = timezone.now()
    assert person.channels_for("reminders") == {"email"}
    assert UserFactory(reach_reminders_by=Channel.TEXT).channels_for("reminders") == {"email"}


@pytest.mark.django_db
def test_reminder_for_a_person_who_chose_texts_goes_out_as_text_in_their_language_once(
    django_capture_on_commit_callbacks, sms_outbox, monkeypatch
):
    enqueued = []
    monkeypatch.setattr(tasks.deliver_text, "delay", lambda pk: enqueued.append(pk))
    monkeypatch.setattr(tasks.deliver_notification, "delay", lambda pk: enqueued.append(pk))
    person = texter()
    session = SessionFactory(
        starts_at=timezone.now() + timedelta(hours=20), activity__title="Taalcafé"
    )
    SignUpFactory(session=session, user=person)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_reminders_send() == 1
        assert services.session_reminders_send() == 0
    deliver_all()
    deliver_all()  # a second worker pass sends nothing again
    assert [t.pk for t in TextMessage.objects.all()] == [enqueued[0]]

    reminder = Notification.objects.get(kind=Kind.SESSION_REMINDER)
    assert reminder.by_email is False  # texts only for reminders: no e-mail
    assert reminder.sent_at is None and not mail.outbox
    assert len(sms_outbox) == 1
    text = sms_outbox[0]
    assert text["phone"] == "+31612345678"
    assert text["body"].startswith("M-Pact: ") and "Taalcafé" in text["body"]
    assert "غدًا" in text["body"] or "غدا" in text["body"], text["body"]  # "tomorrow", Arabic
    assert len(text["body"]) <= 200
    short = text["body"].rsplit(" ", 1)[1]
    assert short.startswith("http") and "/k/" in short
    row = TextMessage.objects.get()
    assert row.sent_at is not None and row.provider_id == text["id"]


@pytest.mark.django_db
def test_a_guest_and_a_default_account_get_email_only(sms_outbox):
    session = SessionFactory()
    services.signup_create(session=session, name="Gast", email="gast@example.org")
    services.signup_create(session=session, user=UserFactory(phone="+31611111111"))
    assert Notification.objects.filter(by_email=True).count() == 2
    assert not TextMessage.objects.exists()


@pytest.mark.django_db
def test_both_channels_send_an_email_and_a_text(sms_outbox):
    person = texter(language="uk")
    services.signup_create(session=SessionFactory(activity__title="Прогулянка"), user=person)
    notification = Notification.objects.get(kind=Kind.SIGNUP_CONFIRMED)
    assert notification.by_email and notification.language == "uk"
    text = TextMessage.objects.get(notification=notification)
    assert "Прогулянка" in text.body
    deliver_all()
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1


@pytest.mark.django_db
def test_short_link_leads_to_the_notifications_link_and_unknown_ones_are_404(client):
    person = texter()
    services.signup_create(session=SessionFactory(), user=person)
    text = TextMessage.objects.get()
    code = text.body.rsplit("/k/", 1)[1]
    response = client.get(reverse("short_link", args=[code]))
    assert response.status_code == 302
    assert response["Location"] == text.notification.link
    assert client.get(reverse("short_link", args=["nonexistent"])).status_code == 404
    ShortLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("short_link", args=[code])).status_code == 404


# --- Delivery: retried, given up, shown to coordinators ---------------------------------------


@pytest.mark.django_db
def test_a_failed_text_is_retried_and_then_given_up_and_shown(
    sms_outbox, monkeypatch, settings, admin_client
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    person = texter()
    services.signup_create(session=SessionFactory(), user=person)
    text = TextMessage.objects.get()
    monkeypatch.setattr(locmem, "fail_with", ConnectionError("provider down"))
    with pytest.raises(delivery.DeliveryFailed) as first:
        delivery.text_deliver(text_id=text.pk)
    assert not first.value.given_up and first.value.retry_at is not None
    # Not due until its backoff is over.
    assert not delivery.text_deliver(text_id=text.pk)
    TextMessage.objects.update(next_attempt_at=None)
    with pytest.raises(delivery.DeliveryFailed) as second:
        delivery.text_deliver(text_id=text.pk)
    assert second.value.given_up
    text.refresh_from_db()
    assert text.failed_at is not None and "provider down" in text.last_error
    assert not sms_outbox

    page = admin_client.get(reverse("admin:index")).content.decode()
    assert 'id="failed-texts"' in page
    # A coordinator queues it again; the provider is back: it is sent once.
    monkeypatch.setattr(locmem, "fail_with", None)
    monkeypatch.setattr(tasks.deliver_text, "delay", lambda pk: None)
    admin_client.post(
        reverse("admin:notifications_textmessage_changelist"),
        {"action": "retry", "_selected_action": [text.pk]},
    )
    assert delivery.text_deliver(text_id=text.pk)
    assert len(sms_outbox) == 1


@pytest.mark.django_db
def test_a_refused_number_is_given_up_at_once(sms_outbox, monkeypatch):
    services.signup_create(session=SessionFactory(), user=texter())
    text = TextMessage.objects.get()
    monkeypatch.setattr(locmem, "fail_with", PermanentTextFailure("21211 invalid number"))
    with pytest.raises(delivery.DeliveryFailed) as failure:
        delivery.text_deliver(text_id=text.pk)
    assert failure.value.given_up
    assert TextMessage.objects.get().attempts == 1


@pytest.mark.django_db
def test_the_sweep_enqueues_undelivered_texts_too(monkeypatch):
    services.signup_create(session=SessionFactory(), user=texter())
    queued = []
    monkeypatch.setattr(tasks.deliver_text, "delay", lambda pk: queued.append(("text", pk)))
    monkeypatch.setattr(tasks.deliver_notification, "delay", lambda pk: queued.append(("n", pk)))
    assert tasks.notifications_sweep() == 2
    assert {kind for kind, _pk in queued} == {"text", "n"}


# --- Stopping text messages -----------------------------------------------------------------


@pytest.mark.parametrize(
    "reply, intent",
    [("STOP", "stop"), ("stop.", "stop"), ("Stoppen graag", "stop"), ("توقف", "stop")]
    + [("СТОП", "stop"), ("start", "start"), ("Hallo", ""), ("", "")],
)
def test_reply_intent(reply, intent):
    assert reply_intent(reply) == intent


@pytest.mark.django_db
def test_replying_stop_stops_texts_and_start_resumes_them(client):
    person = texter()
    response = client.post(reverse("sms_inbound"), {"From": "+31612345678", "Body": "STOP"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.texts_stopped_at is not None
    services.signup_create(session=SessionFactory(), user=person)
    assert not TextMessage.objects.exists()  # e-mail took over
    assert Notification.objects.get().by_email
    client.post(reverse("sms_inbound"), {"From": "+31612345678", "Body": "start"})
    person.refresh_from_db()
    assert person.texts_stopped_at is None


@pytest.mark.django_db
def test_the_twilio_backend_refuses_an_unsigned_reply(client, settings):
    settings.SMS_BACKEND = "mpact.notifications.sms_backends.twilio.SmsBackend"
    settings.TWILIO_AUTH_TOKEN = "secret"
    person = texter()
    response = client.post(reverse("sms_inbound"), {"From": "+31612345678", "Body": "STOP"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.texts_stopped_at is None


@pytest.mark.django_db
def test_the_twilio_backend_accepts_a_signed_reply(client, settings):
    import base64
    import hashlib
    import hmac

    settings.SMS_BACKEND = "mpact.notifications.sms_backends.twilio.SmsBackend"
    settings.TWILIO_AUTH_TOKEN = "secret"
    person = texter()
    data = {"From": "+31612345678", "Body": "Stop", "MessageSid": "SM1"}
    url = "http://testserver" + reverse("sms_inbound")
    signed = url + "".join(f"{k}{data[k]}" for k in sorted(data))
    signature = base64.b64encode(hmac.new(b"secret", signed.encode(), hashlib.sha1).digest())
    response = client.post(
        reverse("sms_inbound"), data, headers={"X-Twilio-Signature": signature.decode()}
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.texts_stopped_at is not None


# --- The person's page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_settings_page_saves_the_number_in_international_format(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        reverse("notification_settings"),
        {
            "phone": "06 12 34 56 78",
            "reach_confirmations_by": "email",
            "reach_reminders_by": "both",
            "reach_proposals_by": "text",
            "texts_on": "on",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert str(person.phone) == "+31612345678"
    assert person.reach_reminders_by == "both" and person.texts_stopped_at is None
    # Off from their page: stopped, and on again.
    client.post(
        reverse("notification_settings"),
        {
            "phone": "+31612345678",
            "reach_confirmations_by": "email",
            "reach_reminders_by": "both",
            "reach_proposals_by": "text",
        },
    )
    person.refresh_from_db()
    assert person.texts_stopped_at is not None
    assert person.channels_for("reminders") == {"email"}


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["12", "06 1234", "+999 123", "not a number", "0612345678901"])
def test_an_invalid_number_is_refused_and_nothing_changes(client, phone):
    person = UserFactory(phone="+31687654321")
    client.force_login(person)
    data = {
        "phone": phone,
        "reach_confirmations_by": "text",
        "reach_reminders_by": "email",
        "reach_proposals_by": "email",
        "texts_on": "on",
    }
    response = client.post(reverse("notification_settings"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and f'value="{phone}"' in html  # kept to correct
    person.refresh_from_db()
    assert str(person.phone) == "+31687654321" and person.reach_confirmations_by == "email"


@pytest.mark.django_db
def test_texts_without_a_number_are_refused():
    form = ContactSettingsForm(
        {
            "phone": "",
            "reach_confirmations_by": "text",
            "reach_reminders_by": "email",
            "reach_proposals_by": "email",
            "texts_on": "on",
        },
        instance=UserFactory(),
    )
    assert not form.is_valid()
    assert "phone" in form.errors


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phone=st.text(max_size=40))
@pytest.mark.django_db
def test_any_typed_number_is_either_stored_in_e164_or_refused(phone):
    form = ContactSettingsForm(
        {
            "phone": phone,
            "reach_confirmations_by": "email",
            "reach_reminders_by": "email",
            "reach_proposals_by": "email",
            "texts_on": "on",
        },
        instance=UserFactory.build(),
    )
    if form.is_valid():
        number = form.cleaned_data["phone"]
        assert not number or (str(number).startswith("+") and number.is_valid())
    else:
        assert form.errors


@pytest.mark.django_db
def test_settings_page_needs_a_login(client):
    response = client.get(reverse("notification_settings"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- A coordinator's message to a session ---------------------------------------------------


@pytest.mark.django_db
def test_coordinator_messages_everyone_signed_up_in_their_language(coordinator_client, sms_outbox):
    session = SessionFactory(activity__title="Wandeling", capacity=3)
    arabic = texter()  # reminders and session messages by text only
    SignUpFactory(session=session, user=arabic)
    SignUpFactory(session=session, email="guest@example.org", name="Gast", language="en")
    SignUpFactory(session=session, email="old@example.org", status=SignUp.Status.CANCELLED)
    response = coordinator_client.post(
        reverse("admin:initiatives_session_changelist"),
        {
            "action": "send_message",
            "_selected_action": [session.pk],
            "apply": "1",
            "subject": "We start at 10:30",
            "message": "Meet at the entrance.",
        },
    )
    assert response.status_code == 302
    rows = Notification.objects.filter(kind=Kind.SESSION_MESSAGE)
    assert sorted(rows.values_list("email", flat=True)) == sorted(
        [arabic.email, "guest@example.org"]
    )
    guest = rows.get(email="guest@example.org")
    assert guest.language == "en" and guest.body.startswith("Hello Gast,")
    assert "Meet at the entrance." in guest.body and guest.by_email
    to_arabic = rows.get(email=arabic.email)
    assert to_arabic.language == "ar" and not to_arabic.by_email
    assert "Meet at the entrance." in to_arabic.body and "Hello" not in to_arabic.body
    text = TextMessage.objects.get()
    assert text.notification == to_arabic and "We start at 10:30" in text.body


@pytest.mark.django_db
def test_a_message_to_an_empty_session_is_refused_and_nothing_is_sent(coordinator_client):
    session = SessionFactory()
    SignUpFactory(session=session, email="old@example.org", status=SignUp.Status.CANCELLED)
    response = coordinator_client.post(
        reverse("admin:initiatives_session_changelist"),
        {
            "action": "send_message",
            "_selected_action": [session.pk],
            "apply": "1",
            "subject": "Cancelled",
            "message": "Sorry.",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "no message was sent" in html.replace("&#x27;", "'") or "Niemand" in html
    assert "Sorry." in html  # what was typed is kept
    assert not Notification.objects.filter(kind=Kind.SESSION_MESSAGE).exists()


@pytest.mark.django_db
def test_an_empty_message_is_refused():
    session = SessionFactory()
    SignUpFactory(session=session)
    with pytest.raises(services.SignUpError):
        services.session_message_send(sessions=[session], subject="  ", message="x")
    with pytest.raises(services.SignUpError):
        services.session_message_send(sessions=[session], subject="x", message="\n")
    assert not Notification.objects.filter(kind=Kind.SESSION_MESSAGE).exists()


@pytest.mark.django_db
def test_notifications_to_an_account_without_a_group_stay_email(sms_outbox):
    person = texter(reach_proposals_by=Channel.TEXT)
    notifications_create_for([person], kind=Kind.HELP_REQUEST_NEW, subject="x", body="y")
    assert Notification.objects.get().by_email and not TextMessage.objects.exists()
