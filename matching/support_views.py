"""The pages where demand meets supply: an initiative's page (public once approved; the
proposer also sees its status, messages and the offers received), the proposer's list, an
organisation's offers with the pairings to answer, and the answers themselves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from initiatives.access import is_coordinator, membership_or_404
from initiatives.models import Initiative, InitiativeNeed, Offer, RoomBooking
from initiatives.support_forms import (
    InitiativeMessageForm,
    SupportAskForm,
    SupportDeclineForm,
    SupportOfferForm,
)
from initiatives.support_views import asking_initiatives
from matching import support
from matching.models import SupportMatch


def _matches():
    return SupportMatch.objects.select_related(
        "offer__organisation", "offer__neighbourhood", "need__initiative", "help_request"
    )


def _offerable(user, initiative):
    """The person's organisations' open offers of a kind the initiative still needs."""
    kinds = [need.kind for need in initiative.needs.all() if not need.is_met]
    return (
        Offer.objects.offered()
        .filter(organisation__memberships__user=user, kind__in=kinds)
        .select_related("organisation")
    )


def initiative_detail(request, pk):
    initiative = get_object_or_404(
        Initiative.objects.select_related("neighbourhood", "proposer", "activity").prefetch_related(
            "needs"
        ),
        pk=pk,
    )
    user = request.user
    is_proposer = user.is_authenticated and initiative.proposer_id == user.pk
    if not (initiative.is_public or is_proposer or is_coordinator(user)):
        raise Http404
    context = {
        "initiative": initiative,
        "needs": initiative.needs.all(),
        "is_proposer": is_proposer,
    }
    if is_proposer:
        context.update(
            matches=list(
                _matches()
                .filter(need__initiative=initiative)
                .exclude(status=SupportMatch.Status.EXPIRED)
                .order_by("status", "-score", "pk")
            ),
            thread=initiative.messages.select_related("author"),
            message_form=InitiativeMessageForm(),
            decline_form=SupportDeclineForm(),
        )
    if user.is_authenticated and initiative.is_public:
        offers = _offerable(user, initiative)
        if offers.exists():
            context["offer_form"] = SupportOfferForm(offers=offers)
    context["supporters"] = (
        _matches().filter(need__initiative=initiative, status=SupportMatch.Status.AGREED)
        if initiative.is_public
        else []
    )
    return render(request, "matching/initiative_detail.html", context)


@login_required
def my_initiatives(request):
    initiatives = (
        Initiative.objects.filter(proposer=request.user)
        .select_related("neighbourhood")
        .prefetch_related("needs")
        .annotate(
            waiting=Count(
                "needs__matches",
                filter=Q(
                    needs__matches__status=SupportMatch.Status.OPEN,
                    needs__matches__need_side_at__isnull=True,
                ),
            )
        )
    )
    return render(request, "matching/my_initiatives.html", {"initiatives": initiatives})


@login_required
def manage_offers(request, slug):
    membership = membership_or_404(request, slug)
    organisation = membership.organisation
    offers = (
        organisation.offers.select_related("neighbourhood")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=RoomBooking.objects.select_related("initiative").order_by("date"),
            )
        )
        .order_by("status", "-created_at")
    )
    matches = (
        _matches()
        .filter(offer__organisation=organisation)
        .exclude(status=SupportMatch.Status.EXPIRED)
        .select_related(
            "need__initiative__neighbourhood",
            "need__initiative__proposer",
            "help_request__neighbourhood",
        )
        .order_by("status", "-created_at")[:200]
    )
    return render(
        request,
        "matching/manage_offers.html",
        {
            "membership": membership,
            "organisation": organisation,
            "offers": offers,
            "matches": matches,
            "decline_form": SupportDeclineForm(),
        },
    )


def _back(request, fallback):
    """To the page the answer was given on (a path of this site only), else `fallback`."""
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(back)
    return redirect(fallback)


@login_required
@require_POST
def support_ask(request, pk):
    """The proposer asks for an offer (from the offer's page) for one of their initiatives."""
    offer = get_object_or_404(Offer.objects.offered(), pk=pk)
    form = SupportAskForm(request.POST, initiatives=asking_initiatives(request.user, offer))
    if not form.is_valid():
        messages.error(request, _("Choose one of your initiatives that needs this."))
        return redirect(offer)
    need = InitiativeNeed.objects.get(initiative=form.cleaned_data["initiative"], kind=offer.kind)
    try:
        support.support_ask(offer=offer, by=request.user, side=support.NEED_SIDE, need=need)
    except support.SupportMatchError as error:
        messages.error(request, error.message)
        return redirect(offer)
    messages.success(request, _("Your question is sent to the organisation."))
    return redirect(need.initiative)


@login_required
@require_POST
def support_offer(request, pk):
    """A member offers one of their organisation's offers to an initiative."""
    initiative = get_object_or_404(Initiative.objects.public(), pk=pk)
    form = SupportOfferForm(request.POST, offers=_offerable(request.user, initiative))
    if not form.is_valid():
        messages.error(request, _("Choose one of your organisation's offers that fits."))
        return redirect(initiative)
    offer = form.cleaned_data["offer"]
    need = initiative.needs.get(kind=offer.kind)
    try:
        support.support_ask(offer=offer, by=request.user, side=support.OFFER_SIDE, need=need)
    except support.SupportMatchError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your offer is sent to the initiative."))
    return redirect(initiative)


def _match_and_side(request, pk):
    """The pairing and the side the person answers for; 404 when they answer for neither."""
    match = get_object_or_404(_matches(), pk=pk)
    sides = support.sides_of(match, request.user)
    side = request.POST.get("side", "")
    if side not in sides:
        if not sides:
            raise Http404
        side = sides[0]
    return match, side


def _back_after_answer(request, match, side):
    """To the page the answer was given on, else the answering side's own page: the
    initiative's for its proposer, the organisation's offers for its members."""
    if side == support.NEED_SIDE:
        return _back(request, match.need.initiative)
    return _back(request, reverse("matching:manage_offers", args=[match.offer.organisation.slug]))


@login_required
@require_POST
def support_accept(request, pk):
    match, side = _match_and_side(request, pk)
    try:
        match = support.support_accept(match=match, side=side, by=request.user)
    except support.SupportMatchError as error:
        messages.error(request, error.message)
    else:
        if match.status == SupportMatch.Status.AGREED:
            messages.success(request, _("Agreed! Both sides are told."))
        else:
            messages.success(request, _("Your yes is sent. The other side is asked."))
    return _back_after_answer(request, match, side)


@login_required
@require_POST
def support_decline(request, pk):
    match, side = _match_and_side(request, pk)
    form = SupportDeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        support.support_decline(match=match, side=side, by=request.user, reason=reason)
    except support.SupportMatchError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your answer is saved."))
    return _back_after_answer(request, match, side)
