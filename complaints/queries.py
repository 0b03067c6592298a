"""Reads for complaints pages and reports: the officer dashboard, counts, CSV rows, tracking, and learning."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from complaints import deadlines
from complaints.models import (
    Complaint,
    ComplaintClock,
    ComplaintState,
    LearningAction,
    LearningStatus,
    Restriction,
    learning_action_commitment,
    running,
    state_label,
)
from core.extensions import db
from core.models import Channel, Charter, CharterStatus, Commitment, ServiceArea, StaffUser
from core.text import storable_int
from feedback.models import FeedbackItem, feedback_commitment

#: Due within this many working days is "due soon" (amber); before today is overdue (red).
DUE_SOON_WORKING_DAYS = 2
PAGE_SIZE = 25

#: Sort keys offered on the dashboard and what each orders by.
SORTS = {
    "due": "Due date, soonest first",
    "-due": "Due date, latest first",
    "received": "Date received, oldest first",
    "-received": "Date received, newest first",
    "reference": "Reference",
}

#: State filters: "open" (a clock is running), "all", or one state.
STATE_FILTERS = ("open", "all", *(s.value for s in ComplaintState))
DUE_FILTERS = ("overdue", "due_soon", "on_track")


@dataclass(frozen=True)
class Filters:
    mine: int | None = None
    stage: int | None = None
    regime: str | None = None
    service_id: int | None = None
    handler_id: int | None = None
    commitment_id: int | None = None
    #: Only cases with no handler for the current stage.
    unassigned: bool = False
    #: Only cases that missed a stage deadline falling in this month (its first day).
    breached_in: date | None = None
    due: str | None = None
    state: str = "open"
    sort: str = "due"
    page: int = 1
    #: A stage clock ("1-acknowledge", "2-respond") started between two days and measured by today (the
    #: charter review's link to the cases behind a figure).
    clock: str | None = None
    clock_from: date | None = None
    clock_to: date | None = None
    #: Cases whose feedback came in by any of these ways (a commitment about email covers the web form too).
    channels: tuple[str, ...] = ()

    def with_page(self, page: int) -> Filters:
        return replace(self, page=page)


def _int(value: str | None) -> int | None:
    # A number no id can exceed, so the database never overflows; anything else is ignored.
    return storable_int(value)


#: The query-string names ``parse_filters`` reads, but the page: what the list's page links and export keep.
FILTER_NAMES = ("stage", "regime", "service", "handler", "breached", "commitment", "due", "state", "sort", "clock",
                "clock_from", "clock_to", "channel")


def parse_filters(args, *, mine: int | None = None) -> Filters:
    """Filters from the query string; anything not recognised is ignored rather than refused."""
    stage = _int(args.get("stage"))
    return Filters(
        mine=mine,
        stage=stage if stage in (1, 2) else None,
        regime=args.get("regime") if args.get("regime") in ("lgsco", "ho") else None,
        service_id=_int(args.get("service")),
        handler_id=_int(args.get("handler")),
        unassigned=args.get("handler") == "none",
        breached_in=_month(args.get("breached")),
        commitment_id=_int(args.get("commitment")),
        due=args.get("due") if args.get("due") in DUE_FILTERS else None,
        state=args.get("state") if args.get("state") in STATE_FILTERS else "open",
        sort=args.get("sort") if args.get("sort") in SORTS else "due",
        page=max(_int(args.get("page")) or 1, 1),
        clock=args.get("clock") if args.get("clock") in CLOCK_FILTERS else None,
        clock_from=_iso(args.get("clock_from")),
        clock_to=_iso(args.get("clock_to")),
        channels=_channels(args),
    )


#: The ways in a list can be narrowed to (every channel but "any", which is a commitment's, not an item's).
CHANNEL_FILTERS = tuple(channel.value for channel in Channel if channel != Channel.ANY)


def _channels(args) -> tuple[str, ...]:
    """The channels asked for, each once, in the usual order; unknown ones are ignored like any other filter."""
    asked = set(args.getlist("channel") if hasattr(args, "getlist") else [args.get("channel")])
    return tuple(channel for channel in CHANNEL_FILTERS if channel in asked)


def _month(value: str | None) -> date | None:
    """The first day of the month "YYYY-MM" names, or None."""
    try:
        month = datetime.strptime(value, "%Y-%m").date() if value else None
    except ValueError:
        return None
    # The month's last day is worked out from the next month's first: December 9999 has none.
    return month if month is None or month.year < 9999 else None


#: The stage clocks a list can be narrowed to.
CLOCK_FILTERS = tuple(f"{stage}-{kind}" for stage in (1, 2) for kind in (deadlines.ACKNOWLEDGE, deadlines.RESPOND))


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def due_soon_limit(today: date) -> date:
    return deadlines.add_working_days(today, DUE_SOON_WORKING_DAYS)


def due_tag(due_on: date | None, today: date, soon_limit: date) -> tuple[str, str] | None:
    """(label, GOV.UK tag colour) for a due date: on track (green), due soon (yellow), overdue (red)."""
    if due_on is None:
        return None
    if due_on < today:
        return "Overdue", "red"
    if due_on <= soon_limit:
        return "Due soon", "yellow"
    return "On track", "green"


def _conditions(filters: Filters, today: date) -> list:
    conditions = []
    if filters.mine is not None:
        conditions.append(Complaint.handler_id == filters.mine)
    if filters.handler_id is not None:
        conditions.append(Complaint.handler_id == filters.handler_id)
    if filters.unassigned:
        conditions.append(Complaint.handler_id.is_(None))
    if filters.breached_in is not None:
        conditions.append(Complaint.id.in_(_breached_in(filters.breached_in, today)))
    if filters.stage is not None:
        conditions.append(Complaint.stage == filters.stage)
    if filters.regime is not None:
        conditions.append(Complaint.regime == filters.regime)
    if filters.service_id is not None:
        conditions.append(FeedbackItem.service_area_id == filters.service_id)
    if filters.channels:
        # An alias, so the condition reads the same whether or not the query has joined the case's feedback item.
        item = aliased(FeedbackItem)
        conditions.append(exists().where(item.id == Complaint.feedback_id, item.channel.in_(filters.channels)))
    if filters.commitment_id is not None:
        conditions.append(exists().where(feedback_commitment.c.feedback_id == Complaint.feedback_id,
                                         feedback_commitment.c.commitment_id == filters.commitment_id))
    if filters.clock is not None:
        stage, _, kind = filters.clock.partition("-")
        conditions.append(exists().where(ComplaintClock.complaint_id == Complaint.id,
                                         *clock_measured(int(stage), kind, filters.clock_from, filters.clock_to,
                                                         today)))
    if filters.due is not None:
        # A due date means a running clock, so the "open" state is implied; saying it twice would make the
        # database planner count it twice and misjudge how many rows there are.
        conditions += _due_conditions(filters.due, today)
        return conditions + ([] if filters.state == "open" else _state_conditions(filters.state))
    return conditions + _state_conditions(filters.state)


def _filtered(query: Select, filters: Filters, today: date, *, join_item: bool) -> Select:
    """``query`` narrowed by the filters; the feedback item is joined only when the filters or the page need it."""
    if join_item or filters.service_id is not None:
        query = query.join(Complaint.feedback)
    conditions = _conditions(filters, today)
    return query.where(and_(*conditions)) if conditions else query


def _due_conditions(due: str, today: date) -> list:
    # Only cases with a running clock have a due date; saying so lets the partial indexes answer.
    soon = due_soon_limit(today)
    open_now = running()
    if due == "overdue":
        return [open_now, Complaint.due_on < today]
    if due == "due_soon":
        return [open_now, Complaint.due_on >= today, Complaint.due_on <= soon]
    return [open_now, Complaint.due_on > soon]


def _state_conditions(state: str) -> list:
    if state == "open":
        return [running()]
    if state == "all":
        return []
    return [Complaint.state == state]


def _ordered(query: Select, sort: str) -> Select:
    if sort == "reference":
        return query.order_by(FeedbackItem.reference)
    if sort in ("received", "-received"):
        column = FeedbackItem.received_on
        return query.order_by(column.desc() if sort.startswith("-") else column, Complaint.id)
    column = Complaint.due_on
    return query.order_by(column.desc() if sort == "-due" else column, Complaint.id)


@dataclass
class DashboardPage:
    rows: list[Complaint]
    total: int
    filters: Filters
    counts: list[tuple[str, int]]
    restricted_residents: set[int] = field(default_factory=set)

    @property
    def pages(self) -> int:
        return max((self.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


def dashboard(filters: Filters, today: date) -> DashboardPage:
    """One page of cases, with the counts by state (and so the total), for the officer dashboard."""
    counts = _state_counts(filters, today)
    total = sum(n for _, n in counts)
    # A page past the last shows the last, like the feedback inbox.
    filters = filters.with_page(min(filters.page, max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)))
    query = (_ordered(_filtered(select(Complaint), filters, today, join_item=True), filters.sort)
             .options(contains_eager(Complaint.feedback).joinedload(FeedbackItem.service_area),
                      joinedload(Complaint.handler))
             .limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE))
    rows = list(db.session.scalars(query).unique())
    residents = {c.feedback.resident_id for c in rows if c.feedback.resident_id}
    return DashboardPage(rows, total, filters, counts, restricted_residents(residents))


def _state_counts(filters: Filters, today: date) -> list[tuple[str, int]]:
    """How many cases are in each stage and state, within the filters; counted in the index where it can be."""
    query = _filtered(select(Complaint.stage, Complaint.state, func.count()).select_from(Complaint), filters, today,
                      join_item=False)
    rows = db.session.execute(query.group_by(Complaint.stage, Complaint.state)).all()
    # Cases still moving first (stage by stage), then finished ones.
    order = {s.value: i for i, s in enumerate(ComplaintState)}
    finished = order[ComplaintState.CLOSED]
    rows.sort(key=lambda r: (order[r[1]] >= finished, r[0], order[r[1]]))
    return [(state_label(stage, state), count) for stage, state, count in rows]


def export_rows(filters: Filters, today: date, batch: int = 1000) -> Iterator[Complaint]:
    """Every case matching the filters, in dashboard order, loaded a batch at a time."""
    query = _ordered(_filtered(select(Complaint), filters, today, join_item=True), filters.sort).options(
        contains_eager(Complaint.feedback).joinedload(FeedbackItem.service_area), joinedload(Complaint.handler))
    offset = 0
    while True:
        rows = list(db.session.scalars(query.limit(batch).offset(offset)).unique())
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


def restricted_residents(resident_ids: set[int]) -> set[int]:
    """Which of these residents have a restriction in force (a flag on their cases, never a block)."""
    if not resident_ids:
        return set()
    return set(db.session.scalars(
        select(Restriction.resident_id).where(Restriction.resident_id.in_(resident_ids),
                                              Restriction.ended_on.is_(None))))


def restrictions_for(resident_id: int | None) -> list[Restriction]:
    if resident_id is None:
        return []
    return list(db.session.scalars(
        select(Restriction).where(Restriction.resident_id == resident_id).order_by(Restriction.decided_on.desc())))


def restriction_register(include_ended: bool = False, review_by: date | None = None) -> list[Restriction]:
    """The register, by review date; ``review_by``: only restrictions in force due for review by that day."""
    query = select(Restriction).options(joinedload(Restriction.resident), joinedload(Restriction.service_area))
    if not include_ended or review_by is not None:
        query = query.where(Restriction.ended_on.is_(None))
    if review_by is not None:
        query = query.where(Restriction.review_on <= review_by)
    return list(db.session.scalars(query.order_by(Restriction.review_on)))


def handlers() -> list[StaffUser]:
    """Staff who can handle complaints, for filters and assignment."""
    return list(db.session.scalars(
        select(StaffUser).where(StaffUser.active.is_(True),
                                StaffUser.role.in_(("case_handler", "complaints_officer", "admin")))
        .order_by(StaffUser.name)))


def service_areas() -> list[ServiceArea]:
    return list(db.session.scalars(select(ServiceArea).order_by(ServiceArea.name)))


def commitments_in_use() -> list[Commitment]:
    """Commitments of the published charters, for the dashboard filter."""
    return list(db.session.scalars(
        select(Commitment).join(Commitment.charter).where(Charter.status == CharterStatus.PUBLISHED)
        .order_by(Commitment.code)))


def complaints_not_opened(limit: int = 50) -> list[FeedbackItem]:
    """Open feedback items recorded (or reclassified) as complaints that are not yet under the procedure (an item
    anonymised under the retention policy is finished with)."""
    return list(db.session.scalars(
        select(FeedbackItem).outerjoin(Complaint, Complaint.feedback_id == FeedbackItem.id)
        .where(FeedbackItem.kind == "complaint", FeedbackItem.status.not_in(("closed", "withdrawn")),
               FeedbackItem.anonymised_at.is_(None), Complaint.id.is_(None))
        .order_by(FeedbackItem.received_on, FeedbackItem.id).limit(limit)))


def complaint_for_token_hash(token_hash: str) -> Complaint | None:
    return db.session.scalar(
        select(Complaint).join(Complaint.feedback).where(FeedbackItem.tracking_token_hash == token_hash))


def complaint_for_item(item: FeedbackItem) -> Complaint | None:
    return db.session.scalar(select(Complaint).where(Complaint.feedback_id == item.id))


def you_said_we_did(start: date, end: date) -> list[LearningAction]:
    """Learning actions completed in the period, with the commitments they relate to, for the annual pack."""
    return list(db.session.scalars(
        select(LearningAction).options(joinedload(LearningAction.commitments),
                                       joinedload(LearningAction.complaint).joinedload(Complaint.feedback))
        .where(LearningAction.status == LearningStatus.DONE, LearningAction.completed_on >= start,
               LearningAction.completed_on <= end)
        .order_by(LearningAction.completed_on)).unique())


def learning_actions(open_only: bool = False) -> list[LearningAction]:
    query = select(LearningAction).options(joinedload(LearningAction.commitments),
                                           joinedload(LearningAction.complaint).joinedload(Complaint.feedback))
    if open_only:
        query = query.where(LearningAction.status != LearningStatus.DONE)
    return list(db.session.scalars(query.order_by(LearningAction.due_on)).unique())



# --- The staff home's figures -------------------------------------------------------------------------------


def month_span(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s month."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _breached_in(month: date, today: date) -> Select:
    """Ids of cases that missed a stage deadline (acknowledge or respond) falling in ``month``: done after its due
    date, or not done and past it while the case is still open (a withdrawn or refused case stopped its clock)."""
    first, last = month_span(month)
    late = ComplaintClock.done_on > ComplaintClock.due_on
    missed = and_(ComplaintClock.done_on.is_(None), ComplaintClock.due_on < today, running())
    return (select(ComplaintClock.complaint_id).join(Complaint, Complaint.id == ComplaintClock.complaint_id)
            .where(ComplaintClock.due_on >= first, ComplaintClock.due_on <= last, or_(late, missed)))


def breaches_in_month(month: date, today: date) -> int:
    """Cases that missed a stage deadline falling in ``month`` (each case once, as the dashboard lists them)."""
    return db.session.scalar(select(func.count(func.distinct(_breached_in(month, today).subquery().c.complaint_id))))


def my_cases_due(handler_id: int, today: date) -> tuple[int, int]:
    """(due within the next 2 working days, overdue) of a handler's cases with a running clock: from the partial
    index on open cases by handler and due date."""
    soon = due_soon_limit(today)
    due_soon, overdue = db.session.execute(
        select(func.count(case((Complaint.due_on >= today, 1))), func.count(case((Complaint.due_on < today, 1))))
        .where(running(), Complaint.handler_id == handler_id, Complaint.due_on <= soon)
    ).one()
    return due_soon, overdue


def unassigned_count() -> int:
    """Open cases with nobody handling the current stage."""
    return db.session.scalar(select(func.count()).select_from(Complaint)
                             .where(running(), Complaint.handler_id.is_(None)))


def restriction_review_horizon(on: date) -> date:
    """Restrictions due for review by this day are "due": the deciding officer's notice period ahead of ``on``."""
    return deadlines.add_working_days(on, current_app.config["CHARTERLINE_RESTRICTION_REMINDER_DAYS"])


