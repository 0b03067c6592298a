"""The words of the complaints procedure: states, outcomes, remedies, exclusions, letters, learning, referrals."""

from __future__ import annotations

from enum import StrEnum


class ComplaintState(StrEnum):
    """Where a case is within its current stage. There are exactly two stages (Complaint Handling Code 5.2)."""

    RECEIVED = "received"  # waiting to be acknowledged and defined
    ACKNOWLEDGED = "acknowledged"  # defined and logged; the response clock is running
    RESPONDED = "responded"  # stage 1 response sent; the resident may ask for stage 2
    CLOSED = "closed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


#: States in which a clock is running.
OPEN_STATES = (ComplaintState.RECEIVED, ComplaintState.ACKNOWLEDGED)

_STATE_LABELS = {
    (1, "received"): "Stage 1: to acknowledge",
    (1, "acknowledged"): "Stage 1: investigating",
    (1, "responded"): "Stage 1: responded",
    (2, "received"): "Stage 2: review requested",
    (2, "acknowledged"): "Stage 2: reviewing",
    (1, "closed"): "Closed after stage 1",
    (2, "closed"): "Closed after the final response",
    (2, "refused"): "Stage 2 refused",
    (2, "withdrawn"): "Withdrawn at stage 2",
}



def state_label(stage: int, state: str) -> str:
    return _STATE_LABELS.get((stage, state), state.capitalize())


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class RemedyKind(StrEnum):
    """Ways of putting things right (Complaint Handling Code 7)."""

    APOLOGY = "apology"
    EXPLANATION = "explanation"
    ACTION = "action"
    DECISION_CHANGED = "decision_changed"
    RECORD_AMENDED = "record_amended"
    FINANCIAL = "financial"
    POLICY_CHANGE = "policy_change"

    @property
    def label(self) -> str:
        return REMEDY_LABELS[self]


REMEDY_LABELS = {
    RemedyKind.APOLOGY: "Apology",
    RemedyKind.EXPLANATION: "Explanation",
    RemedyKind.ACTION: "Action to put things right",
    RemedyKind.DECISION_CHANGED: "Decision reconsidered or changed",
    RemedyKind.RECORD_AMENDED: "Record amended",
    RemedyKind.FINANCIAL: "Financial remedy",
    RemedyKind.POLICY_CHANGE: "Change to policy or procedure",
}


class Exclusion(StrEnum):
    """Reasons a complaint may be refused (Complaint Handling Code 2.2)."""

    OVER_12_MONTHS = "over_12_months"
    LEGAL_PROCEEDINGS = "legal_proceedings"
    ALREADY_CONSIDERED = "already_considered"

    @property
    def label(self) -> str:
        return {
            "over_12_months": "The matter arose more than 12 months ago",
            "legal_proceedings": "Legal proceedings have started",
            "already_considered": "The matter has already been considered under the complaints procedure",
        }[self.value]


class LetterKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    EXTENSION = "extension"
    REFUSAL = "refusal"
    STAGE1_RESPONSE = "stage1_response"
    STAGE2_RESPONSE = "stage2_response"
    RESTRICTION = "restriction"

    @property
    def label(self) -> str:
        return {
            "acknowledgement": "Acknowledgement",
            "extension": "Extension",
            "refusal": "Refusal",
            "stage1_response": "Stage 1 response",
            "stage2_response": "Stage 2 final response",
            "restriction": "Restriction decision",
        }[self.value]


class LearningStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ReferralDecision(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"
    NOT_INVESTIGATED = "not_investigated"
    PREMATURE = "premature"

    @property
    def label(self) -> str:
        return {
            "upheld": "Upheld: fault found",
            "partly_upheld": "Partly upheld",
            "not_upheld": "Not upheld: no fault found",
            "not_investigated": "Closed without an investigation",
            "premature": "Premature: sent back to the council",
        }[self.value]
