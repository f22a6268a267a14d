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
