"""A request's workflow pages in the admin: one page per step (start intake, the intake
and triage, referral, reopening, closing), and a referral's outcome."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from matching import services
from matching.forms import IntakeForm, OutcomeForm, ReasonForm, ReferralForm
from matching.models import (
    HelpRequest,
    Referral,
)

# The workflow steps coordinators take in the admin (HelpRequest.STEPS says when each can be
# taken), with their buttons' labels; assigning is not a step and can be done at any time.
WORKFLOW_ACTIONS = {
    "start-intake": _("Start intake"),
    "intake": _("Do the intake"),
    "refer": _("Refer to an agency"),
    "reopen": _("Open for matching again"),
    "close": _("Close"),
    "assign-me": _("Assign to me"),
}
ANY_TIME = {"assign-me"}


def workflow_actions_for(help_request) -> list[str]:
    """The admin's workflow actions this request can take now."""
    steps = set(help_request.next_steps()) | ANY_TIME
    return [action for action in WORKFLOW_ACTIONS if action in steps]


class WorkflowPages:
    """HelpRequestAdmin's workflow pages (its get_urls names them)."""

    def workflow_view(self, request, pk, action):
        """The workflow steps, each through its service function."""
        help_request = get_object_or_404(HelpRequest, pk=pk)
        if not self.has_change_permission(request, help_request):
            raise PermissionDenied
        back = reverse("admin:matching_helprequest_change", args=[pk])
        user = request.user
        simple = {
            "start-intake": lambda: services.help_request_start_intake(
                help_request=help_request, by=user
            ),
            "assign-me": lambda: services.help_request_assign(
                help_request=help_request, coordinator=user, by=user
            ),
        }
        forms = {
            "intake": (IntakeForm, _("Intake and triage")),
            "refer": (ReferralForm, _("Refer to an agency")),
            "close": (ReasonForm, _("Close the request")),
            "reopen": (ReasonForm, _("Open for matching again")),
        }
        if action not in simple and action not in forms:
            return redirect(back)
        if action in simple:
            if request.method == "POST":
                try:
                    simple[action]()
                except services.HelpRequestError as error:
                    self.message_user(request, error.message, messages.ERROR)
                else:
                    self.message_user(request, _("Done."))
                return redirect(back)
            title = WORKFLOW_ACTIONS[action]
            form = None  # a confirmation page with one button
        else:
            form_class, title = forms[action]
            form = form_class(request.POST if request.method == "POST" else None)
            if request.method == "POST" and form.is_valid():
                try:
                    self._apply(action, help_request, form, user)
                except services.HelpRequestError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(request, _("Done."))
                    return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "help_request": help_request,
            "form": form,
            "opts": self.model._meta,
            "back": back,
        }
        return TemplateResponse(
            request,
            "admin/matching/workflow_step.html",
            context,
            status=400 if request.method == "POST" else 200,
        )

    def _apply(self, action, help_request, form, user):
        data = form.cleaned_data
        if action == "intake":
            services.help_request_complete_intake(
                help_request=help_request,
                scores=form.scores(),
                triage=data["triage"],
                override_reason=data["override_reason"],
                notes=data["notes"],
                by=user,
            )
        elif action == "refer":
            services.help_request_refer(
                help_request=help_request,
                agency=data["agency"],
                reason=data["reason"],
                follow_up_on=data["follow_up_on"],
                by=user,
            )
        elif action == "close":
            services.help_request_close(help_request=help_request, reason=data["reason"], by=user)
        elif action == "reopen":
            services.help_request_reopen(help_request=help_request, reason=data["reason"], by=user)

    def outcome_view(self, request, pk):
        referral = get_object_or_404(Referral.objects.select_related("agency"), pk=pk)
        if not self.has_change_permission(request, referral.help_request):
            raise PermissionDenied
        back = reverse("admin:matching_helprequest_change", args=[referral.help_request_id])
        form = OutcomeForm(
            request.POST if request.method == "POST" else None,
            initial={"outcome": referral.outcome},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.referral_record_outcome(
                    referral=referral, outcome=form.cleaned_data["outcome"], by=request.user
                )
            except services.HelpRequestError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("The outcome is recorded."))
                return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Outcome of the referral to %(agency)s") % {"agency": referral.agency},
            "help_request": referral.help_request,
            "form": form,
            "opts": self.model._meta,
            "back": back,
        }
        return TemplateResponse(request, "admin/matching/workflow_step.html", context)
