from datetime import datetime

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from initiatives import services
from initiatives.forms import (
    BaseTranslationFormSet,
    ContentTranslationForm,
    SeriesForm,
    SessionMessageForm,
)
from initiatives.models import (
    Activity,
    ActivityTranslation,
    HoursEntry,
    Invitation,
    Membership,
    Opportunity,
    OpportunityTranslation,
    Organisation,
    Response,
    Session,
    SignUp,
    WalkIn,
    translation_languages,
)
from mpact.exports import csv_response


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "approved_at", "created_at"]
    list_filter = ["kind", ("approved_at", admin.EmptyFieldListFilter), "neighbourhoods"]
    search_fields = ["name", "email", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["neighbourhoods"]
    inlines = [MembershipInline]
    actions = ["approve"]

    @admin.action(description=_("Approve selected organisations"))
    def approve(self, request, queryset):
        count = sum(
            services.organisation_approve(organisation=organisation, by=request.user)
            for organisation in queryset.filter(approved_at__isnull=True)
        )
        self.message_user(
            request,
            ngettext("%d organisation approved.", "%d organisations approved.", count) % count,
        )


class TranslationInline(admin.StackedInline):
    """The title and description in the other languages of the site, as the organisation's
    own pages offer them (initiatives/forms.py): a row per language not translated yet."""

    form = ContentTranslationForm
    formset = BaseTranslationFormSet
    fields = ["language", "title", "description"]

    def get_max_num(self, request, obj=None, **kwargs):
        return len(translation_languages())


class TranslationsKeptMixin:
    """A change form sent without the translation rows (a page opened before they existed)
    leaves the translations as they are, as the organisation's pages do."""

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        data = kwargs.get("data")
        if isinstance(inline, TranslationInline) and data is not None:
            if f"{prefix}-TOTAL_FORMS" not in data:
                data = kwargs["data"] = data.copy()
                data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        return kwargs


class ActivityTranslationInline(TranslationInline):
    model = ActivityTranslation


class OpportunityTranslationInline(TranslationInline):
    model = OpportunityTranslation


class SessionInline(admin.TabularInline):
    model = Session
    extra = 1
    fields = ["starts_at", "ends_at", "capacity", "seats_taken", "is_cancelled"]
    readonly_fields = ["seats_taken"]


def _session_save(model_admin, request, session):
    """Every session edit in the admin goes through the one service (capacity checked under
    lock, waiting list promoted, next-session date and public pages kept), and says who moved
    up from the waiting list."""
    try:
        promoted = services.session_save(session=session)
    except services.SignUpError as error:  # a sign-up came in since the form was opened
        model_admin.message_user(request, error.message, level=messages.ERROR)
        return
    if promoted:
        model_admin.message_user(
            request,
            ngettext(
                "%d person moved up from the waiting list.",
                "%d people moved up from the waiting list.",
                len(promoted),
            )
            % len(promoted),
        )


@admin.register(Activity)
class ActivityAdmin(TranslationsKeptMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "audience", "organisation", "neighbourhood", "status"]
    list_filter = ["status", "kind", "audience", "neighbourhood__municipality", "languages"]
    search_fields = ["title", "description", "organisation__name", "address"]
    list_select_related = ["organisation", "neighbourhood"]
    autocomplete_fields = ["organisation", "neighbourhood"]
    filter_horizontal = ["languages"]
    inlines = [SessionInline, ActivityTranslationInline]
    date_hierarchy = "created_at"
    actions = ["plan_series"]

    @admin.action(description=_("Plan a series of sessions"))
    def plan_series(self, request, queryset):
        """A weekly or two-weekly series for one activity (services.sessions_generate), as the
        organisation's own pages offer it."""
        if queryset.count() != 1:
            self.message_user(request, _("Choose one activity."), level=messages.WARNING)
            return None
        activity = queryset.get()
        form = SeriesForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            data = form.cleaned_data
            start = data["first_start"]
            try:
                sessions = services.sessions_generate(
                    activity=activity,
                    first_start=start,
                    duration=datetime.combine(start.date(), data["end_time"])
                    - datetime.combine(start.date(), start.time()),
                    every_weeks=data["every_weeks"],
                    count=data["count"],
                    until=data["until"],
                    capacity=data["capacity"],
                )
            except services.TalkError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d session is planned.",
                        "%(count)d sessions are planned.",
                        len(sessions),
                    )
                    % {"count": len(sessions)},
                    messages.SUCCESS,
                )
                return None
        return TemplateResponse(
            request,
            "admin/initiatives/plan_series.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Plan a series of sessions"),
                "activity": activity,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
            status=400 if "apply" in request.POST else 200,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        # The sessions rows: saved and deleted through the session service, like everywhere.
        for session in formset.save(commit=False):
            _session_save(self, request, session)
        for session in formset.deleted_objects:
            services.session_delete(session=session)
        formset.save_m2m()


