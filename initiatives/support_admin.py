"""The coordinators' side of residents' initiatives and organisations' offers in the admin.

An initiative: the list with those waiting for review first; its page with the needs and the
message thread (read-only), the review panel (approve, ask for changes, decline, with a
message to the proposer: initiatives.services.initiative_review) and, once approved with a
date, "Make it an activity" (services.initiative_make_activity). An offer: saved through
services.offer_save, so that what is left stays right; closed and reopened through its
services; its room bookings read-only. The pairings of needs and offers are matching's
(matching/admin/support.py)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from initiatives import services
from initiatives.models import (
    Activity,
    Initiative,
    InitiativeMessage,
    InitiativeNeed,
    Offer,
    Organisation,
    RoomBooking,
    Session,
    Support,
)
from initiatives.support_forms import OfferForm
from mpact.forms import Form

# The review steps a coordinator takes (Initiative.STEPS says when each can be taken), with
# their buttons' labels and what the coordinator is told when it is done.
REVIEW_ACTIONS = {
    "approve": _("Approve"),
    "ask-changes": _("Ask for changes"),
    "decline": _("Decline"),
}
REVIEW_DONE = {
    "approve": _("Approved: the initiative is on the site, and the proposer is told."),
    "ask-changes": _("The proposer is asked for changes."),
    "decline": _("Declined; the proposer is told why."),
}


def review_steps(initiative: Initiative) -> list[tuple[str, str]]:
    """The review steps this initiative can take now, with their labels."""
    return [
        (step, REVIEW_ACTIONS[step]) for step in initiative.next_steps() if step in REVIEW_ACTIONS
    ]


def _label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


class InitiativeReviewForm(Form):
    """The review panel: the step is the button pressed; the message goes to the proposer
    (the service requires one to ask for changes or to decline)."""

    step = forms.ChoiceField(
        choices=list(REVIEW_ACTIONS.items()),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose one of the review steps."),
            "invalid_choice": _("Choose one of the review steps."),
        },
    )
    message = forms.CharField(
        label=_("Message to the proposer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "Needed when you ask for changes or decline: what should change, or why not. "
            "The proposer gets it with your decision."
        ),
    )


class InitiativeActivityForm(Form):
    """Making an approved initiative an activity: who organises it, what kind, where, and the
    session's times and places (initiatives.services.initiative_activity_defaults fills it)."""

    organisation = forms.ModelChoiceField(
        label=_label(Activity, "organisation"),
        queryset=Organisation.objects.filter(approved_at__isnull=False).order_by("name"),
    )
    kind = forms.ChoiceField(label=_label(Activity, "kind"), choices=Activity.Kind.choices)
    audience = forms.ChoiceField(
        label=_label(Activity, "audience"),
        choices=Activity.Audience.choices,
        initial=Activity.Audience.EVERYONE,
    )
    address = forms.CharField(label=_label(Activity, "address"), max_length=250)
    start_time = forms.TimeField(label=_label(Initiative, "start_time"))
    end_time = forms.TimeField(label=_label(Initiative, "end_time"))
    capacity = forms.IntegerField(label=_label(Session, "capacity"), min_value=1, max_value=5000)

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        if initiative.audience:
            self.fields["audience"].help_text = _("The initiative says it is for: %(audience)s") % {
                "audience": initiative.audience
            }


