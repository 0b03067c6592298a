"""Fictional demonstration complaints in every state, added to `flask demo load`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from complaints import services
from complaints.deadlines import add_working_days, calendar
from complaints.models import Complaint, Exclusion, Outcome, RemedyKind
from core.charters import published_charter
from core.extensions import db
from core.models import Regime, Resident, ServiceArea, StaffUser
from core.timesource import today
from feedback.models import FeedbackItem, FeedbackKind

PREFIX = "CMP-DEMO-"

_NAMES = ["Amara Okafor", "Bill Trent", "Carys Lloyd", "Dev Mistry", "Edith Brann", "Farid Haddad", "Gwen Pellow",
          "Hamza Iqbal", "Ivy Castell", "Jonah Reeve", "Kasia Nowak", "Leon Ashby", "Mina Sato", "Nell Varga"]

_STORIES = {
    Regime.HO: [
        ("The repair to my bathroom leak was booked three times and nobody came.",
         ["Repair appointments were missed three times", "No one told me the appointments were cancelled"]),
        ("Damp and mould in the bedroom has not been dealt with since the inspection.",
         ["Damp and mould not treated after the inspection"]),
        ("The caretaker was rude to me when I reported the broken door entry system.",
         ["The caretaker's behaviour", "The door entry system is still broken"]),
    ],
    Regime.LGSCO: [
        ("My bin has been missed four weeks running and the online report form failed each time.",
         ["Missed bin collections", "The online report form did not work"]),
        ("I was charged council tax for a property I had already moved out of.",
         ["Council tax charged after I moved out", "My emails were not answered"]),
        ("The parking fine was issued while the permit machine was broken.",
         ["The penalty charge notice was issued unfairly"]),
    ],
}


@dataclass
class _Cast:
    officer: StaffUser
    handlers: list[StaffUser]
    areas: dict[str, list[ServiceArea]]


def _cast() -> _Cast | None:
    def staff(email: str) -> StaffUser | None:
        return db.session.scalar(select(StaffUser).where(StaffUser.email == email))

    officer, first, second = (staff(e) for e in ("complaints@example.gov.uk", "handler@example.gov.uk",
                                                 "handler2@example.gov.uk"))
    if officer is None or first is None or second is None:
        return None
    areas: dict[str, list[ServiceArea]] = {Regime.HO: [], Regime.LGSCO: []}
    for area in db.session.scalars(select(ServiceArea).where(ServiceArea.active.is_(True)).order_by(ServiceArea.id)):
        areas[Regime.HO if area.regime == Regime.HO else Regime.LGSCO].append(area)
    for regime, code, name in ((Regime.HO, "housing-repairs", "Housing repairs"),
                               (Regime.LGSCO, "waste-recycling", "Waste and recycling")):
        if not areas[regime]:
            area = ServiceArea(code=code, name=name, regime=regime.value)
            db.session.add(area)
            areas[regime].append(area)
    db.session.commit()
    return _Cast(officer, [first, second], areas)


class _Builder:
    """Makes one fictional complaint and walks it through the procedure with the real services."""

    def __init__(self, cast: _Cast, rng: random.Random, number: int, regime: str, received_on: date) -> None:
        self.cast, self.rng, self.regime = cast, rng, regime
        story, self.points = rng.choice(_STORIES[regime])
        name = _NAMES[number % len(_NAMES)]
        adjustments = ["large_print"] if number % 7 == 3 else []
        resident = Resident(name=name, email=f"{name.split()[0].lower()}.{number}@example.com",
                            address=f"{number} Example Street\nExampletown", postcode="EX1 1AA",
                            reply_by="letter" if adjustments else "email", adjustments=adjustments)
        item = FeedbackItem(
            reference=f"{PREFIX}{number:04d}", kind=FeedbackKind.COMPLAINT.value, channel=rng.choice(
                ["web_form", "email", "phone", "letter"]), service_area=rng.choice(cast.areas[regime]),
            received_on=received_on, happened_on=received_on - timedelta(days=rng.randint(1, 40)),
            description=story, outcome_wanted="Put it right and make sure it does not happen again.",
            resident=resident, commitments=_commitments(rng),
        )
        db.session.add(item)
        db.session.commit()
        self.complaint = services.open_complaint(item, by=cast.officer)
        self.handler = rng.choice(cast.handlers)

    @property
    def other_handler(self) -> StaffUser:
        return next(h for h in self.cast.handlers if h.id != self.handler.id)

    def _send(self, letter, by: StaffUser, on: date) -> None:
        services.send_letter(letter, subject=letter.subject, body=letter.body, by=by, on=on)

    def acknowledge(self, days_after: int = 3) -> date:
        complaint = self.complaint
        stage = complaint.stage
        start = complaint.escalated_on if stage == 2 else complaint.feedback.received_on
        handler = self.handler if stage == 1 else self.other_handler
        services.assign_handler(complaint, stage, handler, by=self.cast.officer)
        on = add_working_days(start, days_after)
        points = self.points if stage == 1 else [*self.points, "Whether the stage 1 remedy was enough"]
        self._send(services.prepare_acknowledgement(complaint, points, by=handler, on=on), handler, on)
        return on

    def extend(self, on: date, days: int, *, beyond_cap: bool = False) -> None:
        by = self.cast.officer if beyond_cap else self.complaint.handler
        letter = services.prepare_extension(
            self.complaint, days=days, reason="We are waiting for the contractor's report on the work done",
            good_reason="A specialist damp survey cannot be booked sooner" if beyond_cap else None, by=by, on=on)
        self._send(letter, by, on)

    def respond(self, on: date, outcomes: list[str] | None = None) -> None:
        complaint = self.complaint
        by = complaint.handler
        points = complaint.points_for(complaint.stage)
        outcomes = outcomes or [self.rng.choice(list(Outcome)).value for _ in points]
        services.save_findings(complaint, {
            p.id: (o, "We checked our records and spoke to the team involved.") for p, o in zip(points, outcomes,
                                                                                                 strict=False)
        }, by=by)
        if Outcome.NOT_UPHELD.value not in outcomes:
            services.add_remedy(complaint, kind=RemedyKind.APOLOGY.value, description="A full apology in this letter",
                                responsible=by.name, due_on=on, by=by)
            services.add_remedy(complaint, kind=RemedyKind.FINANCIAL.value,
                                description="Payment for the time and trouble caused", responsible="Finance team",
                                due_on=add_working_days(on, 10), amount=Decimal("75.00"), by=by)
        self._send(services.prepare_response(complaint, by=by, on=on), by, on)
        for remedy in complaint.remedies:  # the apology is made in the letter itself
            if remedy.kind == RemedyKind.APOLOGY and remedy.completed_on is None:
                services.complete_remedy(remedy, note="In the response letter", by=by, on=on)

    def escalate(self, on: date) -> None:
        services.escalate(self.complaint, on=on, via="resident")


def _commitments(rng: random.Random) -> list:
    charter = published_charter(current_app.config["CHARTERLINE_COUNCIL"])
    if charter is None or not charter.commitments:
        return []
    return rng.sample(charter.commitments, k=min(2, len(charter.commitments)))


def _scenarios(cast: _Cast, rng: random.Random, on: date) -> int:
    """One complaint for each path through the procedure, with dates that put it where it should be today."""
    count = 0

    def new(regime: str, working_days_ago: int) -> _Builder:
        nonlocal count
        count += 1
        received = _working_days_before(on, working_days_ago)
        return _Builder(cast, rng, count, regime, received)

    new(Regime.LGSCO, 1)  # waiting to be acknowledged, on track
    new(Regime.HO, 8)  # acknowledgement overdue
    case = new(Regime.LGSCO, 10)  # investigating, due soon
    case.acknowledge(2)
    case = new(Regime.HO, 20)  # response overdue
    case.acknowledge(4)
    case = new(Regime.LGSCO, 14)  # extended within the cap
    case.extend(case.acknowledge(2) + timedelta(days=1), 5)
    case = new(Regime.HO, 22)  # extended beyond the cap with approval
    case.extend(case.acknowledge(3) + timedelta(days=1), 15, beyond_cap=True)
    case = new(Regime.LGSCO, 9)  # clock paused
    ack = case.acknowledge(2)
    services.pause_clock(case.complaint, reason="The resident asked us to wait until they are back from hospital",
                         by=case.handler, on=min(add_working_days(ack, 2), on))
    case = new(Regime.HO, 25)  # stage 1 response sent, remedies outstanding
    case.respond(add_working_days(case.acknowledge(2), 8), [Outcome.PARTLY_UPHELD.value] * len(case.points))
    case = new(Regime.LGSCO, 40)  # closed after stage 1
    case.respond(add_working_days(case.acknowledge(3), 9), [Outcome.NOT_UPHELD.value] * len(case.points))
    services.close_after_stage1(case.complaint, by=cast.officer, on=_working_days_before(on, 15))
    case = new(Regime.HO, 25)  # escalated, waiting for a stage 2 acknowledgement
    case.respond(add_working_days(case.acknowledge(2), 9))
    case.escalate(_working_days_before(on, 2))
    case = new(Regime.LGSCO, 40)  # stage 2 under review
    case.respond(add_working_days(case.acknowledge(2), 9))
    case.escalate(_working_days_before(on, 24))
    case.acknowledge(3)
    _referred_and_remedied(new(Regime.HO, 120), cast, on)
    case = new(Regime.LGSCO, 6)  # refused: the matter is too old
    case.complaint.feedback.happened_on = case.complaint.feedback.received_on - timedelta(days=500)
    db.session.commit()
    services.assign_handler(case.complaint, 1, case.handler, by=cast.officer)
    letter = services.prepare_refusal(case.complaint, exclusion=Exclusion.OVER_12_MONTHS.value,
                                      reason="The problem you describe happened in 2024 and you knew about it then.",
                                      by=case.handler, on=_working_days_before(on, 3))
    case._send(letter, case.handler, _working_days_before(on, 3))
    case = new(Regime.HO, 7)  # withdrawn by the resident
    services.withdraw(case.complaint, reason="The repair has now been done", by=None, on=_working_days_before(on, 1))
    _restrict(new(Regime.LGSCO, 3), cast, on)
    return count + _background(cast, rng, on, start=count + 1)


def _referred_and_remedied(case: _Builder, cast: _Cast, on: date) -> None:
    """Final response, Ombudsman investigation upheld, remedies ordered and done, learning published."""
    received = case.complaint.feedback.received_on
    case.respond(add_working_days(case.acknowledge(2), 9), [Outcome.UPHELD.value] * len(case.points))
    case.escalate(add_working_days(received, 20))
    case.respond(add_working_days(case.acknowledge(2), 15), [Outcome.PARTLY_UPHELD.value] * (len(case.points) + 1))
    complaint = case.complaint
    referral = services.add_referral(complaint, ombudsman=complaint.regime, reference="24 001 234",
                                     kind="investigation", received_on=add_working_days(received, 60),
                                     by=cast.officer, on=on)
    services.decide_referral(referral, decision="upheld", decided_on=add_working_days(received, 90),
                             notes="Service failure in the handling of repairs.", by=cast.officer, on=on)
    remedy = services.add_remedy(complaint, kind=RemedyKind.FINANCIAL.value, description="Compensation ordered",
                                 responsible="Finance team", due_on=add_working_days(received, 110),
                                 amount=Decimal("350.00"), referral=referral, by=cast.officer)
    services.complete_remedy(remedy, note="Paid by bank transfer", by=cast.officer,
                             on=add_working_days(received, 100))
    action = services.add_learning_action(
        complaint, description="Text residents the day before a repair appointment", owner="Repairs manager",
        due_on=add_working_days(received, 115), commitment_ids=[c.id for c in complaint.feedback.commitments],
        by=cast.officer)
    services.update_learning_action(action, status="done", by=cast.officer, on=add_working_days(received, 105),
                                    what_we_changed="Residents now get a text the day before every repair visit.")


def _restrict(case: _Builder, cast: _Cast, on: date) -> None:
    letter = services.prepare_restriction(
        case.complaint, reason="More than 40 phone calls a week to different officers about the same matter, "
                               "after a full response.",
        restrictions="Contact in writing only, to one named officer.", service_area_id=None,
        channels_open=["Writing to one named officer", "Paying rent, council tax or other bills"],
        review_on=None, by=cast.officer, on=on)
    case._send(letter, cast.officer, on)


def _background(cast: _Cast, rng: random.Random, on: date, start: int) -> int:
    """More cases over the past few months, at random points of the procedure, for a fuller dashboard."""
    made = 0
    for number in range(start, start + 14):
        regime = rng.choice([Regime.HO, Regime.LGSCO])
        case = _Builder(cast, rng, number, regime, _working_days_before(on, rng.randint(3, 70)))
        made += 1
        received = case.complaint.feedback.received_on
        if rng.random() < 0.2 or add_working_days(received, 3) > on:
            continue
        ack = case.acknowledge(rng.randint(1, 5))
        response_day = add_working_days(ack, rng.randint(5, 12))
        if response_day <= on:
            case.respond(response_day)
    return made


def _working_days_before(day: date, n: int) -> date:
    return calendar().subtract_working_days(day, n)


def load_demo_complaints() -> str:
    if db.session.scalar(select(FeedbackItem.id).where(FeedbackItem.reference.startswith(PREFIX)).limit(1)):
        return "already loaded"
    cast = _cast()
    if cast is None:
        return "skipped: the demo staff are missing"
    made = _scenarios(cast, random.Random(2026), today())
    total = db.session.scalar(select(db.func.count()).select_from(Complaint))
    return f"{made} fictional complaints in every state ({total} complaints in all)"

