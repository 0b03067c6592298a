"""The complaints figures of a year for the annual report and the annual standards-review pack (Complaint Handling
Codes 8.1: the annual complaints performance and service improvement report), each counted in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select

from complaints import deadlines
from complaints.models import (
    Complaint,
    ComplaintClock,
    ComplaintExtension,
    ComplaintResponse,
    OmbudsmanReferral,
    Remedy,
)
from complaints.queries import clock_results
from core.extensions import db
from feedback.models import FeedbackItem

#: The Housing Ombudsman's regime: the complaints the Tenant Satisfaction Measures CH01 and CH02 count.
HOUSING = "ho"


@dataclass(frozen=True)
class StageFigures:
    """One stage of the procedure over the year."""

    stage: int
    received: int
    #: (met, counted) for the acknowledgement and the response clocks started in the year (complaints.queries).
    acknowledged: tuple[int, int]
    answered: tuple[int, int]
    extensions: int
    #: Responses sent in the year, by outcome ("upheld", "partly_upheld", "not_upheld").
    outcomes: dict[str, int]
    #: Mean working days from the response clock's start to the response, over responses sent in the year.
    average_working_days: float | None


@dataclass(frozen=True)
class ComplaintsYear:
    stages: tuple[StageFigures, ...]
    #: Refused in the year, by the exclusion given (Code 2.2); None when no exclusion was recorded.
    refused: dict[str | None, int]
    #: Stage 1 responses sent in the year, and how many of those complaints were escalated to stage 2.
    stage1_answered: int
    escalated: int
    #: Remedies agreed (by kind): (count, total amount of the financial ones).
    remedies: dict[str, tuple[int, Decimal]]
    #: Ombudsman referrals received in the year: (ombudsman, kind) -> count; decisions made in the year by decision.
    referrals: dict[tuple[str, str], int]
    decisions: dict[str, int]
    #: Housing complaints only (regime "ho"): received per stage, and (answered within the Code, answered) per
    #: stage, for the Tenant Satisfaction Measures CH01 and CH02.
    housing_received: dict[int, int]
    housing_answered: dict[int, tuple[int, int]]

    @property
    def received(self) -> int:
        return self.stages[0].received if self.stages else 0


def _within(column, start: date, end: date):
    return and_(column >= start, column <= end)


def _received_per_stage(start: date, end: date, regime: str | None = None) -> dict[int, int]:
    """Stage 1 complaints received (the feedback item's day of receipt) and stage 2 complaints (the day the
    resident asked for stage 2) in the period."""
    first = select(func.count()).select_from(Complaint).join(FeedbackItem, FeedbackItem.id == Complaint.feedback_id)
    second = select(func.count()).select_from(Complaint).where(_within(Complaint.escalated_on, start, end))
    first = first.where(_within(FeedbackItem.received_on, start, end))
    if regime is not None:
        first, second = first.where(Complaint.regime == regime), second.where(Complaint.regime == regime)
    return {1: db.session.scalar(first) or 0, 2: db.session.scalar(second) or 0}


def _housing_answered(start: date, end: date) -> dict[int, tuple[int, int]]:
    """CH02: of the housing complaints answered in the period at each stage, how many within the Code's
    timescales. A response on or before its clock's due date is on time; the due date includes any extension the
    Code allows, which the measure is assumed to accept (see docs/reviews.md)."""
    on_time = func.sum(func.cast(ComplaintClock.done_on <= ComplaintClock.due_on, db.Integer))
    rows = db.session.execute(
        select(ComplaintClock.stage, func.coalesce(on_time, 0), func.count())
        .join(Complaint, Complaint.id == ComplaintClock.complaint_id)
        .where(Complaint.regime == HOUSING, ComplaintClock.kind == deadlines.RESPOND,
               ComplaintClock.due_on.is_not(None), _within(ComplaintClock.done_on, start, end))
        .group_by(ComplaintClock.stage)).all()
    answered = {stage: (0, 0) for stage in (1, 2)}
    answered.update({stage: (int(met), int(count)) for stage, met, count in rows})
    return answered


def _average_working_days(start: date, end: date) -> dict[int, float]:
    """Mean working days from each response clock's day 0 to its response, for responses made in the period.
    Clocks are grouped by their two dates in SQL; each distinct pair is counted on the council's calendar once."""
    rows = db.session.execute(
        select(ComplaintClock.stage, ComplaintClock.started_on, ComplaintClock.done_on, func.count())
        .where(ComplaintClock.kind == deadlines.RESPOND, _within(ComplaintClock.done_on, start, end))
        .group_by(ComplaintClock.stage, ComplaintClock.started_on, ComplaintClock.done_on)).all()
    calendar = deadlines.calendar()
    days: dict[int, list[int]] = {}
    for stage, started, done, count in rows:
        total = days.setdefault(stage, [0, 0])
        total[0] += calendar.working_days_between(started, done) * count
        total[1] += count
    return {stage: worked / count for stage, (worked, count) in days.items() if count}