class InitiativeNeedInline(admin.TabularInline):
    """The needs as the proposer gave them, and what the agreements so far gave."""

    model = InitiativeNeed
    extra = 0
    fields = ["kind", "amount", "details", "received", "met_at"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("needs (the proposer changes them on the site)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InitiativeMessageInline(admin.TabularInline):
    model = InitiativeMessage
    extra = 0
    fields = ["created_at", "author", "by_coordinator", "step", "body"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("messages with the proposer")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


# Waiting for review first, then the rest, newest first.
WAITING_FIRST = Case(
    When(status=Initiative.Status.SUBMITTED, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "proposer",
        "neighbourhood",
        "date",
        "status",
        "needs_summary",
        "activity",
        "created_at",
    ]
    list_filter = ["status", "neighbourhood", ("activity", admin.EmptyFieldListFilter)]
    list_select_related = ["proposer", "neighbourhood", "activity"]
    search_fields = ["title", "description", "proposer__email", "proposer__name"]
    ordering = [WAITING_FIRST.asc(), "-created_at", "-pk"]
    autocomplete_fields = ["neighbourhood"]
    readonly_fields = [
        "proposer",
        "status",
        "reviewed_by",
        "reviewed_at",
        "activity_link",
        "pairings",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["status", "proposer", "reviewed_by", "reviewed_at"]}),
        (
            _("The initiative"),
            {
                "fields": [
                    "title",
                    "description",
                    "audience",
                    "neighbourhood",
                    "place",
                    "date",
                    "start_time",
                    "end_time",
                    "participants",
                    "accessible",
                ]
            },
        ),
        (_("Support and activity"), {"fields": ["pairings", "activity_link"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [InitiativeNeedInline, InitiativeMessageInline]

    def has_add_permission(self, request):
        return False  # residents propose initiatives on the site (services.initiative_propose)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("needs")

    @admin.display(description=_("needs"))
    def needs_summary(self, obj):
        return ", ".join(
            f"{need.get_kind_display()}{' ✓' if need.is_met else ''}" for need in obj.needs.all()
        )

    @admin.display(description=_("activity"))
    def activity_link(self, obj):
        if obj.activity_id is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:initiatives_activity_change", args=[obj.activity_id]),
            obj.activity,
        )

    @admin.display(description=_("offers paired with its needs"))
    def pairings(self, obj):
        # Matching's pairings, read through the relation (initiatives does not import
        # matching); each opens in the support matches' admin, where they are answered.
        rows = [
            (
                need.get_kind_display(),
                reverse("admin:matching_supportmatch_change", args=[match.pk]),
                match.offer,
                match.offer.organisation,
                match.get_status_display(),
            )
            for need in obj.needs.all()
            for match in need.matches.select_related("offer__organisation").order_by("-score")
        ]
        if not rows:
            return "-"
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li>{}: <a href="{}">{}</a> ({}) · {}</li>', rows)
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.is_public:
            # A changed date or number of people changes which offers fit: matching brings the
            # pairings up to date, in this save's transaction (as the services send it).
            services.support_changed.send(sender=None, initiative=obj)

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="initiatives_initiative_review",
            ),
            path(
                "<int:pk>/make-activity/",
                self.admin_site.admin_view(self.make_activity_view),
                name="initiatives_initiative_make_activity",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The review panel and "Make it an activity" above the form
        # (templates/admin/initiatives/initiative/change_form.html).
        initiative = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if initiative is not None:
            extra_context.update(
                review_steps=review_steps(initiative),
                review_form=InitiativeReviewForm(),
                review_url=reverse("admin:initiatives_initiative_review", args=[initiative.pk]),
                make_activity_url=reverse(
                    "admin:initiatives_initiative_make_activity", args=[initiative.pk]
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _context(self, request, initiative, title, form, back):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "initiative": initiative,
            "form": form,
            "opts": self.model._meta,
            "back": back,
        }

    def review_view(self, request, pk):
        """Approve, ask for changes or decline (services.initiative_review); a refusal (no
        message where one is needed, a step not possible now) shows the page again with what
        was typed."""
        initiative = get_object_or_404(Initiative.objects.select_related("proposer"), pk=pk)
        if not self.has_change_permission(request, initiative):
            raise PermissionDenied
        back = reverse("admin:initiatives_initiative_change", args=[pk])
        form = InitiativeReviewForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            step = form.cleaned_data["step"]
            try:
                services.initiative_review(
                    initiative=initiative,
                    step=step,
                    by=request.user,
                    message=form.cleaned_data["message"],
                )
            except services.SupportError as error:
                field = "message" if error.code == "message_required" else None
                form.add_error(field, error)
            else:
                self.message_user(request, REVIEW_DONE[step])
                return redirect(back)
        initiative.refresh_from_db()
        context = self._context(request, initiative, _("Review the initiative"), form, back)
        context.update(
            review_steps=review_steps(initiative),
            review_url=request.path,
            needs=initiative.needs.all(),
            thread=initiative.messages.select_related("author"),
        )
        return TemplateResponse(
            request,
            "admin/initiatives/initiative_review.html",
            context,
            status=400 if request.method == "POST" else 200,
        )

    def make_activity_view(self, request, pk):
        """Make an approved initiative with a date an activity with one session
        (services.initiative_make_activity), then open the activity's page, where languages
        and an image can be added."""
        initiative = get_object_or_404(Initiative, pk=pk)
        if not (
            self.has_change_permission(request, initiative)
            and request.user.has_perm("initiatives.add_activity")
        ):
            raise PermissionDenied
        back = reverse("admin:initiatives_initiative_change", args=[pk])
        if request.method != "POST" and initiative.activity_id is not None:
            self.message_user(
                request, _("This initiative is an activity already."), messages.WARNING
            )
            return redirect("admin:initiatives_activity_change", initiative.activity_id)
        form = InitiativeActivityForm(
            request.POST if request.method == "POST" else None,
            initiative=initiative,
            initial=services.initiative_activity_defaults(initiative),
        )
        if request.method == "POST" and form.is_valid():
            try:
                activity = services.initiative_make_activity(
                    initiative=initiative, **form.cleaned_data
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _(
                        "The activity is made, with one session on %(date)s. Add its languages "
                        "or an image here if you like."
                    )
                    % {"date": date_format(initiative.date, "j F Y")},
                )
                return redirect("admin:initiatives_activity_change", activity.pk)
        context = self._context(request, initiative, _("Make it an activity"), form, back)
        return TemplateResponse(
            request,
            "admin/initiatives/initiative_make_activity.html",
            context,
            status=400 if request.method == "POST" else 200,
        )


# --- Offers -----------------------------------------------------------------------------------


class OfferAdminForm(OfferForm):
    """The organisation's own offer form (initiatives/support_forms.py), with the organisation
    to choose, and the total not below what has been given already (offer_save refuses that
    too, under the offer's lock)."""

    class Meta(OfferForm.Meta):
        fields = ["organisation", *OfferForm.Meta.fields]

    def clean(self):
        data = super().clean()
        offer, quantity, kind = self.instance, data.get("quantity"), data.get("kind")
        if offer.pk and quantity is not None and kind and Support(kind).unit is not None:
            given = (offer.quantity or 0) - (offer.remaining or 0)
            if quantity < given:
                self.add_error(
                    "quantity",
                    _("%(given)s has already been given; the total cannot be less.")
                    % {"given": given},
                )
        return data


class RoomBookingInline(admin.TabularInline):
    model = RoomBooking
    extra = 0
    fields = ["date", "initiative", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # a room is booked when both sides agree (matching.support)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    form = OfferAdminForm
    list_display = [
        "title",
        "organisation",
        "kind",
        "neighbourhood",
        "quantity",
        "remaining",
        "available_until",
        "status",
    ]
    list_filter = ["kind", "status", "neighbourhood", "organisation"]
    list_select_related = ["organisation", "neighbourhood"]
    search_fields = ["title", "description", "organisation__name", "address"]
    autocomplete_fields = ["organisation", "neighbourhood"]
    readonly_fields = ["remaining", "status", "created_at", "updated_at"]
    inlines = [RoomBookingInline]
    actions = ["close_offers", "reopen_offers"]

    def save_model(self, request, obj, form, change):
        # Through the service: a new offer starts with all of it left, a changed total keeps
        # what was given, and matching hears of it.
        try:
            services.offer_save(offer=obj)
        except services.SupportError as error:  # given away since the form was opened
            self.message_user(request, error.message, messages.ERROR)

    @admin.action(description=_("Close: no longer offered"))
    def close_offers(self, request, queryset):
        count = 0
        for offer in queryset.filter(status=Offer.Status.OPEN):
            services.offer_set_status(offer=offer, status=Offer.Status.CLOSED)
            count += 1
        self.message_user(request, ngettext("%d offer closed.", "%d offers closed.", count) % count)

    @admin.action(description=_("Offer again"))
    def reopen_offers(self, request, queryset):
        count = 0
        for offer in queryset.filter(status=Offer.Status.CLOSED):
            services.offer_set_status(offer=offer, status=Offer.Status.OPEN)
            count += 1
        self.message_user(
            request, ngettext("%d offer reopened.", "%d offers reopened.", count) % count
        )
