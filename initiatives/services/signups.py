"""Signing up for a session, cancelling, the waiting list and reminders: each
validates, saves and queues its notifications in one transaction."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from initiatives.calendar import session_ics
from initiatives.models import (
    ACTIVE_SIGNUP_STATUSES,
    Activity,
    Session,
    SignUp,
)
from mpact.cache import public_pages_changed
from mpact.notifications.models import Notification
from mpact.notifications.services import Recipient, notifications_create_for

Kind = Notification.Kind

CANCEL_SALT = "initiatives.signup.cancel"
VIEW_SALT = "initiatives.signup.view"


class SignUpError(ValidationError):
    """A sign-up or cancellation that cannot happen; the message is for the person."""


# --- Signed links ---------------------------------------------------------------------------


def signup_token(signup: SignUp, *, purpose: str) -> str:
    """A link token that names one sign-up and works for one purpose only."""
    return signing.dumps(signup.pk, salt=purpose)


def signup_from_token(token: str, *, purpose: str) -> SignUp:
    try:
        pk = signing.loads(token, salt=purpose)
    except signing.BadSignature:
        raise SignUpError(
            _("This link is not valid. Copy the whole link from the e-mail, or contact us."),
            code="bad_link",
        ) from None
    try:
        return SignUp.objects.select_related("session__activity__organisation").get(pk=pk)
    except SignUp.DoesNotExist:
        raise SignUpError(_("This sign-up no longer exists."), code="bad_link") from None


def signup_cancel_url(signup: SignUp) -> str:
    return reverse(
        "initiatives:signup_cancel", kwargs={"token": signup_token(signup, purpose=CANCEL_SALT)}
    )


def signup_status_url(signup: SignUp) -> str:
    return reverse(
        "initiatives:signup_status", kwargs={"token": signup_token(signup, purpose=VIEW_SALT)}
    )


# --- Notifications --------------------------------------------------------------------------


def _notify(signup: SignUp, *, kind: Kind, subject, template: str, with_calendar: bool):
    """Tell the person behind a sign-up, in their language (a guest's: the one they signed up
    in). `subject` is a lazy string with a %(title)s placeholder."""
    notifications_create_for(
        [Recipient(email=signup.email, user=signup.user, language=signup.language)],
        kind=kind,
        subject=subject,
        params={"title": signup.session.activity.title},
        template=template,
        context={
            "signup": signup,
            "session": signup.session,
            "activity": signup.session.activity,
            "cancel_url": signup_cancel_url(signup),
            "SITE_URL": settings.SITE_URL,
        },
        link=signup_status_url(signup),
        attachment=(
            format_lazy("{}.ics", gettext_lazy("activity")),
            "text/calendar",
            session_ics(signup.session),
        )
        if with_calendar
        else None,
    )


def _notify_confirmed(signup: SignUp, *, promoted: bool = False):
    _notify(
        signup,
        kind=Kind.SIGNUP_PROMOTED if promoted else Kind.SIGNUP_CONFIRMED,
        subject=gettext_lazy("A place came free: you are signed up for %(title)s")
        if promoted
        else gettext_lazy("You are signed up for %(title)s"),
        template="initiatives/email/signup_confirmed.txt",
        with_calendar=True,
    )


# --- Sign up and cancel ---------------------------------------------------------------------


def signup_create(
    *,
    session: Session,
    user=None,
    name: str = "",
    email: str = "",
    join_waitlist: bool = False,
) -> SignUp:
    """Sign a person up for a session: a confirmed place while there is one, else the waiting
    list when they asked for it. Raises SignUpError with a message for the person otherwise.

    The place is taken by one conditional UPDATE (`seats_taken < capacity`), which the
    database serialises per session, and a check constraint backs it up: concurrent sign-ups
    can never overbook. A partial unique index refuses a second active sign-up by e-mail.
    """
    if user is not None:
        email = user.email
        name = name or user.display_name
    email = (email or "").strip().lower()
    name = " ".join((name or "").split())
    if not name:
        raise SignUpError(_("Please fill in your name."), code="name")
    try:
        validate_email(email)
    except ValidationError:
        raise SignUpError(_("Please fill in a valid e-mail address."), code="email") from None
    if session.activity.is_cancelled or session.is_cancelled:
        raise SignUpError(_("This activity has been cancelled."), code="cancelled")
    if session.has_started:
        raise SignUpError(
            _("This session has already started; you can no longer sign up."), code="past"
        )

    duplicate = SignUpError(_("You are already signed up for this session."), code="duplicate")
    with transaction.atomic():
        if SignUp.objects.active().filter(session=session, email=email).exists():
            raise duplicate
        got_place = (
            Session.objects.filter(pk=session.pk, seats_taken__lt=F("capacity")).update(
                seats_taken=F("seats_taken") + 1
            )
            == 1
        )
        if got_place:
            status = SignUp.Status.CONFIRMED
        elif join_waitlist:
            status = SignUp.Status.WAITLISTED
        else:
            raise SignUpError(
                _("This session is full. You can join the waiting list."), code="full"
            )
        try:
            with transaction.atomic():
                signup = SignUp.objects.create(
                    session=session,
                    user=user,
                    name=name,
                    email=email,
                    status=status,
                    language=get_language() or "",
                )
        except IntegrityError:
            raise duplicate from None  # leaving the outer block gives the place back

        if status == SignUp.Status.CONFIRMED:
            _notify_confirmed(signup)
        else:
            _notify(
                signup,
                kind=Kind.SIGNUP_WAITLISTED,
                subject=gettext_lazy("You are on the waiting list for %(title)s"),
                template="initiatives/email/signup_waitlisted.txt",
                with_calendar=False,
            )
        transaction.on_commit(public_pages_changed)
    return signup


def signup_cancel(*, signup: SignUp) -> SignUp | None:
    """Cancel a sign-up. A freed place goes to the first person on the waiting list, who is
    told; returns that promoted sign-up, if any."""
    with transaction.atomic():
        # Lock the session row: cancellations and sign-ups of one session take turns here.
        session = Session.objects.select_for_update().get(pk=signup.session_id)
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if not signup.is_active:
            raise SignUpError(_("This sign-up was already cancelled."), code="already_cancelled")
        if session.has_started:
            raise SignUpError(
                _("This session has already started; it can no longer be cancelled."),
                code="past",
            )
        was_confirmed = signup.status == SignUp.Status.CONFIRMED
        signup.status = SignUp.Status.CANCELLED
        signup.cancelled_at = timezone.now()
        signup.save(update_fields=["status", "cancelled_at"])
        transaction.on_commit(public_pages_changed)
        if not was_confirmed:
            return None
        Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") - 1)
        promoted = session_fill_from_waitlist(session=session)
    return promoted[0] if promoted else None


def session_save(*, session: Session) -> list[SignUp]:
    """Save a new or edited session, from whichever page: the organisation's form, the admin's
    session page, or the session rows on an activity's admin page.

    Under the row's lock it checks the capacity against the places taken now (a sign-up may
    have come in since the form was opened), saves, keeps the activity's next-session date,
    gives free places to the waiting list (a raised capacity, a session no longer cancelled),
    and refreshes the public pages. Returns the people moved up from the waiting list.
    """
    with transaction.atomic():
        if session.pk:
            taken = (
                Session.objects.select_for_update()
                .values_list("seats_taken", flat=True)
                .get(pk=session.pk)
            )
            if problem := session.capacity_problem(taken):
                raise SignUpError(problem, code="capacity")
            session.seats_taken = taken
        session.save()
        Activity.objects.filter(pk=session.activity_id).refresh_next_session()
        promoted = session_fill_from_waitlist(session=session)
        transaction.on_commit(public_pages_changed)
    return promoted


def session_delete(*, session: Session) -> None:
    """Remove a session (the admin) and keep the activity's next-session date and the public
    pages right."""
    with transaction.atomic():
        activity_id = session.activity_id
        session.delete()
        Activity.objects.filter(pk=activity_id).refresh_next_session()
        transaction.on_commit(public_pages_changed)


def session_fill_from_waitlist(*, session: Session) -> list[SignUp]:
    """Give free places to the waiting list in order of sign-up; tells each person promoted.
    Called after a cancellation and when a coordinator raises a session's capacity."""
    promoted = []
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("activity").get(pk=session.pk)
        if session.has_started or session.is_cancelled:
            return []
        free = session.capacity - session.seats_taken
        if free <= 0:
            return []
        waiting = list(SignUp.objects.filter(session=session).waiting()[:free])
        for signup in waiting:
            signup.status = SignUp.Status.CONFIRMED
            signup.save(update_fields=["status"])
            signup.session = session
            promoted.append(signup)
        if promoted:
            Session.objects.filter(pk=session.pk).update(
                seats_taken=F("seats_taken") + len(promoted)
            )
            for signup in promoted:
                _notify_confirmed(signup, promoted=True)
            transaction.on_commit(public_pages_changed)  # the places left changed
    return promoted


