"""The writes of initiatives, one module per subject; each validates, saves and queues its
notifications in one transaction. Callers use them through this package
(`from initiatives import services`; `services.signup_create(...)`).

- signups: signing up for a session, cancelling, the waiting list, reminders;
- organisations: registration and approval, invitations, members;
- opportunities: opportunities and the responses to them;
- hours: hours given for an opportunity or activity, and their confirmation.
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

__all__ = [
    "CANCEL_SALT",
    "HoursError",
    "INVITATION_MAX_AGE",
    "INVITATION_SALT",
    "OrganisationError",
    "ResponseError",
    "SignUpError",
    "VIEW_SALT",
    "hours_decide",
    "hours_log",
    "hours_subjects",
    "hours_table",
    "invitation_accept",
    "invitation_create",
    "invitation_from_token",
    "membership_remove",
    "opportunity_duplicate",
    "opportunity_set_status",
    "organisation_approve",
    "organisation_register",
    "response_create",
    "response_decide",
    "session_delete",
    "session_fill_from_waitlist",
    "session_message_send",
    "session_reminders_send",
    "session_save",
    "signup_cancel",
    "signup_cancel_url",
    "signup_create",
    "signup_from_token",
    "signup_status_url",
    "signup_token",
]
