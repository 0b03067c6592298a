"""Adopting a review's decisions, and the next charter version they make on the day it comes into force, with codes
kept where a promise continues."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from codesign.models import Consultation, ConsultationStatus, DecisionKind, Proposal, ProposalKind
from codesign.services.consultation import proposals_of
from codesign.services.proposals import CodesignRuleError, _advance
from core.audit import record_audit
from core.charters import publish_draft, published_charter, start_draft
from core.extensions import db
from core.formatting import govuk_date
from core.models import Channel, Charter, CharterStatus, Commitment, StaffUser
from core.timesource import now, today
from reviews.models import ReviewStage
from reviews.pack.publishing import publish_pack


def adopt_decisions(consultation: Consultation, *, effective_from: date, by: StaffUser) -> Charter | None:
    """Adopt the decisions as the next version of the charter, in force from `effective_from`.

    The decisions are fixed from now on. The version itself is made and published on the day it comes into force
    (now, when that is today or earlier; otherwise by `flask codesign publish` on the day), so that until then
    feedback, surveys and cases stay tagged to the version in force. Returns the version when it was made now.
    """
    _check_ready(consultation, effective_from)
    consultation.status = ConsultationStatus.ADOPTED
    consultation.in_force_from = effective_from
    consultation.adopted_at = now()
    consultation.adopted_by_id = by.id
    _advance(consultation.review, ReviewStage.ADOPTED)
    record_audit(consultation, "codesign.adopted", by=by, after={"effective_from": effective_from},
                 summary=f"Decisions adopted, in force from {govuk_date(effective_from)}")
    db.session.commit()
    if effective_from <= today():
        return make_version(consultation, by=by)
    # The review is adopted: its pack is published for residents with today's figures.
    publish_pack(consultation.review, by=by)
    return None


def versions_due(on: date) -> list[Consultation]:
    """Adopted decisions whose version comes into force on or before `on` and has not been made yet."""
    return list(db.session.scalars(
        select(Consultation).where(Consultation.status == ConsultationStatus.ADOPTED,
                                   Consultation.adopted_charter_id.is_(None), Consultation.in_force_from <= on)
        .order_by(Consultation.in_force_from, Consultation.id)))


def make_version(consultation: Consultation, *, by: StaffUser) -> Charter:
    """Make and publish the version the decisions adopted, from the charter published now.

    Commitments that continue keep their codes (reworded or retargeted in place); adopted new commitments are added
    with the codes proposed for them, after the others; stopped ones are left out. The version is published, so it
    never changes again (core.charters refuses to edit a published version): the next review supersedes it.
    """
    current = _charter_to_change(consultation.review.council_slug)
    draft = start_draft(current, by=by)
    _apply(draft, proposals_of(consultation.review_id))
    # Numbers are positions in the charter: stopped commitments leave no gaps.
    for number, commitment in enumerate(draft.commitments, start=1):
        commitment.number = number
    publish_draft(draft, by=by, effective_from=consultation.in_force_from)
    consultation.adopted_charter = draft
    record_audit(consultation, "codesign.version_made", by=by, after={"version": draft.version},
                 summary=f"Version {draft.version} made from the decisions and published")
    db.session.commit()
    # The review's pack is published (again, when the version comes into force after the adoption) so that it
    # shows what the new version changed, which it cannot until the version is made.
    publish_pack(consultation.review, by=by)
    return draft


def _check_ready(consultation: Consultation, effective_from: date) -> None:
    """Every rule for adopting the decisions is met."""
    if consultation.status == ConsultationStatus.ADOPTED:
        raise CodesignRuleError(f"These decisions have already been adopted, in force from "
                                f"{govuk_date(consultation.in_force_from)}. An adopted version cannot be changed; the "
                                "next review can supersede it.")
    if consultation.status != ConsultationStatus.PUBLISHED or not consultation.has_closed(today()):
        raise CodesignRuleError("Adopt the decisions once the consultation has closed")
    proposals = proposals_of(consultation.review_id)
    undecided = [str(p.number) for p in proposals if p.decision is None]
    if undecided:
        raise CodesignRuleError(f"Decide every proposal first: {', '.join(undecided)} "
                                f"{'has' if len(undecided) == 1 else 'have'} no decision")
    if effective_from <= consultation.closes_on:
        raise CodesignRuleError(f"The new version must come into force after the consultation closed on "
                                f"{govuk_date(consultation.closes_on)}", "effective_from")
    if effective_from < today():
        # A version in force from a past day would change the evidence already measured against the old one.
        raise CodesignRuleError("The new version cannot come into force on a day that has passed", "effective_from")
    _charter_to_change(consultation.review.council_slug)


def _charter_to_change(council_slug: str) -> Charter:
    """The published charter, when no draft version is being edited (the decisions would be lost in it)."""
    current = published_charter(council_slug)
    if current is None:
        raise CodesignRuleError("The council has no published charter to change")
    draft_waiting = db.session.scalar(select(Charter).where(Charter.council_slug == council_slug,
                                                            Charter.status == CharterStatus.DRAFT))
    if draft_waiting is not None:
        raise CodesignRuleError(f"Draft version {draft_waiting.version} is being edited on the charters page. Publish "
                                "it first, so the decisions are applied to the charter residents see.")
    return current


def _apply(draft: Charter, proposals: list[Proposal]) -> None:
    """Each adopted or amended proposal applied to the draft copy of the charter."""
    by_code = {c.code: c for c in draft.commitments}
    for proposal in proposals:
        if proposal.decision == DecisionKind.REJECT:
            continue
        commitment = by_code.get(proposal.commitment_code)
        kind = proposal.kind_value
        if kind == ProposalKind.NEW:
            draft.commitments.append(Commitment(
                code=proposal.commitment_code, number=len(draft.commitments) + 1, wording=proposal.adopted_text,
                channel=proposal.channel or Channel.ANY, standards=proposal.proposed_standards or ()))
        elif commitment is None:
            continue  # stopped already by a change to the charter since the proposal was made
        elif kind == ProposalKind.RETIRED:
            draft.commitments.remove(commitment)
        else:
            if proposal.adopted_text:
                commitment.wording = proposal.adopted_text
            if kind == ProposalKind.RETARGETED and proposal.proposed_standards is not None:
                commitment.standards = proposal.proposed_standards
