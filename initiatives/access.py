"""Who may use an organisation's own pages (/beheer/<organisation>/): its members. Every such
page, in initiatives and in the apps above it, asks here."""

from django.http import Http404

from initiatives.models import Membership


def membership_or_404(request, slug, *, admin=False) -> Membership:
    """The person's membership of the organisation `slug` (as administrator if `admin`), or 404:
    the one permission check of every organisation page."""
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=request.user, organisation__slug=slug)
        .first()
    )
    if membership is None or (admin and membership.role != Membership.Role.ADMIN):
        raise Http404
    return membership


def is_coordinator(user) -> bool:
    """Active staff in the coordinators group (or a superuser): they see every organisation's
    attendance and figures."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    from mpact.users.models import COORDINATORS_GROUP

    return user.groups.filter(name=COORDINATORS_GROUP).exists()


def host_organisation_or_404(request, slug):
    """The organisation `slug` for a host of its activities: a member of it, or a coordinator;
    404 for anyone else. Returns (organisation, membership or None)."""
    from django.shortcuts import get_object_or_404

    from initiatives.models import Organisation

    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=request.user, organisation__slug=slug)
        .first()
    )
    if membership is not None:
        return membership.organisation, membership
    if is_coordinator(request.user):
        return get_object_or_404(Organisation, slug=slug), None
    raise Http404
