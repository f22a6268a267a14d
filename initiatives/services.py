"""Writes that touch several models: signing up for a session, cancelling, the waiting list,
reminders. Each validates, saves and queues its notifications in one transaction."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from initiatives.calendar import session_ics
from initiatives.models import (
    Invitation,
    Membership,
    Opportunity,
    Organisation,
    Response,
    Session,
    SignUp,
)
from mpact.cache import public_pages_changed
from mpact.notifications.services import (
    in_language_of,
    notification_create,
    notifications_create_for,
)

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


def _notify(signup: SignUp, *, kind: str, subject, template: str, with_calendar: bool):
    """Tell the person behind a sign-up, in their language. `subject` is a lazy string with a
    %(title)s placeholder, translated once the recipient's language is active."""
    with in_language_of(signup.user, fallback=signup.language):
        context = {
            "signup": signup,
            "session": signup.session,
            "activity": signup.session.activity,
            "cancel_url": signup_cancel_url(signup),
            "SITE_URL": settings.SITE_URL,
        }
        notification_create(
            user=signup.user,
            email=signup.email,
            kind=kind,
            subject=str(subject) % {"title": signup.session.activity.title},
            body=render_to_string(template, context),
            link=signup_status_url(signup),
            attachment=(_("activity") + ".ics", "text/calendar", session_ics(signup.session))
            if with_calendar
            else None,
        )


def _notify_confirmed(signup: SignUp, *, promoted: bool = False):
    _notify(
        signup,
        kind="signup_promoted" if promoted else "signup_confirmed",
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
                kind="signup_waitlisted",
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
                kind="session_reminder",
                subject=gettext_lazy("Tomorrow: %(title)s"),
                template="initiatives/email/session_reminder.txt",
                with_calendar=True,
            )
            sent += 1
    return sent


# --- Organisations ---------------------------------------------------------------------------


class OrganisationError(ValidationError):
    """An organisation action that cannot happen; the message is for the person."""


INVITATION_SALT = "initiatives.invitation"
INVITATION_MAX_AGE = 14 * 24 * 3600


def _notify_members(organisation, *, kind, subject, body, params, link, admins_only=False):
    """Tell an organisation's members, each in their own language. `subject` and `body` are
    lazy strings, filled with `params` once the member's language is active."""
    memberships = organisation.memberships.select_related("user").filter(user__is_active=True)
    if admins_only:
        memberships = memberships.filter(role=Membership.Role.ADMIN)
    notifications_create_for(
        [m.user for m in memberships],
        kind=kind,
        subject=subject,
        body=body,
        params=params,
        link=link,
    )


def organisation_register(*, user, neighbourhoods=(), **fields) -> Organisation:
    """A logged-in person asks to register an organisation. It stays invisible to the public
    until a coordinator approves it; the person becomes its first administrator."""
    with transaction.atomic():
        organisation = Organisation(**fields)
        organisation.slug = _unique_slug(Organisation, organisation.name)
        organisation.full_clean()
        organisation.save()
        organisation.neighbourhoods.set(neighbourhoods)
        Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.ADMIN)
        notifications_create_for(
            get_user_model().objects.coordinators(),
            kind="organisation_registered",
            subject=gettext_lazy("New organisation to approve: %(name)s"),
            body=gettext_lazy(
                "%(person)s registered %(name)s. Check it and approve it in the admin."
            ),
            params={"person": user.display_name, "name": organisation.name},
            link=reverse("admin:initiatives_organisation_change", args=[organisation.pk]),
        )
    return organisation


def _unique_slug(model, text: str) -> str:
    base = slugify(text)[:200] or "organisatie"
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def organisation_approve(*, organisation: Organisation, by) -> bool:
    """Approve once; returns False when it was approved already. Tells its administrators."""
    with transaction.atomic():
        approved = Organisation.objects.filter(pk=organisation.pk, approved_at__isnull=True).update(
            approved_at=timezone.now()
        )
        if not approved:
            return False
        transaction.on_commit(public_pages_changed)
        organisation.refresh_from_db()
        _notify_members(
            organisation,
            kind="organisation_approved",
            subject=gettext_lazy("%(name)s is approved"),
            body=gettext_lazy(
                "Your organisation is approved: what you publish is now visible to everyone."
            ),
            params={"name": organisation.name},
            link=reverse("initiatives:manage_dashboard", args=[organisation.slug]),
            admins_only=True,
        )
    return True


