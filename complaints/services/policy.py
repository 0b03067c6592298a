"""The one rulebook: what a user may do to a complaint in its state. The services enforce it; pages only ask.

Each action is a list of checks, in the order they are explained to the user: ``actions_for`` gives the actions
whose checks all pass, and ``require`` refuses an action with the message of the first check that fails.
``user`` is None when the resident acts for themselves (the tracking page) or the system acts for them.
"""

from __future__ import annotations

from collections.abc import Callable

from complaints.models import OPEN_STATES, Complaint, ComplaintState, Outcome
from complaints.services._common import (
    EVERY_POINT,
    FINISHED,
    SAME_HANDLER,
    TWO_STAGES,
    ComplaintRuleError,
    can_work_on,
    is_officer,
    running_clock,
)
from core.formatting import govuk_date
from core.models import StaffUser

User = StaffUser | None
Check = tuple[Callable[[Complaint, User], bool], Callable[[Complaint], str]]


NOT_YOURS = "Only the complaints officer or this stage's handler can change this case"
CAN_WRITE = ("A response can be written once the complaint has been acknowledged and defined "
             "(Complaint Handling Code 6.2)")


def _says(message: str) -> Callable[[Complaint], str]:
    return lambda _complaint: message


def _anonymised(complaint: Complaint) -> str:
    return (f"This complaint was anonymised on {govuk_date(complaint.feedback.anonymised_at)} under the retention "
            "policy, so it can no longer be changed")


def _in(*states: ComplaintState) -> Callable[[Complaint, User], bool]:
    return lambda complaint, _user: complaint.state in states


def _paused(complaint: Complaint) -> bool:
    clock = running_clock(complaint)
    return clock is not None and clock.open_pause is not None


def _worker(complaint: Complaint, user: User) -> bool:
    return user is not None and can_work_on(complaint, user)


def _officer(_complaint: Complaint, user: User) -> bool:
    return user is not None and is_officer(user)


def _officer_only(what: str) -> Check:
    return _officer, _says(f"Only a complaints officer can {what}")


def learning_allowed(complaint: Complaint) -> bool:
    """Learning is raised from complaints upheld or partly upheld at either stage, or by the Ombudsman."""
    upheld = {Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value}
    return (any(r.outcome in upheld and r.sent_on for r in complaint.responses)
            or any(r.decision in upheld for r in complaint.referrals))


NOT_ANONYMISED: Check = (lambda complaint, _user: complaint.feedback.anonymised_at is None, _anonymised)
WORKER: Check = (_worker, _says(NOT_YOURS))
#: The resident, or the system for them, or the officer or handler working on the case.
RESIDENT_OR_WORKER: Check = (lambda complaint, user: user is None or _worker(complaint, user), _says(NOT_YOURS))
ACKNOWLEDGED: Check = (_in(ComplaintState.ACKNOWLEDGED), _says(CAN_WRITE))
NOT_STAGE1_HANDLER: Check = (  # Complaint Handling Code 6.13
    lambda complaint, user: not (complaint.stage == 2 and user is not None and user.id == complaint.stage1_handler_id),
    _says(SAME_HANDLER))
WRITE_RESPONSE: list[Check] = [ACKNOWLEDGED, NOT_STAGE1_HANDLER, WORKER]

