"""Complaints tables: the two-stage case over a feedback item, its clocks, responses, remedies, letters,
Ombudsman referrals, learning, reminders and the restrictions register.

- ``vocabulary``: the procedure's words (states, outcomes, remedies, exclusions, letters, learning, referrals)
- ``case``: the complaint and its stage clocks, extensions and pauses
- ``response``: points, responses, findings, remedies and letters
- ``aftercare``: Ombudsman referrals, learning actions, restrictions and reminders
"""

from complaints.models.aftercare import (
    LearningAction,
    OmbudsmanReferral,
    Reminder,
    Restriction,
    learning_action_commitment,
)
from complaints.models.case import Complaint, ComplaintClock, ComplaintExtension, ComplaintPause, running
from complaints.models.response import ComplaintLetter, ComplaintPoint, ComplaintResponse, Finding, Remedy
from complaints.models.vocabulary import (
    OPEN_STATES,
    REMEDY_LABELS,
    ComplaintState,
    Exclusion,
    LearningStatus,
    LetterKind,
    Outcome,
    ReferralDecision,
    RemedyKind,
    state_label,
)

__all__ = [
    "OPEN_STATES", "REMEDY_LABELS", "Complaint", "ComplaintClock", "ComplaintExtension", "ComplaintLetter",
    "ComplaintPause", "ComplaintPoint", "ComplaintResponse", "ComplaintState", "Exclusion", "Finding",
    "LearningAction", "LearningStatus", "LetterKind", "OmbudsmanReferral", "Outcome", "ReferralDecision", "Remedy",
    "RemedyKind", "Reminder", "Restriction", "learning_action_commitment", "running", "state_label",
]
