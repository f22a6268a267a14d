"""Trajectories in the admin: the standard goals, every trajectory with overdue ones first
(a filter and the default order), their goals and check-ins, the steps (complete, pause,
resume, end early with a reason), the certificate to print; and success stories to approve."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from matching import trajectories
from matching.forms import ReasonForm
from matching.models import CheckIn, Goal, SuccessStory, Trajectory, TrajectoryGoal
from mpact.forms import ModelForm


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["name_nl", "name_en"]


class OverdueFilter(admin.SimpleListFilter):
    title = _("check-in")
    parameter_name = "check_in"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("due", _("Due")), ("on_time", _("On time"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        running = queryset.filter(status=Trajectory.Status.RUNNING)
        if self.value() == "overdue":
            return running.filter(overdue_on__lte=today)
        if self.value() == "due":
            return running.filter(next_check_in_on__lte=today, overdue_on__gt=today)
        if self.value() == "on_time":
            return running.filter(next_check_in_on__gt=today)
        return queryset


class TrajectoryGoalInline(admin.TabularInline):
    model = TrajectoryGoal
    extra = 1
    fields = ["goal", "own_words", "score"]


class CheckInInline(admin.TabularInline):
    model = CheckIn
    extra = 0
    can_delete = False
    fields = ["held_on", "how_it_went", "note", "by"]
    readonly_fields = fields
    verbose_name_plural = _("check-ins (the guide logs them on their page)")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class TrajectoryForm(ModelForm):
    """Enrolling: the planned end defaults to TRAJECTORY_MONTHS after the start."""

    class Meta:
        model = Trajectory
        fields = [
            "participant",
            "kind",
            "guide_volunteer",
            "guide_staff",
            "suggestion",
            "starts_on",
            "ends_on",
            "certificate_language",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "ends_on" in self.fields:
            self.fields["ends_on"].required = False
            self.fields["ends_on"].help_text = _("Empty: %(months)s months after the start.") % {
                "months": settings.TRAJECTORY_MONTHS
            }

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and not ends_on and "ends_on" in self.fields:
            data["ends_on"] = trajectories.add_months(starts_on, settings.TRAJECTORY_MONTHS)
            self.instance.ends_on = data["ends_on"]
        return data


@admin.register(Trajectory)
class TrajectoryAdmin(admin.ModelAdmin):
    form = TrajectoryForm
    list_display = [
        "participant",
        "guide",
        "kind",
        "status",
        "starts_on",
        "ends_on",
        "next_check_in_on",
        "overdue",
        "certificate",
    ]
    list_filter = [OverdueFilter, "status", "kind"]
    list_select_related = ["participant", "guide_volunteer__user", "guide_staff"]
    search_fields = ["participant__first_name", "participant__last_name"]
    autocomplete_fields = ["participant", "guide_volunteer", "guide_staff"]
    raw_id_fields = ["suggestion"]
    inlines = [TrajectoryGoalInline, CheckInInline]
    actions = ["complete", "pause", "resume"]
    date_hierarchy = None

    def get_readonly_fields(self, request, obj=None):
        fixed = ["status", "end_reason", "next_check_in_on", "overdue_on", "completed_at"]
        if obj is not None:  # who it is for and who guides are set when it starts
            fixed += ["participant", "kind", "guide_volunteer", "guide_staff", "suggestion"]
            fixed += ["starts_on", "certificate"]
        return fixed

    def get_queryset(self, request):
        # Overdue first, the longest overdue on top (TrajectoryQuerySet.overdue_first).
        return super().get_queryset(request).overdue_first()

    def get_ordering(self, request):
        return []  # the queryset's order: overdue first

    @admin.display(description=_("guide"))
    def guide(self, obj):
        return obj.guide_name

    @admin.display(description=_("check-in overdue"), boolean=True, ordering="-overdue_rank")
    def overdue(self, obj):
        return bool(obj.overdue_rank)

    @admin.display(description=_("certificate"))
    def certificate(self, obj):
        if obj.status != Trajectory.Status.COMPLETED:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:matching_trajectory_certificate", args=[obj.pk]),
            _("Print"),
            trajectories.trajectory_url(obj),
            _("participant's link"),
        )

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        data = form.cleaned_data
        guide = data.get("guide_volunteer") or data.get("guide_staff")
        if data.get("suggestion"):
            created = trajectories.trajectory_start_from_match(
                suggestion=data["suggestion"],
                by=request.user,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        else:
            created = trajectories.trajectory_enrol(
                participant=data["participant"],
                guide=guide,
                by=request.user,
                kind=data["kind"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        if data.get("certificate_language"):
            Trajectory.objects.filter(pk=created.pk).update(
                certificate_language=data["certificate_language"]
            )
        obj.pk = created.pk
        obj._state.adding = False
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if not k.startswith("_")})

    def get_urls(self):
        return [
            path(
                "<int:pk>/certificate/",
                self.admin_site.admin_view(self.certificate_view),
                name="matching_trajectory_certificate",
            ),
            path(
                "<int:pk>/end-early/",
                self.admin_site.admin_view(self.end_early_view),
                name="matching_trajectory_end_early",
            ),
            *super().get_urls(),
        ]

    def certificate_view(self, request, pk):
        from matching.trajectory_views import certificate_response

        trajectory = get_object_or_404(Trajectory.objects.select_related("participant"), pk=pk)
        if not self.has_view_permission(request, trajectory):
            raise PermissionDenied
        try:
            return certificate_response(trajectory, request.GET.get("taal", ""))
        except trajectories.TrajectoryError as error:
            self.message_user(request, error.message, messages.ERROR)
            return redirect("admin:matching_trajectory_change", pk)

    def end_early_view(self, request, pk):
        trajectory = get_object_or_404(Trajectory.objects.select_related("participant"), pk=pk)
        if not self.has_change_permission(request, trajectory):
            raise PermissionDenied
        back = reverse("admin:matching_trajectory_change", args=[pk])
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                trajectories.trajectory_end_early(
                    trajectory=trajectory, by=request.user, reason=form.cleaned_data["reason"]
                )
            except trajectories.TrajectoryError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("The trajectory has ended."))
                return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": _("End the trajectory early"),
            "trajectory": trajectory,
            "form": form,
            "opts": self.model._meta,
            "back": back,
        }
        return TemplateResponse(
            request,
            "admin/matching/trajectory_end_early.html",
            context,
            status=400 if request.method == "POST" else 200,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The change form's object tools link to the end-early page while the trajectory is
        # running or paused (templates/admin/matching/trajectory/change_form.html).
        extra_context = extra_context or {}
        extra_context["end_early_url"] = reverse(
            "admin:matching_trajectory_end_early", args=[object_id]
        )
        extra_context["ends_early_from"] = trajectories.ENDS_EARLY_FROM
        return super().change_view(request, object_id, form_url, extra_context)

    def _step(self, request, queryset, step, done):
        moved = 0
        for trajectory in queryset:
            try:
                step(trajectory=trajectory, by=request.user)
            except trajectories.TrajectoryError as error:
                self.message_user(request, f"{trajectory}: {error.message}", messages.WARNING)
            else:
                moved += 1
        if moved:
            self.message_user(request, done)

    @admin.action(description=_("Complete (the participant gets the certificate)"))
    def complete(self, request, queryset):
        self._step(request, queryset, trajectories.trajectory_complete, _("Completed."))

    @admin.action(description=_("Pause"))
    def pause(self, request, queryset):
        self._step(request, queryset, trajectories.trajectory_pause, _("Paused."))

    @admin.action(description=_("Resume"))
    def resume(self, request, queryset):
        self._step(request, queryset, trajectories.trajectory_resume, _("Running again."))


@admin.register(SuccessStory)
class SuccessStoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "trajectory", "shown_as", "created_at", "approved_at"]
    list_filter = [("approved_at", admin.EmptyFieldListFilter), "shown_as"]
    list_select_related = ["trajectory__participant"]
    readonly_fields = ["trajectory", "consent", "written_by", "created_at", "approved_at"]
    readonly_fields += ["approved_by"]
    fields = ["trajectory", "text", "shown_as", "consent", "written_by", "created_at"]
    fields += ["approved_at", "approved_by"]
    actions = ["approve"]

    def has_add_permission(self, request):
        return False  # written by the buddy or the participant, with consent

    @admin.action(description=_("Approve: show on the public site"))
    def approve(self, request, queryset):
        for story in queryset:
            trajectories.story_approve(story=story, by=request.user)
        self.message_user(request, _("Approved."))