#: Every action on a complaint and its checks; nothing at all once the case is anonymised.
RULES: dict[str, list[Check]] = {
    "acknowledge": [(_in(ComplaintState.RECEIVED),
                     lambda c: f"Stage {c.stage} of this complaint is not waiting to be acknowledged"), WORKER],
    "redefine": [(_in(ComplaintState.ACKNOWLEDGED),
                  _says("The definition can be changed while the complaint is being investigated")), WORKER],
    "extend": [(_in(ComplaintState.ACKNOWLEDGED),
                _says("The response deadline can be extended once the complaint has been acknowledged and defined "
                      "(Complaint Handling Code 6.4)")),
               (lambda c, _u: not _paused(c), _says("Restart the paused clock before extending it")), WORKER],
    "refuse": [(_in(*OPEN_STATES), _says("Only a complaint that is still open can be refused")), WORKER],
    "findings": WRITE_RESPONSE,
    "respond": [*WRITE_RESPONSE, (lambda c, _u: bool((r := c.response_for(c.stage)) and r.findings),
                                  _says(EVERY_POINT))],
    "restrict": [_officer_only("decide to restrict a resident's contact (LGSCO guide on managing unreasonable "
                               "actions: a senior decision)"),
                 (lambda c, _u: c.feedback.resident_id is not None,
                  _says("This complaint has no resident on record, so there is no one to restrict"))],
    "pause": [(_in(ComplaintState.ACKNOWLEDGED),
               _says("Only the response clock of an acknowledged complaint can be paused")),
              (lambda c, _u: not _paused(c), _says("The clock is already paused")), WORKER],
    "restart": [(lambda c, _u: _paused(c), _says("The clock is not paused")), WORKER],
    "withdraw": [(lambda c, _u: c.state not in FINISHED,
                  _says("This case has already finished, so it cannot be withdrawn")), RESIDENT_OR_WORKER],
    "escalate": [(lambda c, _u: c.stage != 2, _says(TWO_STAGES)),
                 (_in(ComplaintState.RESPONDED, ComplaintState.CLOSED),
                  _says("A stage 2 review can be asked for once the stage 1 response has been sent")),
                 # Staff record it for the resident: the stage 1 handler too, once the case has moved on.
                 (lambda c, u: u is None or _worker(c, u) or c.stage1_handler_id == u.id, _says(NOT_YOURS))],
    "close": [(lambda c, _u: c.stage == 1 and c.state == ComplaintState.RESPONDED,
               _says("Only a case with a stage 1 response sent can be closed this way")), WORKER],
    "assign_stage1": [_officer_only("assign or reassign handlers (Complaint Handling Code 4.1)"),
                      (lambda c, _u: not (c.state in FINISHED and c.stage == 1),
                       _says("This case has finished: handlers can only be assigned while it is open"))],
    "assign_stage2": [_officer_only("assign or reassign handlers (Complaint Handling Code 4.1)"),
                      (lambda c, _u: not (c.state in FINISHED and c.stage == 2),
                       _says("This case has finished: handlers can only be assigned while it is open")),
                      (lambda c, _u: c.stage == 2,
                       _says("A stage 2 handler is assigned once the resident asks for a stage 2 review "
                             "(Complaint Handling Code 6.11)"))],
    "add_remedy": WRITE_RESPONSE,
    "add_ordered_remedy": [_officer_only("record a remedy ordered by the Ombudsman")],
    "complete_remedy": [WORKER],
    "add_referral": [_officer_only("record an Ombudsman referral")],
    "decide_referral": [_officer_only("record the Ombudsman's decision")],
    "add_learning": [(lambda c, _u: learning_allowed(c),
                      _says("Learning actions are raised from complaints that were upheld or partly upheld "
                            "(Complaint Handling Code 9.1)")), WORKER],
    "update_learning": [WORKER],
    "send_letter": [WORKER],
}


def _failure(complaint: Complaint, user: User, action: str) -> str | None:
    for passes, message in (NOT_ANONYMISED, *RULES[action]):
        if not passes(complaint, user):
            return message(complaint)
    return None


def actions_for(complaint: Complaint, user: User) -> frozenset[str]:
    """Every action ``user`` may take on the complaint as it is now (the names are the keys of RULES)."""
    return frozenset(action for action in RULES if _failure(complaint, user, action) is None)


def require(complaint: Complaint, user: User, action: str) -> None:
    """Refuse the action, with the rule's own message, unless ``user`` may take it now."""
    message = _failure(complaint, user, action)
    if message is not None:
        raise ComplaintRuleError(message)
