"""The complaints part of anonymisation: which cases are still needed, and what a case holds about the resident.

Feedback decides which items are past retention and calls this part for the complaint cases on them
(feedback.retention). Kept: stages, states, dates, clocks, outcomes, remedy kinds and amounts, Ombudsman decisions
and learning actions, so the complaint figures and "You said, we did" stay the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, case, exists, func, or_, select, true, update

from complaints.letters import SUBJECTS
from complaints.models import (
    OPEN_STATES,
    Complaint,
    ComplaintClock,
    ComplaintExtension,
    ComplaintLetter,
    ComplaintPause,
    ComplaintPoint,
    ComplaintResponse,
    Finding,
    LearningAction,
    LearningStatus,
    OmbudsmanReferral,
    Remedy,
    Restriction,
)
from core.extensions import db
from core.models import AuditEvent, OutboxMessage, Resident
from feedback.models import FeedbackItem
from feedback.retention import (
    REMOVED,
    Cutoffs,
    RetentionPart,
    clear_outbox,
    record_anonymised,
    removed_if_any,
    scrub_audit_events,
)

#: Case history whose summary ends with text staff or the resident wrote ("Clock paused: <reason>").
_FREE_TEXT_SUMMARIES = frozenset({"complaint.paused", "complaint.withdrawn", "complaint.remedy_added",
                                  "complaint.remedy_completed"})
_RESTRICTION_SUMMARIES = frozenset({"restriction.reviewed"})
_RESTRICTION_VALUES = frozenset({"reason"})

_CLEARED = "the complaint's points, findings, reasons, notes, remedies' descriptions and letters"


class ComplaintRetention(RetentionPart):
    noun = ("complaint", "complaints")

    def keeps(self, item: type[FeedbackItem], limits: Cutoffs) -> ColumnElement[bool]:
        """A case is kept while it is open; until the retention period has passed since its closure and every
        later step, by the dates recorded for them and by its history; while an Ombudsman referral waits for a
        decision, a remedy is not yet done (Complaint Handling Code 6.6) or a learning action is not yet done (an
        anonymised case can no longer be changed, so its learning could never be marked done); and while a
        restriction it led to is in force."""
        moment, day = limits.finished_moment, limits.finished_before
        still_needed = or_(
            Complaint.is_open == true(),
            Complaint.state.in_(OPEN_STATES),
            Complaint.closed_on >= day, Complaint.refused_on >= day, Complaint.withdrawn_on >= day,
            Complaint.escalated_on >= day,
            exists().where(ComplaintResponse.complaint_id == Complaint.id, ComplaintResponse.sent_on >= day),
            exists().where(Remedy.complaint_id == Complaint.id, Remedy.completed_on >= day),
            exists().where(OmbudsmanReferral.complaint_id == Complaint.id,
                           or_(OmbudsmanReferral.received_on >= day, OmbudsmanReferral.decided_on >= day)),
            exists().where(AuditEvent.target_type == Complaint.__tablename__, AuditEvent.target_id == Complaint.id,
                           AuditEvent.at >= moment),
            exists().where(OmbudsmanReferral.complaint_id == Complaint.id, OmbudsmanReferral.decision.is_(None)),
            exists().where(Remedy.complaint_id == Complaint.id, Remedy.completed_on.is_(None)),
            exists().where(LearningAction.complaint_id == Complaint.id, LearningAction.status != LearningStatus.DONE),
            exists().where(Restriction.complaint_id == Complaint.id, Restriction.ended_on.is_(None)),
        )
        return exists().where(Complaint.feedback_id == item.id, still_needed)

    def keeps_resident(self, resident: type[Resident]) -> ColumnElement[bool]:
        """The council needs to know who a restriction in force applies to."""
        return exists().where(Restriction.resident_id == resident.id, Restriction.ended_on.is_(None))

    def count(self, item_ids: Sequence[int]) -> int:
        return db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.feedback_id.in_(item_ids)))

    def anonymise(self, item_ids: Sequence[int], *, at: datetime) -> dict[int, list[str]]:
        cases = dict(db.session.execute(select(Complaint.id, Complaint.feedback_id)
                                        .where(Complaint.feedback_id.in_(item_ids))).all())
        if not cases:
            return {}
        ids = sorted(cases)
        _clear(Complaint, Complaint.id.in_(ids), escalation_note=_optional, refusal_reason=_optional,
               withdrawal_reason=_optional, version_id=Complaint.__table__.c.version_id + 1)
        _clear(ComplaintPoint, ComplaintPoint.complaint_id.in_(ids), summary=REMOVED)
        _clear(Finding, Finding.response_id.in_(select(ComplaintResponse.id)
                                                .where(ComplaintResponse.complaint_id.in_(ids))), reasons=REMOVED)
        clocks = select(ComplaintClock.id).where(ComplaintClock.complaint_id.in_(ids))
        _clear(ComplaintExtension, ComplaintExtension.clock_id.in_(clocks), reason=REMOVED, good_reason=_optional)
        _clear(ComplaintPause, ComplaintPause.clock_id.in_(clocks), reason=REMOVED)
        _clear(Remedy, Remedy.complaint_id.in_(ids), description=REMOVED, completion_note=_optional)
        # Letters are kept as sent until now; what they recorded (points, reasons) goes with their text. Staff may
        # have edited a subject (to name the resident, say): each goes back to its standard subject.
        _clear(ComplaintLetter, ComplaintLetter.complaint_id.in_(ids), body=REMOVED, to_address=REMOVED, payload={},
               subject=_standard_subject())
        letter, outbox = ComplaintLetter.__table__, OutboxMessage.__table__
        db.session.execute(update(outbox).where(outbox.c.id == letter.c.outbox_message_id,
                                                letter.c.complaint_id.in_(ids)).values(subject=letter.c.subject))
        _clear(OmbudsmanReferral, OmbudsmanReferral.complaint_id.in_(ids), notes=_optional,
               version_id=OmbudsmanReferral.__table__.c.version_id + 1)
        clear_outbox(Complaint.__tablename__, ids)
        scrub_audit_events(Complaint.__tablename__, ids, summaries=_FREE_TEXT_SUMMARIES)
        record_anonymised(Complaint.__tablename__, "complaint.anonymised", {case: [_CLEARED] for case in ids}, at=at)
        return {cases[case]: [_CLEARED] for case in ids}

    def anonymise_residents(self, resident_ids: Sequence[int], *, at: datetime) -> None:
        """Ended restrictions on these residents keep their dates and scope; the reasons go."""
        ended = list(db.session.scalars(select(Restriction.id).where(Restriction.resident_id.in_(resident_ids),
                                                                     Restriction.ended_on.is_not(None))))
        if not ended:
            return
        _clear(Restriction, Restriction.id.in_(ended), reason=REMOVED, restrictions=REMOVED, end_reason=_optional,
               version_id=Restriction.__table__.c.version_id + 1)
        scrub_audit_events(Restriction.__tablename__, ended, summaries=_RESTRICTION_SUMMARIES,
                           values=_RESTRICTION_VALUES)


def _standard_subject() -> ColumnElement[str]:
    """SQL: a letter's subject as drafted, before any edit ("Our response to your complaint: CMP-2026-00042")."""
    letter = ComplaintLetter.__table__
    reference = (select(FeedbackItem.reference).join(Complaint, Complaint.feedback_id == FeedbackItem.id)
                 .where(Complaint.id == letter.c.complaint_id).scalar_subquery())
    return case({kind.value: f"{subject}: " for kind, subject in SUBJECTS.items()}, value=letter.c.kind,
                else_="") + reference


#: Stands for "the placeholder where there was text, nothing where there was none".
_optional = object()


def _clear(model: type, where: ColumnElement[bool], **values: object) -> None:
    table = model.__table__
    db.session.execute(update(table).where(where).values(
        {name: removed_if_any(table.c[name]) if value is _optional else value for name, value in values.items()}))

