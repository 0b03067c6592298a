"""The response being written: findings on every point and the overall outcome."""

from __future__ import annotations

from complaints.models import Complaint, ComplaintResponse, Finding, Outcome
from complaints.services._common import (
    EVERY_POINT,
    ComplaintRuleError,
    _atomic,
    _audit,
    _check_version,
    _snapshot,
    _text,
    _touch,
)
from complaints.services.policy import require
from core.extensions import db
from core.models import StaffUser


def overall_outcome(findings: list[Finding]) -> str:
    outcomes = {f.outcome for f in findings}
    if outcomes == {Outcome.UPHELD}:
        return Outcome.UPHELD.value
    if outcomes == {Outcome.NOT_UPHELD}:
        return Outcome.NOT_UPHELD.value
    return Outcome.PARTLY_UPHELD.value


def _draft_response(complaint: Complaint, by: StaffUser) -> ComplaintResponse:
    """The response being written at this stage, started if need be (call after every check has passed)."""
    response = complaint.response_for(complaint.stage)
    if response is None:
        response = ComplaintResponse(stage=complaint.stage)
        complaint.responses.append(response)
    return response


@_atomic
def save_findings(complaint: Complaint, findings: dict[int, tuple[str, str]], *, by: StaffUser,
                  version: int | None = None) -> None:
    """Record upheld, partly upheld or not upheld, with reasons, for every defined point (Code 6.7)."""
    _check_version(complaint, version)
    require(complaint, by, "findings")
    points = complaint.points_for(complaint.stage)
    valid = {o.value for o in Outcome}
    for point in points:
        outcome, reasons = findings.get(point.id, ("", ""))
        if outcome not in valid or not _text(reasons):
            raise ComplaintRuleError(EVERY_POINT)
    response = _draft_response(complaint, by)
    before = _snapshot(complaint)
    for point in points:
        outcome, reasons = findings[point.id]
        finding = response.finding_for(point)
        if finding is None:
            response.findings.append(Finding(point=point, outcome=outcome, reasons=_text(reasons)))
        else:
            finding.outcome, finding.reasons = outcome, _text(reasons)
    response.written_by_id = by.id
    _touch(complaint)
    _audit(complaint, "complaint.findings_saved", by, before,
           f"Stage {complaint.stage} findings saved: {overall_outcome(response.findings).replace('_', ' ')}")
    db.session.commit()
