"""The co-design group, its meetings, proposals for changing the charter, representative comments and decisions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from codesign.models import (
    Author,
    Consultation,
    ConsultationStatus,
    DecisionKind,
    GroupMember,
    Highlight,
    Meeting,
    MemberKind,
    Proposal,
    ProposalKind,
)
from core.audit import record_audit
from core.charters import published_charter
from core.errors import RuleError
from core.extensions import db
from core.models import Channel, Charter, Commitment, StaffUser
from core.redaction import redact
from core.standards import Standard
from core.timesource import now, today
from reviews.models import Review, ReviewStage
from surveys.models import Answer

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class CodesignRuleError(RuleError):
    """A co-design change the rules refuse; the message says why."""


def consultation_of(review: Review) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.review_id == review.id))


def _advance(review: Review, stage: ReviewStage) -> None:
    """Move the review on to `stage`, never back."""
    if review.stage_value.position < stage.position:
        review.stage = stage


def _require_text(value: str | None, message: str, field: str, limit: int = 2000) -> str:
    text = (value or "").strip()
    if not text:
        raise CodesignRuleError(message, field)
    if len(text) > limit:
        raise CodesignRuleError(f"{message.replace('Enter ', '').capitalize()} must be {limit:,} characters or fewer",
                                field)
    return text


def add_member(review: Review, *, name: str, kind: str, by: StaffUser) -> GroupMember:
    name = _require_text(name, "Enter the member’s name", "name", 120)
    if kind not in {k.value for k in MemberKind}:
        raise CodesignRuleError("Select whether the member is a resident or staff", "kind")
    member = GroupMember(review_id=review.id, name=name, kind=kind)
    db.session.add(member)
    db.session.commit()
    return member


def add_meeting(review: Review, *, held_on: date, attendance: int, notes: str | None, by: StaffUser) -> Meeting:
    if held_on > today():
        raise CodesignRuleError("The date of the meeting must be today or in the past", "held_on")
    if attendance is None or attendance < 1:
        raise CodesignRuleError("Enter how many people came, a whole number of 1 or more", "attendance")
    meeting = Meeting(review_id=review.id, held_on=held_on, attendance=attendance, notes=(notes or "").strip() or None)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def _codes_ever_used(council_slug: str) -> set[str]:
    return set(db.session.scalars(
        select(Commitment.code).join(Charter).where(Charter.council_slug == council_slug)))


def save_proposal(review: Review, *, kind: str, commitment_code: str, proposed_text: str | None,
                  proposed_standards: Sequence[Standard] | None, reason: str, evidence_codes: Sequence[str] = (),
                  evidence_notes: str | None = None, author: str = Author.STAFF, channel: str | None = None,
                  by: StaffUser, proposal: Proposal | None = None) -> Proposal:
    """Add a proposal to the review, or change one; refused once the consultation on it has been published.

    The current wording is copied from the published charter, so the consultation shows it side by side with the
    proposed wording even after the charter moves on."""
    consultation = consultation_of(review)
    if consultation is not None and consultation.status != ConsultationStatus.DRAFT:
        raise CodesignRuleError("Proposals cannot change once the consultation on them is published")
    charter = published_charter(review.council_slug)
    if charter is None:
        raise CodesignRuleError("The council has no published charter to propose changes to")
    code = (commitment_code or "").strip()
    current = next((c for c in charter.commitments if c.code == code), None)
    proposed = (proposed_text or "").strip() or None
    standards = list(proposed_standards) if proposed_standards else None
    if kind == ProposalKind.RETIRED:
        proposed, standards = None, None
    _check_change(review, kind, code, current, proposed, standards, channel, proposal)
    reason = _require_text(reason, "Enter the reason for the proposal", "reason", 4000)
    if author not in {a.value for a in Author}:
        raise CodesignRuleError("Select who wrote the proposal", "author")
    known = {c.code for c in charter.commitments}
    unknown = [c for c in evidence_codes if c not in known]
    if unknown:
        raise CodesignRuleError(f"Evidence must be about commitments in the charter: {', '.join(unknown)} is not",
                                "evidence_codes")
    if proposal is None:
        number = (db.session.scalar(select(func.max(Proposal.number)).where(Proposal.review_id == review.id)) or 0) + 1
        proposal = Proposal(review_id=review.id, number=number, created_by_id=by.id)
        db.session.add(proposal)
    proposal.kind = kind
    proposal.commitment_code = code
    proposal.channel = channel if kind == ProposalKind.NEW else None
    proposal.current_text = current.wording if current is not None else None
    proposal.proposed_text = proposed
    proposal.proposed_standard_rows = [s.as_dict() for s in standards] if standards is not None else None
    proposal.reason = reason
    proposal.evidence_codes = list(dict.fromkeys(evidence_codes))
    proposal.evidence_notes = (evidence_notes or "").strip() or None
    proposal.author = author
    _advance(review, ReviewStage.PROPOSALS)
    db.session.flush()
    record_audit(proposal, "codesign.proposal_saved", by=by, after={"kind": kind, "code": code},
                 summary=f"Proposal {proposal.number} saved")
    db.session.commit()
    return proposal


def _check_change(review: Review, kind: str, code: str, current: Commitment | None, proposed: str | None,
                  standards: list[Standard] | None, channel: str | None, proposal: Proposal | None) -> None:
    """The change itself makes sense: a commitment to change (or a fresh code for a new one), and the words or
    target that change."""
    if kind not in {k.value for k in ProposalKind}:
        raise CodesignRuleError("Select what kind of change this is", "kind")
    if kind == ProposalKind.NEW:
        _check_new_code(review, code, channel, proposal)
    elif current is None:
        raise CodesignRuleError("Select a commitment in the published charter", "commitment_code")
    else:
        # One proposal per commitment: two changes to one promise could not both be adopted.
        other = db.session.scalar(select(Proposal.number).where(
            Proposal.review_id == review.id, Proposal.kind != ProposalKind.NEW, Proposal.commitment_code == code,
            Proposal.id != (proposal.id if proposal is not None else -1)))
        if other is not None:
            raise CodesignRuleError(f"Proposal {other} already changes commitment {code}; change that proposal "
                                    "instead", "commitment_code")
    if kind in (ProposalKind.NEW, ProposalKind.REWORDED) and not proposed:
        raise CodesignRuleError("Enter the proposed wording", "proposed_text")
    if proposed is not None and len(proposed) > 1000:
        raise CodesignRuleError("The proposed wording must be 1,000 characters or fewer", "proposed_text")
    if kind == ProposalKind.REWORDED and current is not None and proposed == current.wording:
        raise CodesignRuleError("The proposed wording is the same as the current wording", "proposed_text")
    if kind == ProposalKind.RETARGETED:
        if not standards:
            raise CodesignRuleError("Enter the proposed target", "target")
        if current is not None and tuple(standards) == current.standards and proposed in (None, current.wording):
            raise CodesignRuleError("The proposed target is the same as the current one", "target")


def _check_new_code(review: Review, code: str, channel: str | None, proposal: Proposal | None) -> None:
    if not code:
        raise CodesignRuleError("Enter a code for the new commitment, like C-12", "new_code")
    if not _CODE.match(code):
        raise CodesignRuleError("The code must be letters, digits, dots, hyphens or underscores, up to 40",
                                "new_code")
    # A code names one promise for ever, so reports can follow it from version to version: never reused.
    if code in _codes_ever_used(review.council_slug):
        raise CodesignRuleError(f"Code {code} is already used by a commitment; choose a new code", "new_code")
    other = db.session.scalar(select(Proposal.number).where(
        Proposal.review_id == review.id, Proposal.kind == ProposalKind.NEW, Proposal.commitment_code == code,
        Proposal.id != (proposal.id if proposal is not None else -1)))
    if other is not None:
        raise CodesignRuleError(f"Proposal {other} already gives code {code} to a new commitment; choose another",
                                "new_code")
    if channel not in {c.value for c in Channel}:
        raise CodesignRuleError("Select which way of contacting us the new commitment is about", "channel")


def choose_highlight(proposal: Proposal, answer: Answer, *, text: str | None = None, by: StaffUser) -> Highlight:
    """Keep a resident's comment as representative of what was said, anonymised (core.redaction) before it is
    stored; staff may shorten or further anonymise it with `text`."""
    if proposal.comment_question_id is None or answer.question_id != proposal.comment_question_id:
        raise CodesignRuleError("Choose a comment made about this proposal")
    chosen = redact(_require_text(text or answer.text, "Enter the comment as it should be shown", "text", 1000))
    existing = db.session.scalar(select(Highlight).where(Highlight.proposal_id == proposal.id,
                                                         Highlight.answer_id == answer.id))
    if existing is not None:
        existing.text = chosen
    else:
        existing = Highlight(proposal_id=proposal.id, answer_id=answer.id, text=chosen, chosen_by_id=by.id)
        db.session.add(existing)
    db.session.commit()
    return existing


def decide(proposal: Proposal, *, decision: str, reason: str, text: str | None = None, by: StaffUser) -> None:
    """The council's decision on a proposal, with the reason written for residents ("We did")."""
    consultation = consultation_of(proposal.review)
    if consultation is None or not consultation.has_closed(today()):
        raise CodesignRuleError("Decide on proposals once the consultation has closed")
    if consultation.status == ConsultationStatus.ADOPTED:
        raise CodesignRuleError("These decisions have been adopted into the charter and cannot change")
    if decision not in {d.value for d in DecisionKind}:
        raise CodesignRuleError("Select the decision", "decision")
    reason = _require_text(reason, "Enter the reason for the decision, written for residents", "decision_reason",
                           4000)
    amended = None
    if decision == DecisionKind.AMEND:
        if proposal.kind == ProposalKind.RETIRED:
            raise CodesignRuleError("A commitment being stopped has no wording to amend: adopt or reject it",
                                    "decision")
        amended = _require_text(text, "Enter the amended wording", "decided_text", 1000)
    before = {"decision": proposal.decision, "reason": proposal.decision_reason}
    proposal.decision = decision
    proposal.decided_text = amended
    proposal.decision_reason = reason
    proposal.decided_by_id = by.id
    proposal.decided_at = now()
    _advance(proposal.review, ReviewStage.DECISIONS)
    record_audit(proposal, "codesign.decided", by=by, before=before, after={"decision": decision, "reason": reason},
                 summary=f"Proposal {proposal.number}: {DecisionKind(decision).label}")
    db.session.commit()
