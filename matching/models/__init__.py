"""matching's models, by what they are for: casework (help requests, participants, intake,
referrals) and the matching runs with their suggestions."""

from matching.models.casework import (
    Agency,
    HelpRequest,
    HelpRequestQuerySet,
    IntakeAssessment,
    Participant,
    ParticipantView,
    Referral,
    RequestNote,
    StatusChange,
    transitions_of,
)
from matching.models.runs import MatchRun, MatchSuggestion

__all__ = [
    "Agency",
    "HelpRequest",
    "HelpRequestQuerySet",
    "IntakeAssessment",
    "MatchRun",
    "MatchSuggestion",
    "Participant",
    "ParticipantView",
    "Referral",
    "RequestNote",
    "StatusChange",
    "transitions_of",
]
