"""Residents' initiatives and organisations' offers: the public lists, an offer's page, the
proposer's form, and an organisation's offer form. The pages that show pairings (an
initiative's page, the proposer's list, an organisation's offers) are matching's
(matching/support_views.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from initiatives import services
from initiatives.access import membership_or_404
from initiatives.models import Initiative, InitiativeNeed, Offer, RoomBooking
from initiatives.support_forms import (
    InitiativeFilter,
    InitiativeForm,
    InitiativeMessageForm,
    OfferFilter,
    OfferForm,
    SupportAskForm,
)
from mpact.submissions import submit_once

PAGE_SIZE = 20


def _page(request, filterset):
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _open_needs():
    return Prefetch(
        "needs",
        queryset=InitiativeNeed.objects.filter(met_at__isnull=True),
        to_attr="open_needs",
    )


def initiative_list(request):
    """Approved initiatives that still look for support, filterable by kind of support,
    neighbourhood and words. Four queries whatever the number of initiatives."""
    filterset = InitiativeFilter(
        request.GET,
        queryset=Initiative.objects.looking_for_support()
        .select_related("neighbourhood")
        .prefetch_related(_open_needs())
        .order_by("date", "-created_at", "pk"),
    )
    page, querystring = _page(request, filterset)
    return render(
        request,
        "initiatives/initiative_list.html",
        {"filterset": filterset, "page": page, "querystring": querystring},
    )


def offer_list(request):
    """Open offers, filterable by kind, neighbourhood, words and, for rooms, a free date."""
    filterset = OfferFilter(
        request.GET,
        queryset=Offer.objects.offered()
        .select_related("organisation", "neighbourhood")
        .order_by("-created_at", "-pk"),
    )
    page, querystring = _page(request, filterset)
    return render(
        request,
        "initiatives/offer_list.html",
        {"filterset": filterset, "page": page, "querystring": querystring},
    )


def _visible_offer(request, pk) -> Offer:
    """An open offer of an approved organisation for everyone; its organisation's members
    also see it closed."""
    offer = get_object_or_404(Offer.objects.select_related("organisation", "neighbourhood"), pk=pk)
    if offer.status == Offer.Status.OPEN and offer.organisation.is_approved:
        return offer
    if (
        request.user.is_authenticated
        and offer.organisation.memberships.filter(user=request.user).exists()
    ):
        return offer
    raise Http404


def asking_initiatives(user, offer):
    """The person's initiatives with an open need the offer could meet."""
    return Initiative.objects.filter(
        proposer=user,
        pk__in=InitiativeNeed.objects.open().filter(kind=offer.kind).values("initiative_id"),
    )


def offer_detail(request, pk):
    offer = _visible_offer(request, pk)
    ask_form = None
    if request.user.is_authenticated and offer.status == Offer.Status.OPEN:
        initiatives = asking_initiatives(request.user, offer)
        if initiatives.exists():
            ask_form = SupportAskForm(initiatives=initiatives)
    booked = RoomBooking.objects.filter(offer=offer, date__gte=timezone.localdate()).values_list(
        "date", flat=True
    )
    return render(
        request,
        "initiatives/offer_detail.html",
        {"offer": offer, "ask_form": ask_form, "booked": list(booked)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request):
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create():
            try:
                initiative = services.initiative_propose(
                    proposer=request.user, needs=form.needs, **form.cleaned_data_fields()
                )
            except services.SupportError as error:
                form.add_error(None, error.message)
                return None
            messages.success(
                request,
                _("Thank you! A coordinator looks at your initiative and lets you know."),
            )
            return redirect(initiative)

        if response := submit_once(request, form, create):
            return response
    return render(
        request,
        "initiatives/initiative_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _own_initiative(request, pk) -> Initiative:
    return get_object_or_404(Initiative, pk=pk, proposer=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def initiative_edit(request, pk):
    initiative = _own_initiative(request, pk)
    if not initiative.is_editable:
        messages.error(request, _("An initiative that has been reviewed can no longer be changed."))
        return redirect(initiative)
    form = InitiativeForm(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        was_asked = initiative.status == Initiative.Status.CHANGES_REQUESTED
        try:
            services.initiative_update(
                initiative=initiative,
                by=request.user,
                needs=form.needs,
                **form.cleaned_data_fields(),
            )
        except services.SupportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Your changes are saved and sent for review.")
                if was_asked
                else _("Your changes are saved."),
            )
            return redirect(initiative)
    return render(
        request,
        "initiatives/initiative_form.html",
        {"form": form, "initiative": initiative},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def initiative_withdraw(request, pk):
    initiative = _own_initiative(request, pk)
    try:
        services.initiative_withdraw(initiative=initiative, by=request.user)
    except services.SupportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your initiative is withdrawn."))
    return redirect(initiative)


@login_required
@require_POST
def initiative_message(request, pk):
    initiative = _own_initiative(request, pk)
    form = InitiativeMessageForm(request.POST)
    if form.is_valid():
        services.initiative_message(
            initiative=initiative, by=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, _("Your message is sent to the coordinators."))
    else:
        messages.error(request, _("Write a message of at most 2000 characters."))
    return redirect(initiative)


# --- An organisation's offers ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def manage_offer_form(request, slug, pk=None):
    membership = membership_or_404(request, slug)
    offer = (
        get_object_or_404(Offer, pk=pk, organisation=membership.organisation)
        if pk
        else Offer(organisation=membership.organisation)
    )
    form = OfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_save(offer=form.save(commit=False))
        except services.SupportError as error:
            form.add_error("quantity", error.message)
        else:
            messages.success(request, _("Your offer is saved."))
            return redirect("matching:manage_offers", slug=slug)
    return render(
        request,
        "initiatives/manage/offer_form.html",
        {
            "form": form,
            "offer": offer,
            "membership": membership,
            "organisation": membership.organisation,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def manage_offer_status(request, slug, pk):
    membership = membership_or_404(request, slug)
    offer = get_object_or_404(Offer, pk=pk, organisation=membership.organisation)
    status = request.POST.get("status", "")
    try:
        services.offer_set_status(offer=offer, status=status)
    except services.SupportError as error:
        messages.error(request, error.message)
    else:
        done = (
            _("'%(title)s' is offered again.")
            if offer.status == Offer.Status.OPEN
            else _("'%(title)s' is no longer offered.")
        )
        messages.success(request, done % {"title": offer.title})
    return redirect("matching:manage_offers", slug=slug)
