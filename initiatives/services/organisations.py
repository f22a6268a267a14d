"""Organisations: registration and approval, invitations by signed link, members."""

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from initiatives.models import (
    Invitation,
    Membership,
    Organisation,
)
from mpact.cache import public_pages_changed
from mpact.notifications.models import Notification
from mpact.notifications.services import Recipient, notifications_create_for

Kind = Notification.Kind

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
            kind=Kind.ORGANISATION_REGISTERED,
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
            kind=Kind.ORGANISATION_APPROVED,
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
        # Written in the inviter's language: the invited address may have no account yet.
        notifications_create_for(
            [Recipient(email=email, language=get_language() or "")],
            kind=Kind.ORGANISATION_INVITATION,
            subject=gettext_lazy("%(person)s invites you to join %(name)s on M-Pact"),
            body=gettext_lazy(
                "%(person)s invites you to work for %(name)s on M-Pact. Open the link below, "
                "log in or create an account with this e-mail address, and accept. The link "
                "works for 14 days."
            ),
            params={"person": by.display_name, "name": organisation.name},
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
