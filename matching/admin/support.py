"""Pairings of offers with initiatives' needs and goods requests, for coordinators: what each
pairing is for, its score and reasons, who has said yes; and the answers, through
matching.support. Coordinators answer for either side; for a newcomer's request for goods they
are the only ones who answer for the request's side."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from matching import support
from matching.models import SupportMatch


class SubjectFilter(admin.SimpleListFilter):
    title = _("for")
    parameter_name = "for"

    def lookups(self, request, model_admin):
        return [("initiative", _("An initiative")), ("request", _("A help request for goods"))]

    def queryset(self, request, queryset):
        if self.value() == "initiative":
            return queryset.filter(need__isnull=False)
        if self.value() == "request":
            return queryset.filter(help_request__isnull=False)
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting for a yes from")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [
            ("need", _("The initiative or request")),
            ("offer", _("The organisation")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "need":
            return queryset.open().filter(need_side_at__isnull=True)
        if self.value() == "offer":
            return queryset.open().filter(offer_side_at__isnull=True)
        return queryset


def subject_of(match: SupportMatch) -> str:
    """What a pairing is for, in a few words: the initiative's title (and the kind of need),
    or the help request's number."""
    if match.need_id:
        return f"{match.need.initiative.title} ({match.need.get_kind_display()})"
    return _("help request #%(number)s") % {"number": match.help_request_id}


@admin.register(SupportMatch)
class SupportMatchAdmin(admin.ModelAdmin):
    list_display = [
        "offer",
        "subject",
        "score",
        "why",
        "status",
        "source",
        "yes_from",
        "created_at",
    ]
    list_filter = [WaitingFilter, "status", SubjectFilter, "source", "offer__kind"]
    list_select_related = [
        "offer__organisation",
        "need__initiative",
        "help_request",
        "need_side_by",
        "offer_side_by",
    ]
    search_fields = [
        "offer__title",
        "offer__organisation__name",
        "need__initiative__title",
        "help_request__description",
    ]
    fields = [
        "status",
        "offer",
        "subject_link",
        "date",
        "units",
        "score",
        "why",
        "source",
        "yes_from",
        "need_side_at",
        "need_side_by",
        "offer_side_at",
        "offer_side_by",
        "decided_at",
        "decline_reason",
        "booking",
        "created_at",
    ]
    readonly_fields = fields
    actions = ["say_yes_need_side", "say_yes_offer_side", "decline"]

    def has_add_permission(self, request):
        return False  # suggested by the matching or asked for by a side (matching.support)

    def has_delete_permission(self, request, obj=None):
        return False  # an agreement booked a room or took units: it stays on record

    @admin.display(description=_("for"))
    def subject(self, obj):
        return subject_of(obj)

    @admin.display(description=_("for"))
    def subject_link(self, obj):
        if obj.need_id:
            url = reverse("admin:initiatives_initiative_change", args=[obj.need.initiative_id])
        else:
            url = reverse("admin:matching_helprequest_change", args=[obj.help_request_id])
        return format_html('<a href="{}">{}</a>', url, subject_of(obj))

    @admin.display(description=_("reasons"))
    def why(self, obj):
        return ", ".join(obj.reason_words)

    @admin.display(description=_("yes from"))
    def yes_from(self, obj):
        said = []
        if obj.need_side_at:
            said.append(
                _("the initiative or request (%(name)s)") % {"name": obj.need_side_by or "-"}
            )
        if obj.offer_side_at:
            said.append(_("the organisation (%(name)s)") % {"name": obj.offer_side_by or "-"})
        return "; ".join(str(part) for part in said) or "-"

    def _answer(self, request, queryset, answer, done):
        """Answer each pairing through `answer`; say which could not be answered and why."""
        answered, agreed = 0, 0
        for match in queryset.select_related("offer", "need__initiative", "help_request"):
            try:
                result = answer(match)
            except support.SupportMatchError as error:
                self.message_user(request, f"{match}: {error.message}", messages.WARNING)
            else:
                answered += 1
                agreed += result.status == SupportMatch.Status.AGREED
        if answered:
            self.message_user(request, done(answered))
        if agreed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d pairing agreed by both sides; both are told.",
                    "%(count)d pairings agreed by both sides; both are told.",
                    agreed,
                )
                % {"count": agreed},
            )

    @admin.action(
        description=_("Say yes for the initiative or request side"), permissions=["change"]
    )
    def say_yes_need_side(self, request, queryset):
        self._answer(
            request,
            queryset,
            lambda match: support.support_accept(
                match=match, side=support.NEED_SIDE, by=request.user
            ),
            lambda count: (
                ngettext(
                    "Yes said for the initiative or request side of %(count)d pairing.",
                    "Yes said for the initiative or request side of %(count)d pairings.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Say yes for the offer side"), permissions=["change"])
    def say_yes_offer_side(self, request, queryset):
        self._answer(
            request,
            queryset,
            lambda match: support.support_accept(
                match=match, side=support.OFFER_SIDE, by=request.user
            ),
            lambda count: (
                ngettext(
                    "Yes said for the offer side of %(count)d pairing.",
                    "Yes said for the offer side of %(count)d pairings.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Decline"), permissions=["change"])
    def decline(self, request, queryset):
        def decline_one(match):
            # Declined for the side that has not said yes, so that a side that has is told.
            side = (
                support.OFFER_SIDE
                if match.need_side_at and not match.offer_side_at
                else support.NEED_SIDE
            )
            return support.support_decline(match=match, side=side, by=request.user)

        self._answer(
            request,
            queryset,
            decline_one,
            lambda count: (
                ngettext("%(count)d pairing declined.", "%(count)d pairings declined.", count)
                % {"count": count}
            ),
        )


class SupportMatchInline(admin.TabularInline):
    """A goods request's pairings with offers, on its page (HelpRequestAdmin); answered in
    the support matches' admin (the link on each row)."""

    model = SupportMatch
    fk_name = "help_request"
    extra = 0
    fields = ["offer", "score", "why", "status", "need_side_at", "offer_side_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("goods offers paired with this request")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("offer")

    @admin.display(description=_("reasons"))
    def why(self, obj):
        return ", ".join(obj.reason_words)
