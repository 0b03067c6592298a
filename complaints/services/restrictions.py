"""The restrictions register: the first review date of a restriction, and its reviews."""

from __future__ import annotations

from datetime import date

from complaints import deadlines
from complaints.models import Restriction
from complaints.services._common import ComplaintRuleError, _atomic, _check_version, _text, is_officer
from core.audit import record_audit
from core.extensions import db
from core.models import StaffUser


def default_review_date(on: date, months: int) -> date:
    """The same day ``months`` later (or the month's last day): the first review of a restriction."""
    year, month = divmod(on.month - 1 + months, 12)
    year += on.year
    for day in range(on.day, 27, -1):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    return date(year, month + 1, on.day)


@_atomic
def review_restriction(restriction: Restriction, *, decision: str, reason: str, next_review_on: date | None,
                       by: StaffUser, on: date, version: int | None = None) -> None:
    """At review a restriction ends, or continues with reasons and a new review date."""
    _check_version(restriction, version)
    if not is_officer(by):
        raise ComplaintRuleError("Only a complaints officer can review a restriction")
    if not restriction.active:
        raise ComplaintRuleError("This restriction has already ended")
    if not _text(reason):
        raise ComplaintRuleError("Enter the reason for the decision: the resident is told why")
    if decision not in ("end", "continue"):
        raise ComplaintRuleError("Choose whether the restriction ends or continues")
    if decision == "continue" and (next_review_on is None or next_review_on <= on):
        raise ComplaintRuleError("Enter the next review date, in the future")
    before = {"review_on": restriction.review_on, "ended_on": restriction.ended_on}
    restriction.last_reviewed_on = on
    if decision == "end":
        restriction.ended_on, restriction.end_reason = on, _text(reason)
        summary = f"Restriction ended: {_text(reason)}"
    else:
        restriction.review_on = next_review_on
        summary = f"Restriction continues until a review on {deadlines.long_date(next_review_on)}: {_text(reason)}"
    record_audit(restriction, "restriction.reviewed", by=by, before=before,
                 after={"review_on": restriction.review_on, "ended_on": restriction.ended_on}, summary=summary)
    db.session.commit()
