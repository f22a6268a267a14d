"""The shared intake queue: help requests, their timeline, intake and referrals inline, and
the actions coordinators take on many at once."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from matching import services, support
from matching.admin.comparison import SuggestionComparison
from matching.admin.filters import AgeFilter, AssignedFilter, StaleFilter, SuggestionsFilter
from matching.admin.support import SupportMatchInline
from matching.admin.workflow import WORKFLOW_ACTIONS, WorkflowPages, workflow_actions_for
from matching.forms import ReasonForm
from matching.models import (
    HelpRequest,
    IntakeAssessment,
    MatchSuggestion,
    Referral,
    RequestNote,
    StatusChange,
)


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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text" and formfield is not None:
            # A tabular inline labels its columns, not its fields: the new note's box is named
            # by the column's name, as a screen reader would otherwise announce a bare box.
            formfield.widget.attrs["aria-label"] = capfirst(db_field.verbose_name)
        return formfield


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


@admin.register(HelpRequest)
class HelpRequestAdmin(WorkflowPages, SuggestionComparison, admin.ModelAdmin):
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

    def get_inlines(self, request, obj):
        # A request for goods is paired with organisations' offers (matching.support).
        if obj is not None and obj.kind == HelpRequest.Kind.GOODS:
            return [*self.inlines, SupportMatchInline]
        return self.inlines

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A request for goods gets "Find goods offers" among the page's tools
        # (templates/admin/matching/helprequest/change_form.html).
        help_request = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if help_request is not None and help_request.kind == HelpRequest.Kind.GOODS:
            extra_context["goods_offers_url"] = reverse(
                "admin:matching_helprequest_goods_offers", args=[help_request.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def goods_offers_view(self, request, pk):
        """'Find goods offers': the support matching runs now (matching.support.support_suggest)
        and says how many offers it paired with this request."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        help_request = get_object_or_404(HelpRequest, pk=pk)
        if not self.has_change_permission(request, help_request):
            raise PermissionDenied
        back = reverse("admin:matching_helprequest_change", args=[pk])
        if help_request.kind != HelpRequest.Kind.GOODS:
            self.message_user(
                request, _("Only a request for goods is paired with offers."), messages.ERROR
            )
            return redirect(back)
        if not support.open_goods_requests().filter(pk=pk).exists():
            self.message_user(
                request,
                _(
                    "Offers are looked for while the request is open for matching and has a "
                    "neighbourhood; this one is not."
                ),
                messages.WARNING,
            )
            return redirect(back)
        before = set(help_request.support_matches.values_list("pk", flat=True))
        support.support_suggest()
        made = help_request.support_matches.exclude(pk__in=before).count()
        if made:
            self.message_user(
                request,
                ngettext(
                    "%(count)d goods offer suggested for this request.",
                    "%(count)d goods offers suggested for this request.",
                    made,
                )
                % {"count": made},
            )
        else:
            self.message_user(
                request, _("No new goods offers found for this request."), messages.WARNING
            )
        return redirect(back)

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
                "<int:pk>/goods-offers/",
                self.admin_site.admin_view(self.goods_offers_view),
                name="matching_helprequest_goods_offers",
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
