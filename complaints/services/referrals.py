"""Ombudsman enquiries and investigations about a case, and the Ombudsman's decisions."""

from __future__ import annotations

from datetime import date

from complaints.models import Complaint, OmbudsmanReferral, ReferralDecision
from complaints.services._common import ComplaintRuleError, _atomic, _audit, _check_version, _snapshot, _text, _touch
from complaints.services.policy import require
from core.extensions import db
from core.models import Regime, StaffUser


@_atomic
def add_referral(complaint: Complaint, *, ombudsman: str, reference: str, kind: str, received_on: date | None,
                 by: StaffUser, on: date) -> OmbudsmanReferral:
    require(complaint, by, "add_referral")
    if ombudsman not in {r.value for r in Regime}:
        raise ComplaintRuleError("Choose which Ombudsman")
    if not _text(reference):
        raise ComplaintRuleError("Enter the Ombudsman's reference")
    if kind not in ("enquiry", "investigation"):
        raise ComplaintRuleError("Choose whether this is an enquiry or an investigation")
    if received_on is None or received_on > on:
        raise ComplaintRuleError("Enter the date the Ombudsman contacted us, today or in the past")
    referral = OmbudsmanReferral(ombudsman=ombudsman, reference=_text(reference), kind=kind, received_on=received_on)
    complaint.referrals.append(referral)
    before = _snapshot(complaint)
    _touch(complaint)
    _audit(complaint, "complaint.referral_added", by, before,
           f"{Regime(ombudsman).label} {kind} {_text(reference)} recorded")
    db.session.commit()
    return referral


@_atomic
def decide_referral(referral: OmbudsmanReferral, *, decision: str, decided_on: date | None, notes: str | None,
                    by: StaffUser, on: date, version: int | None = None) -> None:
    _check_version(referral, version)
    require(referral.complaint, by, "decide_referral")
    if decision not in {d.value for d in ReferralDecision}:
        raise ComplaintRuleError("Choose the Ombudsman's decision")
    if decided_on is None or decided_on > on or decided_on < referral.received_on:
        raise ComplaintRuleError("Enter the date of the decision: on or after the referral, and not in the future")
    complaint = referral.complaint
    before = _snapshot(complaint)
    referral.decision, referral.decided_on, referral.notes = decision, decided_on, _text(notes) or None
    _audit(complaint, "complaint.referral_decided", by, before,
           f"Ombudsman decision on {referral.reference}: {ReferralDecision(decision).label.lower()}")
    db.session.commit()