def complaints_year(start: date, end: date, as_of: date) -> ComplaintsYear:
    """Every complaints figure of the annual report for the period from ``start`` to ``end`` inclusive."""
    received = _received_per_stage(start, end)
    extensions = dict(db.session.execute(
        select(ComplaintClock.stage, func.count()).select_from(ComplaintExtension)
        .join(ComplaintClock, ComplaintClock.id == ComplaintExtension.clock_id)
        .where(_within(ComplaintExtension.agreed_on, start, end)).group_by(ComplaintClock.stage)).all())
    outcomes: dict[int, dict[str, int]] = {1: {}, 2: {}}
    for stage, outcome, count in db.session.execute(
            select(ComplaintResponse.stage, ComplaintResponse.outcome, func.count())
            .where(_within(ComplaintResponse.sent_on, start, end), ComplaintResponse.outcome.is_not(None))
            .group_by(ComplaintResponse.stage, ComplaintResponse.outcome)):
        outcomes.setdefault(stage, {})[outcome] = count
    averages = _average_working_days(start, end)
    stages = tuple(StageFigures(
        stage=stage, received=received[stage],
        acknowledged=clock_results(stage, deadlines.ACKNOWLEDGE, start, end, as_of),
        answered=clock_results(stage, deadlines.RESPOND, start, end, as_of),
        extensions=extensions.get(stage, 0), outcomes=outcomes.get(stage, {}),
        average_working_days=averages.get(stage)) for stage in (1, 2))
    refused = dict(db.session.execute(
        select(Complaint.refusal_exclusion, func.count()).where(_within(Complaint.refused_on, start, end))
        .group_by(Complaint.refusal_exclusion)).all())
    stage1_answered, escalated = db.session.execute(
        select(func.count(), func.count(Complaint.escalated_on))
        .select_from(ComplaintResponse).join(Complaint, Complaint.id == ComplaintResponse.complaint_id)
        .where(ComplaintResponse.stage == 1, _within(ComplaintResponse.sent_on, start, end))).one()
    remedies = {kind: (count, Decimal(amount or 0)) for kind, count, amount in db.session.execute(
        select(Remedy.kind, func.count(), func.sum(Remedy.amount)).select_from(Remedy)
        .join(Complaint, Complaint.id == Remedy.complaint_id)
        .join(FeedbackItem, FeedbackItem.id == Complaint.feedback_id)
        .where(_within(FeedbackItem.received_on, start, end)).group_by(Remedy.kind))}
    referrals = {(ombudsman, kind): count for ombudsman, kind, count in db.session.execute(
        select(OmbudsmanReferral.ombudsman, OmbudsmanReferral.kind, func.count())
        .where(_within(OmbudsmanReferral.received_on, start, end))
        .group_by(OmbudsmanReferral.ombudsman, OmbudsmanReferral.kind))}
    decisions = dict(db.session.execute(
        select(OmbudsmanReferral.decision, func.count())
        .where(_within(OmbudsmanReferral.decided_on, start, end), OmbudsmanReferral.decision.is_not(None))
        .group_by(OmbudsmanReferral.decision)).all())
    return ComplaintsYear(
        stages=stages, refused=refused, stage1_answered=int(stage1_answered or 0), escalated=int(escalated or 0),
        remedies=remedies, referrals=referrals, decisions=decisions,
        housing_received=_received_per_stage(start, end, HOUSING), housing_answered=_housing_answered(start, end))
