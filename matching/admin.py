"""The coordinators' workplace: the shared intake queue, each request's workflow and
timeline, participants (every view logged), agencies and referrals."""

import logging
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from matching import services
from matching.forms import IntakeForm, OutcomeForm, ReasonForm, ReferralForm
from matching.models import (
    Agency,
    HelpRequest,
    IntakeAssessment,
    MatchRun,
    MatchSuggestion,
    Participant,
    ParticipantView,
    Referral,
    RequestNote,
    StatusChange,
)

logger = logging.getLogger(__name__)


class AgeFilter(admin.SimpleListFilter):
    title = _("waiting since")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("week", _("less than a week")),
            ("month", _("1 to 4 weeks")),
            ("older", _("more than 4 weeks")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        week, month = now - timedelta(days=7), now - timedelta(days=28)
        return {
            "week": lambda: queryset.filter(created_at__gte=week),
            "month": lambda: queryset.filter(created_at__lt=week, created_at__gte=month),
            "older": lambda: queryset.filter(created_at__lt=month),
        }.get(self.value(), lambda: queryset)()


class AssignedFilter(admin.SimpleListFilter):
    title = _("coordinator")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("My requests")), ("nobody", _("Nobody yet"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class SuggestionsFilter(admin.SimpleListFilter):
    title = _("suggested volunteers")
    parameter_name = "suggestions"

    def lookups(self, request, model_admin):
        return [("review", _("To review"))]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(to_review__gt=0)
        return queryset


class StaleFilter(admin.SimpleListFilter):
    title = _("untouched")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Untouched too long"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            from django.conf import settings

            limit = timezone.now() - timedelta(days=settings.HELP_REQUEST_STALE_DAYS)
            return queryset.untouched_since(limit)
        return queryset


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("timeline")

    def has_add_permission(self, request, obj=None):
        return False


class RequestNoteInline(admin.TabularInline):
    model = RequestNote
    extra = 1
    fields = ["created_at", "author", "text"]
    readonly_fields = ["created_at", "author"]
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False  # notes are a log: added, never rewritten


class ReferralInline(admin.TabularInline):
    model = Referral
    extra = 0
    fields = ["agency", "referred_on", "follow_up_on", "reason", "outcome", "outcome_link"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("record the outcome"))
    def outcome_link(self, obj):
        url = reverse("admin:matching_referral_outcome", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Record the outcome"))


class IntakeInline(admin.StackedInline):
    model = IntakeAssessment
    extra = 0
    can_delete = False
    readonly_fields = [name for name, _label in IntakeAssessment.DOMAINS] + [
        "assessed_triage",
        "notes",
        "by",
        "at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


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


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "asker",
        "status",
        "triage",
        "urgency",
        "neighbourhood",
        "assigned_to",
        "created_at",
        "untouched",
        "suggestions_to_review",
    ]
    list_filter = [
        AssignedFilter,
        SuggestionsFilter,
        "status",
        "triage",
        "kind",
        "urgency",
        AgeFilter,
        StaleFilter,
        "neighbourhood__municipality",
        "neighbourhood",
        "assigned_to",
    ]
    search_fields = [
        "description",
        "participant__first_name",
        "participant__last_name",
        "organisation__name",
    ]
    list_select_related = ["participant", "organisation", "neighbourhood", "assigned_to"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "status",
        "triage",
        "triage_override_reason",
        "created_by",
        "created_at",
        "last_activity_at",
        "workflow",
    ]
    autocomplete_fields = ["participant", "organisation", "neighbourhood"]
    filter_horizontal = ["languages"]
    fieldsets = [
        (None, {"fields": ["workflow", "status", "triage", "triage_override_reason"]}),
        (
            _("The request"),
            {
                "fields": [
                    "participant",
                    "organisation",
                    "kind",
                    "description",
                    "languages",
                    "neighbourhood",
                    "availability",
                    "available_slots",
                    "urgency",
                ]
            },
        ),
        (
            _("Handling"),
            {"fields": ["assigned_to", "created_by", "created_at", "last_activity_at"]},
        ),
    ]
    inlines = [IntakeInline, ReferralInline, StatusChangeInline, RequestNoteInline]
    actions = ["assign_to_me", "start_intake", "close_requests"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "available_slots":
            from volunteers.forms import AvailabilityField

            return AvailabilityField(label=db_field.verbose_name, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="#", ordering="pk")
    def number(self, obj):
        return obj.pk

    @admin.display(description=_("asker"))
    def asker(self, obj):
        return obj.asker_name

    @admin.display(description=_("untouched too long"), boolean=True)
    def untouched(self, obj):
        return obj.is_stale()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                to_review=Count(
                    "suggestions", filter=Q(suggestions__status=MatchSuggestion.Status.PROPOSED)
                )
            )
        )

    @admin.display(description=_("suggested volunteers to review"), ordering="to_review")
    def suggestions_to_review(self, obj):
        if not obj.to_review:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:matching_helprequest_suggestions", args=[obj.pk]),
            obj.to_review,
        )

    @admin.display(description=_("next steps"))
    def workflow(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        links = [
            format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:matching_helprequest_workflow", args=[obj.pk, action]),
                WORKFLOW_ACTIONS[action],
            )
            for action in workflow_actions_for(obj)
        ]
        links.append(
            format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:matching_helprequest_suggestions", args=[obj.pk]),
                _("Compare suggested volunteers"),
            )
        )
        return format_html(" ".join(["{}"] * len(links)), *links) if links else "-"

    def save_model(self, request, obj, form, change):
        if not change:
            # Filed by a coordinator for a participant: through the service, so the timeline
            # and the queue start right.
            saved = services.help_request_create(
                participant=obj.participant,
                organisation=obj.organisation,
                kind=obj.kind,
                description=obj.description,
                neighbourhood=obj.neighbourhood,
                availability=obj.availability,
                urgency=obj.urgency,
                languages=form.cleaned_data.get("languages", []),
                by=request.user,
            )
            obj.pk = saved.pk
            obj.refresh_from_db()
            if form.cleaned_data.get("assigned_to"):
                services.help_request_assign(
                    help_request=obj,
                    coordinator=form.cleaned_data["assigned_to"],
                    by=request.user,
                )
            return
        obj.last_activity_at = timezone.now()
        super().save_model(request, obj, form, change)
        # After saving, so the other edits of this save are kept.
        if "assigned_to" in form.changed_data and obj.assigned_to:
            services.help_request_assign(
                help_request=obj, coordinator=obj.assigned_to, by=request.user
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is RequestNote:
            # New notes go through the service: it stamps the author and the request's
            # last-handled time.
            for note in formset.save(commit=False):
                services.help_request_add_note(
                    help_request=form.instance, text=note.text, by=request.user
                )
            return
        super().save_formset(request, form, formset, change)

    def get_urls(self):
        return [
            path(
                "<int:pk>/workflow/<str:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name="matching_helprequest_workflow",
            ),
            path(
                "<int:pk>/suggestions/",
                self.admin_site.admin_view(self.suggestions_view),
                name="matching_helprequest_suggestions",
            ),
            path(
                "referrals/<int:pk>/outcome/",
                self.admin_site.admin_view(self.outcome_view),
                name="matching_referral_outcome",
            ),
            *super().get_urls(),
        ]

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

    @admin.action(description=_("Assign to me"))
    def assign_to_me(self, request, queryset):
        for help_request in queryset:
            services.help_request_assign(
                help_request=help_request, coordinator=request.user, by=request.user
            )
        self.message_user(request, _("Assigned to you."))

    @admin.action(description=_("Start intake"))
    def start_intake(self, request, queryset):
        done = 0
        for help_request in queryset:
            try:
                services.help_request_start_intake(help_request=help_request, by=request.user)
            except services.HelpRequestError as error:
                self.message_user(request, f"#{help_request.pk}: {error.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(
            request, ngettext("%d request in intake.", "%d requests in intake.", done) % done
        )

    @admin.action(description=_("Close (asks for a reason)"))
    def close_requests(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for help_request in queryset:
                try:
                    services.help_request_close(
                        help_request=help_request,
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                    )
                except services.HelpRequestError as error:
                    self.message_user(
                        request, f"#{help_request.pk}: {error.message}", messages.WARNING
                    )
                else:
                    done += 1
            self.message_user(
                request, ngettext("%d request closed.", "%d requests closed.", done) % done
            )
            return None
        return TemplateResponse(
            request,
            "admin/matching/close_requests.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Close help requests"),
                "queryset": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class ParticipantViewInline(admin.TabularInline):
    model = ParticipantView
    extra = 0
    can_delete = False
    fields = ["viewed_at", "viewer"]
    readonly_fields = fields
    verbose_name_plural = _("who viewed this record")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("viewer")


class HelpRequestOfParticipantInline(admin.TabularInline):
    model = HelpRequest
    extra = 0
    can_delete = False
    fields = ["kind", "status", "triage", "created_at", "assigned_to"]
    readonly_fields = fields
    show_change_link = True
    fk_name = "participant"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "situation",
        "neighbourhood",
        "dutch_level",
        "requests",
        "created_at",
    ]
    list_filter = ["situation", "neighbourhood__municipality", "dutch_level", "consent_method"]
    search_fields = ["first_name", "last_name", "phone", "email"]
    autocomplete_fields = ["neighbourhood", "user"]
    filter_horizontal = ["languages"]
    readonly_fields = ["created_by", "created_at", "consent_at"]
    inlines = [HelpRequestOfParticipantInline, ParticipantViewInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("neighbourhood")
            .annotate(request_count=Count("help_requests"))
        )

    @admin.display(description=_("requests"), ordering="request_count")
    def requests(self, obj):
        return obj.request_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        participant = self.get_object(request, object_id)
        if participant is not None and self.has_view_or_change_permission(request, participant):
            services.participant_view_log(participant=participant, viewer=request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if obj.consent_given and obj.consent_at is None:
            obj.consent_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "email", "is_active", "open_referrals"]
    list_filter = ["kind", "is_active", "neighbourhoods__municipality", "languages"]
    search_fields = ["name", "description", "email"]
    filter_horizontal = ["neighbourhoods", "languages"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_count=Count("referral", filter=Q(referral__outcome="")))
        )

    @admin.display(description=_("referrals without outcome"), ordering="open_count")
    def open_referrals(self, obj):
        return obj.open_count


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["help_request", "agency", "referred_on", "follow_up_on", "has_outcome"]
    list_filter = ["agency__kind", "agency", ("outcome", admin.EmptyFieldListFilter)]
    date_hierarchy = "follow_up_on"
    list_select_related = ["agency", "help_request__participant", "help_request__organisation"]
    readonly_fields = [
        "help_request",
        "agency",
        "reason",
        "referred_on",
        "follow_up_on",
        "by",
        "outcome",
        "outcome_recorded_at",
    ]
    fields = readonly_fields  # the outcome is recorded from the request's page (the service)

    def has_add_permission(self, request):
        return False  # referrals are made from a request's page, through the workflow

    @admin.display(description=_("outcome recorded"), boolean=True)
    def has_outcome(self, obj):
        return bool(obj.outcome)


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "trigger",
        "status",
        "candidates",
        "suggestions",
        "total_score",
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
