"""The complaints procedure's rules and writes: each change validated, audited, committed, and its letter queued.

Split by what it does; callers use the names re-exported here (``from complaints import services``).
"""

from complaints.services._common import (
    DEFINE_POINTS,
    EVERY_POINT,
    FINISHED,
    SAME_HANDLER,
    STALE,
    TWO_STAGES,
    WHO_AND_WHEN,
    ComplaintRuleError,
    StaleCaseError,
    can_work_on,
    is_officer,
)
from complaints.services.cases import assign_handler, open_complaint, redefine_points
from complaints.services.clocks import explain, pause_clock, recompute_due_dates, restart_clock, running_clock
from complaints.services.findings import overall_outcome, save_findings
from complaints.services.learning import add_learning_action, commitment_choices, update_learning_action
from complaints.services.lifecycle import close_after_stage1, escalate, withdraw
from complaints.services.policy import actions_for, learning_allowed, require
from complaints.services.referrals import add_referral, decide_referral
from complaints.services.remedies import add_remedy, complete_remedy
from complaints.services.reminders import ReminderReport, send_reminders
from complaints.services.restrictions import default_review_date, review_restriction
from complaints.services.sending import (
    prepare_acknowledgement,
    prepare_extension,
    prepare_refusal,
    prepare_response,
    prepare_restriction,
    send_letter,
)

__all__ = [
    "DEFINE_POINTS", "EVERY_POINT", "FINISHED", "SAME_HANDLER", "STALE", "TWO_STAGES", "WHO_AND_WHEN",
    "ComplaintRuleError", "ReminderReport", "StaleCaseError", "actions_for", "add_learning_action", "add_referral",
    "add_remedy", "assign_handler", "can_work_on", "close_after_stage1", "commitment_choices", "complete_remedy",
    "decide_referral", "default_review_date", "escalate", "explain", "is_officer", "learning_allowed",
    "open_complaint", "overall_outcome", "pause_clock", "prepare_acknowledgement", "prepare_extension",
    "prepare_refusal", "prepare_response", "prepare_restriction", "recompute_due_dates", "redefine_points", "require",
    "restart_clock", "review_restriction", "running_clock", "save_findings", "send_letter", "send_reminders",
    "update_learning_action", "withdraw",
]
