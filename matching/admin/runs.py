"""Matching runs ('run the matching now') and the suggestions they made."""

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from matching import services
from matching.forms import ReasonForm
from matching.models import (
    MatchRun,
    MatchSuggestion,
)

logger = logging.getLogger(__name__)


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "trigger",
        "status",
        "suggestions",
        "total_score",
        "bound",
        "pricing_rounds",
        "pairs_priced",
        "seconds",
    ]
    list_filter = ["status", "trigger"]
    readonly_fields = [field.name for field in MatchRun._meta.fields]
    change_list_template = "admin/matching/matchrun/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "start/",
                self.admin_site.admin_view(self.start_view),
                name="matching_matchrun_start",
            ),
            *super().get_urls(),
        ]

    def start_view(self, request):
        """'Run now': the worker runs the matching at once (refused while one is running)."""
        from matching.tasks import run_matching

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("matching.change_matchsuggestion"):
            raise PermissionDenied
        if MatchRun.objects.filter(status=MatchRun.Status.RUNNING).exists():
            self.message_user(
                request, _("A run is going on; wait until it is done."), messages.WARNING
            )
        else:
            try:
                run_matching.delay(trigger=MatchRun.Trigger.MANUAL, by_id=request.user.pk)
            except Exception:  # the broker cannot be reached: say so, the nightly run remains
                logger.exception("Could not hand a matching run to the worker")
                self.message_user(
                    request,
                    _("The worker cannot be reached; try again in a few minutes."),
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("The run has started. It shows here when it is done; refresh in a minute."),
                )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("admin:matching_matchrun_changelist")
        return redirect(back or reverse("admin:matching_matchrun_changelist"))


@admin.register(MatchSuggestion)
class MatchSuggestionAdmin(admin.ModelAdmin):
    """Compare the alternatives per request (filter on the request, sorted by score) and
    approve or reject them; the volunteer then answers on the site."""

    list_display = ["need", "volunteer", "score", "why", "status", "created_at"]
    list_filter = ["status", ("opportunity", admin.EmptyFieldListFilter)]
    search_fields = [
        "help_request__description",
        "opportunity__title",
        "volunteer__display_name",
    ]
    list_select_related = [
        "help_request__participant",
        "help_request__organisation",
        "opportunity",
        "volunteer",
    ]
    ordering = ["help_request", "opportunity", "-score"]
    readonly_fields = [field.name for field in MatchSuggestion._meta.fields]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("for"))
    def need(self, obj):
        return obj.need

    @admin.display(description=_("reasons"))
    def why(self, obj):
        return ", ".join(obj.reason_words)

    @admin.action(description=_("Approve: offer to the volunteer"))
    def approve(self, request, queryset):
        from matching.suggestions import suggestion_approve

        for suggestion in queryset.select_related("volunteer__user", "help_request__participant"):
            try:
                suggestion_approve(suggestion=suggestion, by=request.user)
            except services.HelpRequestError as error:
                self.message_user(request, f"{suggestion}: {error.message}", messages.WARNING)
        self.message_user(request, _("Done."))

    @admin.action(description=_("Reject (asks for a reason)"))
    def reject(self, request, queryset):
        from matching.suggestions import suggestion_reject

        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            for suggestion in queryset:
                try:
                    suggestion_reject(
                        suggestion=suggestion, by=request.user, reason=form.cleaned_data["reason"]
                    )
                except services.HelpRequestError as error:
                    self.message_user(request, f"{suggestion}: {error.message}", messages.WARNING)
            self.message_user(request, _("Done."))
            return None
        return TemplateResponse(
            request,
            "admin/matching/close_requests.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject suggestions"),
                "queryset": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "action_name": "reject",
            },
        )
