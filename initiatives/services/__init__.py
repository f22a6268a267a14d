"""The writes of initiatives, one module per subject; each validates, saves and queues its
notifications in one transaction. Callers use them through this package
(`from initiatives import services`; `services.signup_create(...)`).

- signups: signing up for a session, cancelling, the waiting list, reminders;
- organisations: registration and approval, invitations, members;
- opportunities: opportunities and the responses to them;
- hours: hours given for an opportunity or activity, and their confirmation;
- talk: a series of talk sessions planned at once, the host's attendance register;
- support: residents' initiatives and their review, an approved one made an activity,
  organisations' offers.
"""

from initiatives.services.hours import (
    HoursError,
    hours_decide,
    hours_log,
    hours_subjects,
    hours_table,
)
from initiatives.services.opportunities import (
    ResponseError,
    opportunity_duplicate,
    opportunity_set_status,
    response_create,
    response_decide,
)
from initiatives.services.organisations import (
    INVITATION_MAX_AGE,
    INVITATION_SALT,
    OrganisationError,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    membership_remove,
    organisation_approve,
    organisation_register,
)
from initiatives.services.signups import (
    CANCEL_SALT,
    VIEW_SALT,
    SignUpError,
    session_delete,
    session_fill_from_waitlist,
    session_message_send,
    session_reminders_send,
    session_save,
    signup_cancel,
    signup_cancel_url,
    signup_create,
    signup_from_token,
    signup_status_url,
    signup_token,
)
from initiatives.services.support import (
    SupportError,
    initiative_activity_defaults,
    initiative_make_activity,
    initiative_message,
    initiative_propose,
    initiative_review,
    initiative_update,
    initiative_withdraw,
    offer_save,
    offer_set_status,
    support_changed,
)
from initiatives.services.talk import (
    MAX_SERIES_SESSIONS,
    TalkError,
    attendance_save,
    series_starts,
    sessions_generate,
    walk_in_add,
)

__all__ = [
    "CANCEL_SALT",
    "HoursError",
    "INVITATION_MAX_AGE",
    "INVITATION_SALT",
    "MAX_SERIES_SESSIONS",
    "OrganisationError",
    "ResponseError",
    "SignUpError",
    "SupportError",
    "TalkError",
    "VIEW_SALT",
    "attendance_save",
    "hours_decide",
    "hours_log",
    "hours_subjects",
    "hours_table",
    "initiative_activity_defaults",
    "initiative_make_activity",
    "initiative_message",
    "initiative_propose",
    "initiative_review",
    "initiative_update",
    "initiative_withdraw",
    "invitation_accept",
    "invitation_create",
    "invitation_from_token",
    "membership_remove",
    "offer_save",
    "offer_set_status",
    "opportunity_duplicate",
    "opportunity_set_status",
    "organisation_approve",
    "organisation_register",
    "response_create",
    "response_decide",
    "series_starts",
    "session_delete",
    "session_fill_from_waitlist",
    "session_message_send",
    "session_reminders_send",
    "session_save",
    "sessions_generate",
    "signup_cancel",
    "signup_cancel_url",
    "signup_create",
    "signup_from_token",
    "signup_status_url",
    "signup_token",
    "support_changed",
    "walk_in_add",
]
