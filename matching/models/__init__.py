"""matching's models, by what they are for: casework (help requests, participants, intake,
referrals), the matching runs with their suggestions, and trajectories."""

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
from matching.models.support import SupportMatch
from matching.models.trajectories import (
    CheckIn,
    CheckInScore,
    Goal,
    SuccessStory,
    Trajectory,
    TrajectoryGoal,
)

__all__ = [
    "Agency",
    "CheckIn",
    "CheckInScore",
    "Goal",
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
    "SuccessStory",
    "SupportMatch",
    "Trajectory",
    "TrajectoryGoal",
    "transitions_of",
]