def invitation_create(*, organisation: Organisation, email: str, role: str, by) -> Invitation:
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise OrganisationError(_("This person is already a member."), code="member")
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, invited_by=by
        )
        token = signing.dumps(invitation.pk, salt=INVITATION_SALT)
        notification_create(
            email=email,
            kind="organisation_invitation",
            subject=_("%(person)s invites you to join %(name)s on M-Pact")
            % {"person": by.display_name, "name": organisation.name},
            body=_(
                "%(person)s invites you to work for %(name)s on M-Pact. Open the link below, "
                "log in or create an account with this e-mail address, and accept. The link "
                "works for 14 days."
            )
            % {"person": by.display_name, "name": organisation.name},
            link=reverse("initiatives:invitation_accept", args=[token]),
        )
    return invitation


def invitation_from_token(token: str) -> Invitation:
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise OrganisationError(
            _("This invitation has expired. Ask for a new one."), code="expired"
        ) from None
    except signing.BadSignature:
        raise OrganisationError(_("This invitation link is not valid."), code="bad_link") from None
    try:
        return Invitation.objects.select_related("organisation").get(pk=pk)
    except Invitation.DoesNotExist:
        raise OrganisationError(_("This invitation was withdrawn."), code="bad_link") from None


def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Join the organisation. Only the invited address can accept: a forwarded link does not
    make someone else a member."""
    if invitation.accepted_at:
        raise OrganisationError(_("This invitation was already accepted."), code="used")
    if user.email.lower() != invitation.email.lower():
        raise OrganisationError(
            _("This invitation is for %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email},
            code="wrong_person",
        )
    with transaction.atomic():
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if not claimed:
            raise OrganisationError(_("This invitation was already accepted."), code="used")
        membership, _created = Membership.objects.get_or_create(
            organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
        )
    return membership


def membership_remove(*, membership: Membership, by) -> None:
    organisation = membership.organisation
    with transaction.atomic():
        # Lock the organisation's memberships so two admins cannot remove each other at once.
        admins = list(
            Membership.objects.select_for_update()
            .filter(organisation=organisation, role=Membership.Role.ADMIN)
            .values_list("pk", flat=True)
        )
        if membership.role == Membership.Role.ADMIN and admins == [membership.pk]:
            raise OrganisationError(
                _(
                    "An organisation needs at least one administrator. Make someone else "
                    "administrator first."
                ),
                code="last_admin",
            )
        membership.delete()


# --- Opportunities and responses -------------------------------------------------------------


class ResponseError(ValidationError):
    """A response that cannot happen; the message is for the person."""


def opportunity_duplicate(*, opportunity: Opportunity) -> Opportunity:
    """A copy as a new draft, to post a similar opportunity quickly."""
    with transaction.atomic():
        skills, languages = list(opportunity.skills.all()), list(opportunity.languages.all())
        copy = Opportunity.objects.get(pk=opportunity.pk)
        copy.pk = None
        copy.title = (_("%(title)s (copy)") % {"title": opportunity.title})[:200]
        copy.status = Opportunity.Status.DRAFT
        copy.created_at = timezone.now()
        copy.save()
        copy.skills.set(skills)
        copy.languages.set(languages)
    return copy


def opportunity_set_status(*, opportunity: Opportunity, status: str) -> Opportunity:
    allowed = {
        Opportunity.Status.DRAFT: {Opportunity.Status.PUBLISHED, Opportunity.Status.CLOSED},
        Opportunity.Status.PUBLISHED: {
            Opportunity.Status.FILLED,
            Opportunity.Status.CLOSED,
            Opportunity.Status.DRAFT,
        },
        Opportunity.Status.FILLED: {Opportunity.Status.PUBLISHED, Opportunity.Status.CLOSED},
        Opportunity.Status.CLOSED: {Opportunity.Status.PUBLISHED},
    }
    if status not in allowed[opportunity.status]:
        raise ResponseError(
            _("An opportunity that is %(current)s cannot become %(new)s.")
            % {
                "current": opportunity.get_status_display().lower(),
                "new": Opportunity.Status(status).label.lower(),
            },
            code="transition",
        )
    opportunity.status = status
    opportunity.save(update_fields=["status", "updated_at"])
    transaction.on_commit(public_pages_changed)
    return opportunity


def response_create(*, opportunity: Opportunity, volunteer, message: str) -> Response:
    message = message.strip()
    if not message:
        raise ResponseError(_("Please write a short message."), code="message")
    if not hasattr(volunteer, "volunteer_profile"):
        raise ResponseError(
            _("Fill in your volunteer profile first, so the organisation knows who you are."),
            code="no_profile",
        )
    if opportunity.status in (Opportunity.Status.FILLED, Opportunity.Status.CLOSED):
        raise ResponseError(_("This opportunity is no longer open for responses."), code="not_open")
    if not opportunity.is_open:
        raise ResponseError(_("This opportunity is not published."), code="not_open")
    duplicate = ResponseError(
        _("You have already responded to this opportunity."), code="duplicate"
    )
    if Response.objects.filter(opportunity=opportunity, volunteer=volunteer).exists():
        raise duplicate
    try:
        with transaction.atomic():
            response = Response.objects.create(
                opportunity=opportunity, volunteer=volunteer, message=message
            )
            _notify_members(
                opportunity.organisation,
                kind="response_received",
                subject=gettext_lazy("New response to %(title)s"),
                body=gettext_lazy("%(name)s responded to %(title)s:\n\n%(message)s"),
                params={
                    "name": volunteer.volunteer_profile.display_name,
                    "title": opportunity.title,
                    "message": message,
                },
                link=reverse("initiatives:manage_responses", args=[opportunity.organisation.slug]),
            )
    except IntegrityError:
        raise duplicate from None
    return response


def response_decide(*, response: Response, accept: bool, reply: str, by) -> Response:
    """Accept or decline a pending response and tell the volunteer. Accepting the last free
    place marks the opportunity filled."""
    with transaction.atomic():
        opportunity = Opportunity.objects.select_for_update().get(pk=response.opportunity_id)
        response = Response.objects.select_for_update().get(pk=response.pk)
        if response.status != Response.Status.PENDING:
            raise ResponseError(
                _("This response was already answered (%(status)s).")
                % {"status": response.get_status_display().lower()},
                code="decided",
            )
        accepted = opportunity.responses.filter(status=Response.Status.ACCEPTED).count()
        if accept and accepted >= opportunity.places:
            raise ResponseError(
                _("All places are taken. Raise the number of places first."), code="full"
            )
        response.status = Response.Status.ACCEPTED if accept else Response.Status.DECLINED
        response.reply = reply.strip()
        response.decided_by = by
        response.decided_at = timezone.now()
        response.save(update_fields=["status", "reply", "decided_by", "decided_at"])
        if accept and accepted + 1 >= opportunity.places:
            opportunity.status = Opportunity.Status.FILLED
            opportunity.save(update_fields=["status", "updated_at"])
            transaction.on_commit(public_pages_changed)
        with in_language_of(response.volunteer):
            if accept:
                subject = _("%(name)s accepted your response") % {"name": opportunity.organisation}
                body = _("Good news: %(name)s would like you to do '%(title)s'.")
            else:
                subject = _("Your response to %(title)s") % {"title": opportunity.title}
                body = _(
                    "%(name)s has not chosen you for '%(title)s' this time. Thank you for "
                    "responding, and do look at the other opportunities."
                )
            body %= {"name": opportunity.organisation.name, "title": opportunity.title}
            if response.reply:
                body += "\n\n" + response.reply
            notification_create(
                user=response.volunteer,
                email=response.volunteer.email,
                kind="response_accepted" if accept else "response_declined",
                subject=subject,
                body=body,
                link=reverse("volunteers:dashboard"),
            )
    return response
