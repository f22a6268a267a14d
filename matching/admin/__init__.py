"""The coordinators' workplace in the admin, one module per subject: the shared intake queue
(help_requests, with its workflow pages and comparison screen), participants, agencies and
referrals, and the matching runs and suggestions. Importing them registers them."""

from matching.admin import (  # noqa: F401
    agencies,
    help_requests,
    participants,
    runs,
    support,
    trajectories,
)