def restriction_reviews_due(on: date) -> int:
    """Restrictions in force whose review falls within the notice period (the ones the reminders are about)."""
    return db.session.scalar(select(func.count()).select_from(Restriction).where(
        Restriction.ended_on.is_(None), Restriction.review_on <= restriction_review_horizon(on)))


# --- The charter review: the Codes' stage clocks and the learning raised, over a review year ----------------------


def clock_measured(stage: int, kind: str, start: date | None, end: date | None, as_of: date) -> list:
    """The stage clocks a review counts: started in the period and either done (with a due date) or overdue by
    ``as_of``. A paused clock, or one still running within its time, is not yet a result either way."""
    # A clock not done counts as missed only while its case is still open: a withdrawn or refused case stopped it.
    missed = select(Complaint.id).where(Complaint.id == ComplaintClock.complaint_id, running()).exists()
    conditions = [ComplaintClock.stage == stage, ComplaintClock.kind == kind,
                  or_(and_(ComplaintClock.done_on.is_not(None), ComplaintClock.due_on.is_not(None)),
                      and_(ComplaintClock.done_on.is_(None), ComplaintClock.due_on < as_of, missed))]
    if start is not None:
        conditions.append(ComplaintClock.started_on >= start)
    if end is not None:
        conditions.append(ComplaintClock.started_on <= end)
    return conditions