def _signups_csv(filename, signups):
    header = [
        _("Activity"),
        _("Session"),
        _("Name"),
        _("E-mail address"),
        _("Status"),
        _("Signed up"),
        _("Attended"),
    ]
    rows = (
        [
            signup.session.activity.title,
            timezone.localtime(signup.session.starts_at).strftime("%Y-%m-%d %H:%M"),
            signup.name,
            signup.email,
            signup.get_status_display(),
            timezone.localtime(signup.created_at).strftime("%Y-%m-%d %H:%M"),
            {True: _("yes"), False: _("no"), None: ""}[signup.attended],
        ]
        for signup in signups
    )
    return csv_response(filename, header, rows)


class SignUpInline(admin.TabularInline):
    model = SignUp
    extra = 0
    fields = ["name", "email", "status", "created_at", "attended"]
    readonly_fields = ["name", "email", "status", "created_at"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # sign-ups go through the sign-up service, which keeps places right


class WalkInInline(admin.TabularInline):
    """People who came without signing up (the host's attendance register, issue 14)."""

    model = WalkIn
    extra = 0
    fields = ["first_name", "age_group", "first_time", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_at", "capacity", "confirmed", "waiting", "is_cancelled"]
    list_filter = ["is_cancelled", "activity__kind", "activity__neighbourhood__municipality"]
    search_fields = ["activity__title"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["activity"]
    readonly_fields = ["seats_taken"]
    inlines = [SignUpInline, WalkInInline]
    actions = ["export_signups", "send_message"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("activity")
            .annotate(
                confirmed_count=Count("signups", filter=Q(signups__status="confirmed")),
                waiting_count=Count("signups", filter=Q(signups__status="waitlisted")),
            )
        )

    @admin.display(description=_("signed up"), ordering="confirmed_count")
    def confirmed(self, obj):
        return obj.confirmed_count

    @admin.display(description=_("waiting list"), ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A session's form sent without the walk-in rows (a page opened before they existed,
        or a script that posts the session alone) leaves the walk-ins as they are."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        data = kwargs.get("data")
        if isinstance(inline, WalkInInline) and data is not None:
            if f"{prefix}-TOTAL_FORMS" not in data:
                data = kwargs["data"] = data.copy()
                data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        return kwargs

    def save_model(self, request, obj, form, change):
        _session_save(self, request, obj)

    def delete_model(self, request, obj):
        services.session_delete(session=obj)

    def delete_queryset(self, request, queryset):
        for session in queryset:
            services.session_delete(session=session)

    @admin.action(description=_("Export sign-ups of the selected sessions (CSV)"))
    def export_signups(self, request, queryset):
        signups = (
            SignUp.objects.filter(session__in=queryset)
            .select_related("session__activity")
            .order_by("session__starts_at", "status", "created_at")
        )
        return _signups_csv("aanmeldingen.csv", signups)

    @admin.action(description=_("Send a message to everyone signed up"))
    def send_message(self, request, queryset):
        """Ask for the message (a page of its own), then send it: e-mail and text message, in
        each person's language (services.session_message_send)."""
        form = SessionMessageForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                told = services.session_message_send(
                    sessions=queryset, **{k: form.cleaned_data[k] for k in ("subject", "message")}
                )
            except services.SignUpError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    ngettext("Sent to %d person.", "Sent to %d people.", told) % told,
                    messages.SUCCESS,
                )
                return None
        return TemplateResponse(
            request,
            "admin/initiatives/session_message.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Send a message to everyone signed up"),
                "queryset": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
            status=400 if "apply" in request.POST else 200,
        )


@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "session", "status", "created_at", "attended"]
    list_filter = ["status", "attended", "session__activity__kind", "session__starts_at"]
    search_fields = ["name", "email", "session__activity__title"]
    list_select_related = ["session__activity"]
    list_editable = ["attended"]
    readonly_fields = [
        "session",
        "user",
        "name",
        "email",
        "status",
        "created_at",
        "cancelled_at",
        "reminder_sent_at",
    ]
    actions = ["mark_attended", "mark_absent", "cancel_signups", "export_csv"]

    def has_add_permission(self, request):
        return False  # sign-ups go through the sign-up service, which keeps places right

    @admin.action(description=_("Mark as attended"))
    def mark_attended(self, request, queryset):
        count = queryset.update(attended=True)
        self.message_user(
            request, ngettext("%d sign-up marked.", "%d sign-ups marked.", count) % count
        )

    @admin.action(description=_("Mark as absent"))
    def mark_absent(self, request, queryset):
        count = queryset.update(attended=False)
        self.message_user(
            request, ngettext("%d sign-up marked.", "%d sign-ups marked.", count) % count
        )

    @admin.action(description=_("Cancel selected sign-ups (moves up the waiting list)"))
    def cancel_signups(self, request, queryset):
        done = 0
        for signup in queryset.filter(status__in=SignUp.ACTIVE_STATUSES):
            try:
                services.signup_cancel(signup=signup)
            except services.SignUpError as error:
                self.message_user(request, f"{signup}: {error.message}", level=messages.WARNING)
            else:
                done += 1
        self.message_user(
            request, ngettext("%d sign-up cancelled.", "%d sign-ups cancelled.", done) % done
        )

    @admin.action(description=_("Export selected sign-ups (CSV)"))
    def export_csv(self, request, queryset):
        return _signups_csv("aanmeldingen.csv", queryset.select_related("session__activity"))


