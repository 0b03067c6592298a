"""Moving a review through its stages (evidence, proposals, consultation, decisions, adopted): audited, and the
annual pack published for residents on adoption and taken down if the review moves back."""

from __future__ import annotations

from core.audit import record_audit
from core.extensions import db
from core.models import StaffUser
from reviews.cycles import ReviewRuleError
from reviews.models import Review, ReviewStage
from reviews.pack.publishing import publish_pack, withdraw_pack


def move_stage(review: Review, direction: str, *, by: StaffUser) -> ReviewStage:
    """Move the review to the next stage, or back one step to put a mistake right; audited."""
    stages = list(ReviewStage)
    current = review.stage_value
    step = {"forward": 1, "back": -1}.get(direction)
    if step is None:
        raise ReviewRuleError("Choose whether to move the review forward or back")
    position = current.position + step
    if position >= len(stages):
        raise ReviewRuleError("This review is adopted: it has no further stage")
    if position < 0:
        raise ReviewRuleError("This review is at its first stage: it cannot move back")
    new = stages[position]
    record_audit(review, "review.stage_changed", by=by, before={"stage": current.value},
                 after={"stage": new.value}, summary=f"Stage changed from {current.label} to {new.label}")
    review.stage = new.value
    if current == ReviewStage.ADOPTED:
        withdraw_pack(review)  # in the same transaction: residents never see the pack of a review not adopted
    db.session.commit()
    if new == ReviewStage.ADOPTED:
        # Adopted: the pack is published with today's figures, in a transaction of its own (building it commits).
        publish_pack(review, by=by)
    return new