def clock_results(stage: int, kind: str, start: date, end: date, as_of: date,
                  channels: list[str] | None = None) -> tuple[int, int]:
    """(met, counted) for one stage clock over the period, in one SQL aggregate.

    The due date stored on each clock already carries its extensions (Complaint Handling Codes 6.4 and 6.13 at
    stage 2: the resident is told and the new date is kept), and its pauses, so a reply on or before the extended
    due date meets it (complaints.deadlines).
    """
    met = func.sum(case((ComplaintClock.done_on <= ComplaintClock.due_on, 1), else_=0))
    statement = select(met, func.count()).where(*clock_measured(stage, kind, start, end, as_of))
    if channels is not None:
        # The case joined under another name: clock_measured asks whether the clock's case is still open through
        # a subquery of its own, which would otherwise be folded into this query and find nothing to read.
        case_of_clock = aliased(Complaint)
        statement = (statement.join(case_of_clock, case_of_clock.id == ComplaintClock.complaint_id)
                     .join(FeedbackItem, FeedbackItem.id == case_of_clock.feedback_id)
                     .where(FeedbackItem.channel.in_(channels)))
    done, counted = db.session.execute(statement).one()
    return int(done or 0), int(counted or 0)


def case_ids(references: list[str]) -> dict[str, int]:
    """The complaint opened on each feedback reference given (so a list of learning can link to each case)."""
    if not references:
        return {}
    statement = (select(FeedbackItem.reference, Complaint.id).join(Complaint, Complaint.feedback_id == FeedbackItem.id)
                 .where(FeedbackItem.reference.in_(set(references))))
    return dict(db.session.execute(statement).all())


def learning_by_commitment(codes: list[str], start: date, end: date) -> list[tuple]:
    """Learning actions tagged to each commitment code and raised from a complaint received in the period, or
    completed in it: rows of (code, reference, description, status, due_on, completed_on)."""
    if not codes:
        return []
    statement = (
        select(Commitment.code, FeedbackItem.reference, LearningAction.description, LearningAction.status,
               LearningAction.due_on, LearningAction.completed_on)
        .join(learning_action_commitment, learning_action_commitment.c.commitment_id == Commitment.id)
        .join(LearningAction, LearningAction.id == learning_action_commitment.c.learning_action_id)
        .join(Complaint, Complaint.id == LearningAction.complaint_id)
        .join(FeedbackItem, FeedbackItem.id == Complaint.feedback_id)
        .where(Commitment.code.in_(codes),
               or_(and_(FeedbackItem.received_on >= start, FeedbackItem.received_on <= end),
                   and_(LearningAction.completed_on >= start, LearningAction.completed_on <= end)))
        .order_by(Commitment.code, LearningAction.due_on, LearningAction.id))
    return list(db.session.execute(statement).all())
