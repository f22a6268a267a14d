"""The comparison screen: the volunteers suggested for one request, side by side."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from matching import services
from matching.models import (
    HelpRequest,
    MatchRun,
    MatchSuggestion,
)


class SuggestionComparison:
    """HelpRequestAdmin's comparison screen (its get_urls names it)."""

    def suggestions_view(self, request, pk):
        """The volunteers suggested for one request side by side, best first, with the
        reasons; approve one or reject with a reason, or start a new run."""
        from matching.suggestions import suggestion_approve, suggestion_reject

        help_request = get_object_or_404(
            HelpRequest.objects.select_related("participant", "neighbourhood"), pk=pk
        )
        if not (
            self.has_change_permission(request, help_request)
            and request.user.has_perm("matching.change_matchsuggestion")
        ):
            raise PermissionDenied
        suggestions = (
            help_request.suggestions.select_related("volunteer__neighbourhood", "decided_by", "run")
            .annotate(
                # What else the volunteer has in play: offers and matches for other requests.
                elsewhere=Count(
                    "volunteer__suggestions",
                    filter=Q(
                        volunteer__suggestions__status__in=MatchSuggestion.ACTIVE,
                        volunteer__suggestions__help_request__isnull=False,
                    )
                    & ~Q(volunteer__suggestions__help_request=help_request),
                )
            )
            .order_by("-score", "pk")
        )
        if request.method == "POST":
            chosen = request.POST.get("suggestion", "")
            suggestion = get_object_or_404(suggestions, pk=int(chosen) if chosen.isdigit() else 0)
            try:
                if request.POST.get("decision") == "approve":
                    suggestion_approve(suggestion=suggestion, by=request.user)
                    self.message_user(
                        request,
                        _("Offered to %(volunteer)s; they have been told.")
                        % {"volunteer": suggestion.volunteer},
                    )
                else:
                    suggestion_reject(
                        suggestion=suggestion,
                        by=request.user,
                        reason=request.POST.get("reason", ""),
                    )
                    self.message_user(request, _("Rejected; this pair is not suggested again."))
            except services.HelpRequestError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                return redirect(request.path)
        return TemplateResponse(
            request,
            "admin/matching/suggestions.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Suggested volunteers"),
                "help_request": help_request,
                "suggestions": suggestions,
                "opts": self.model._meta,
                "back": reverse("admin:matching_helprequest_change", args=[pk]),
                "last_run": MatchRun.objects.first(),
            },
            status=400 if request.method == "POST" else 200,
        )