# --- Reminders ------------------------------------------------------------------------------


def session_reminders_send(*, now=None) -> int:
    """Remind everyone with a confirmed place in a session that starts in the next 24 hours.

    Each sign-up is claimed (reminder_sent_at set) before its notification is written, in one
    transaction, so a reminder goes out once however often this runs.
    """
    now = now or timezone.now()
    due = SignUp.objects.filter(
        status=SignUp.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__is_cancelled=False,
        session__starts_at__gt=now,
        session__starts_at__lte=now + timedelta(hours=24),
    ).select_related("session__activity__organisation", "user")
    sent = 0
    for signup in due.iterator(chunk_size=200):
        with transaction.atomic():
            claimed = SignUp.objects.filter(pk=signup.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue
            _notify(
                signup,
                kind=Kind.SESSION_REMINDER,
                subject=gettext_lazy("Tomorrow: %(title)s"),
                template="initiatives/email/session_reminder.txt",
                with_calendar=True,
            )
            sent += 1
    return sent


# --- A coordinator's message to everyone signed up ------------------------------------------

SESSION_MESSAGE_MAX_LENGTH = 2000


def session_message_send(*, sessions, subject: str, message: str) -> int:
    """Tell everyone signed up for `sessions` (confirmed or waiting) what a coordinator wrote,
    each in their own language around the coordinator's words, by e-mail and by text message
    as each chose (Notification.Kind.SESSION_MESSAGE). Returns how many were told.

    Refuses (SignUpError, nothing sent) an empty subject or message and a session nobody is
    signed up for: a message that reaches nobody is a mistake the coordinator should see.
    """
    subject = " ".join((subject or "").split())
    message = (message or "").strip()
    if not subject or not message:
        raise SignUpError(_("Write a subject and a message."), code="empty")
    if len(message) > SESSION_MESSAGE_MAX_LENGTH:
        raise SignUpError(
            _("The message is too long (at most %(max)d characters).")
            % {"max": SESSION_MESSAGE_MAX_LENGTH},
            code="too_long",
        )
    sessions = list(sessions)
    signups = list(
        SignUp.objects.filter(session__in=sessions, status__in=ACTIVE_SIGNUP_STATUSES)
        .select_related("session__activity", "user")
        .order_by("session__starts_at", "created_at")
    )
    empty = [s for s in sessions if not any(signup.session_id == s.pk for signup in signups)]
    if empty:
        raise SignUpError(
            _("Nobody is signed up for %(sessions)s: no message was sent.")
            % {"sessions": ", ".join(str(session) for session in empty)},
            code="nobody",
        )
    with transaction.atomic():
        for signup in signups:
            notifications_create_for(
                [Recipient(email=signup.email, user=signup.user, language=signup.language)],
                kind=Kind.SESSION_MESSAGE,
                subject=format_lazy("{}: {}", signup.session.activity.title, subject),
                template="initiatives/email/session_message.txt",
                context={
                    "signup": signup,
                    "session": signup.session,
                    "activity": signup.session.activity,
                    "message": message,
                    "cancel_url": signup_cancel_url(signup),
                    "SITE_URL": settings.SITE_URL,
                },
                link=signup_status_url(signup),
            )
    return len(signups)
