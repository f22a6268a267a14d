from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from initiatives.access import membership_or_404
from matching import digests, services, suggestions
from matching.forms import GuestContactForm, HelpRequestForm, OrganisationHelpRequestForm
from matching.models import HelpRequest, MatchSuggestion
from mpact.submissions import submit_once


@require_http_methods(["GET", "POST"])
def help_request_create(request):
    """Ask for help, logged in or not; a guest leaves a first name and a way to reach them."""
    data = request.POST if request.method == "POST" else None
    form = HelpRequestForm(data)
    contact = None if request.user.is_authenticated else GuestContactForm(data)

    def create():
        try:
            with transaction.atomic():
                if contact is None:
                    participant = services.participant_for_user(request.user)
                else:
                    participant = services.guest_participant_create(
                        first_name=contact.cleaned_data["first_name"],
                        phone=contact.cleaned_data["phone"],
                        email=contact.cleaned_data["email"],
                    )
                help_request = services.help_request_create(
                    participant=participant,
                    languages=form.cleaned_data["languages"],
                    by=request.user,
                    **{
                        field: form.cleaned_data[field]
                        for field in [
                            "kind",
                            "description",
                            "neighbourhood",
                            "availability",
                            "urgency",
                        ]
                    },
                )
        except services.HelpRequestError as error:
            form.add_error(None, error)
            return None
        messages.success(
            request,
            _(
                "Thank you. A coordinator will contact you. Keep this page: its address "
                "shows how your request is doing."
            ),
        )
        return redirect("matching:help_request_status", token=services.status_token(help_request))

    if request.method == "POST" and form.is_valid() and (contact is None or contact.is_valid()):
        if response := submit_once(request, form, create):
            return response
    return render(
        request,
        "matching/help_request_form.html",
        {"form": form, "contact": contact},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def help_request_status(request, token):
    """What the asker may see of their request: its status and the dates it moved, not the
    coordinators' notes or reasons."""
    try:
        help_request = services.help_request_from_token(token)
    except services.HelpRequestError as error:
        return render(request, "initiatives/link_invalid.html", {"error": error}, status=400)
    error = None
    if request.method == "POST":
        try:
            services.help_request_withdraw(
                help_request=help_request,
                by=request.user if request.user.is_authenticated else None,
            )
        except services.HelpRequestError as exc:
            error = exc
        else:
            messages.success(request, _("Your request is withdrawn."))
            return redirect(request.path)
    return render(
        request,
        "matching/help_request_status.html",
        {
            "help_request": help_request,
            "steps": help_request.status_changes.only("to_status", "at"),
            "can_withdraw": help_request.can_become(HelpRequest.Status.WITHDRAWN),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def my_help_requests(request):
    rows = HelpRequest.objects.filter(participant__user=request.user).order_by("-created_at")
    return render(
        request,
        "matching/my_help_requests.html",
        {"rows": [(row, services.status_token(row)) for row in rows]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_help_request(request, slug):
    membership = membership_or_404(request, slug)
    form = OrganisationHelpRequestForm(request.POST if request.method == "POST" else None)

    def create():
        services.help_request_create(
            organisation=membership.organisation, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Your request is sent to the coordinators."))
        return redirect("initiatives:manage_dashboard", slug=slug)

    if request.method == "POST" and form.is_valid():
        return submit_once(request, form, create)
    return render(
        request,
        "matching/organisation_help_request.html",
        {"form": form, "membership": membership, "organisation": membership.organisation},
        status=400 if request.method == "POST" else 200,
    )


def _answer_page(request, suggestion):
    """The volunteer's view of a match offered to them, and their answer. They see the
    person's first name, languages, neighbourhood and request text, and nothing more."""
    if suggestion.volunteer.user_id != request.user.pk or suggestion.help_request_id is None:
        raise Http404
    error = None
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                suggestions.suggestion_accept(suggestion=suggestion, user=request.user)
                messages.success(request, _("Thank you! The coordinator will put you in touch."))
            elif answer == "decline":
                suggestions.suggestion_decline(suggestion=suggestion, user=request.user)
                messages.success(request, _("Thank you for letting us know."))
            else:
                raise services.HelpRequestError(_("Choose yes or no."), code="answer")
        except services.HelpRequestError as exc:
            error = exc
        else:
            return redirect("matching:suggestion_detail", pk=suggestion.pk)
    help_request = suggestion.help_request
    participant = help_request.participant
    return render(
        request,
        "matching/suggestion_answer.html",
        {
            "suggestion": suggestion,
            "first_name": participant.first_name,
            "languages": participant.languages.all(),
            "neighbourhood": help_request.neighbourhood or participant.neighbourhood,
            "request_text": help_request.description,
            "kind": help_request.get_kind_display(),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_answer(request, token):
    """The signed link in the e-mail that offers the match."""
    try:
        suggestion = suggestions.suggestion_from_token(token)
    except services.HelpRequestError as error:
        return render(request, "initiatives/link_invalid.html", {"error": error}, status=400)
    return _answer_page(request, suggestion)


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_detail(request, pk):
    """The same, from the volunteer's own page (only offers a coordinator approved)."""
    suggestion = get_object_or_404(
        MatchSuggestion.objects.select_related(
            "help_request__participant", "volunteer__user"
        ).exclude(status__in=[MatchSuggestion.Status.PROPOSED, MatchSuggestion.Status.REJECTED]),
        pk=pk,
    )
    return _answer_page(request, suggestion)


@login_required
@require_POST
def opportunity_suggestion_decline(request, pk):
    """'Not for me' on a suggested opportunity."""
    suggestion = get_object_or_404(
        MatchSuggestion.objects.select_related("volunteer"),
        pk=pk,
        opportunity__isnull=False,
        volunteer__user=request.user,
    )
    try:
        suggestions.opportunity_suggestion_decline(suggestion=suggestion, user=request.user)
    except services.HelpRequestError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("We will not suggest this one to you again."))
    return redirect(reverse("volunteer_dashboard") + "#for-you")


@require_http_methods(["GET", "POST"])
def opportunity_email_off(request, token):
    """Switch the weekly 'opportunities for you' e-mail off from the link in it; no login
    needed, and a click (a POST) rather than just opening the link, which mail scanners do."""
    try:
        profile = digests.opportunity_email_profile(token=token)
    except services.HelpRequestError as error:
        return render(request, "initiatives/link_invalid.html", {"error": error}, status=400)
    if request.method == "POST":
        digests.opportunity_email_off(profile=profile)
    return render(
        request,
        "matching/opportunity_email_off.html",
        {"done": request.method == "POST", "profile": profile},
    )