class ResponseInline(admin.TabularInline):
    model = Response
    extra = 0
    fields = ["volunteer", "status", "created_at", "decided_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Opportunity)
class OpportunityAdmin(TranslationsKeptMixin, admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "commitment", "places", "created_at"]
    list_filter = [
        "status",
        "commitment",
        "needs_vog",
        "open_to_newcomers",
        "neighbourhood__municipality",
    ]
    search_fields = ["title", "description", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "neighbourhood"]
    filter_horizontal = ["skills", "languages"]
    inlines = [OpportunityTranslationInline, ResponseInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "opportunity", "status", "created_at", "decided_at"]
    list_filter = ["status", "opportunity__organisation"]
    search_fields = ["volunteer__email", "opportunity__title"]
    list_select_related = ["volunteer", "opportunity"]
    raw_id_fields = ["volunteer", "opportunity", "decided_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    raw_id_fields = ["organisation", "invited_by"]


@admin.register(HoursEntry)
class HoursEntryAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "organisation", "date", "hours", "status"]
    list_filter = ["status", "organisation"]
    search_fields = ["volunteer__email", "organisation__name", "note"]
    date_hierarchy = "date"
    list_select_related = ["volunteer", "organisation"]
    raw_id_fields = ["volunteer", "opportunity", "activity", "decided_by"]

# Residents' initiatives and organisations' offers (issue 15).
from initiatives import support_admin  # noqa: E402, F401
