"""Shortcuts that walk a complaint through the procedure with the real services, for the complaints tests."""

from __future__ import annotations

from datetime import date

import pytest

from complaints import services
from complaints.models import Complaint
from core.models import Role
from core.timesource import set_today
from tests.helpers import make_complaint, make_staff

#: Dates used throughout: a Monday in March 2026, away from bank holidays.
RECEIVED = date(2026, 3, 2)
ACKNOWLEDGED = date(2026, 3, 4)


def send(letter, by, on) -> None:
    services.send_letter(letter, subject=letter.subject, body=letter.body, by=by, on=on)


def acknowledge(complaint: Complaint, by, on: date = ACKNOWLEDGED, points=("The repair was late",
                                                                          "Nobody called back")) -> None:
    send(services.prepare_acknowledgement(complaint, list(points), by=by, on=on), by, on)


def respond(complaint: Complaint, by, on: date, outcome: str = "upheld") -> None:
    findings = {p.id: (outcome, "We checked the job records.") for p in complaint.points_for(complaint.stage)}
    services.save_findings(complaint, findings, by=by)
    send(services.prepare_response(complaint, by=by, on=on), by, on)


@pytest.fixture
def people():
    """A complaints officer and two case handlers."""
    return {"officer": make_staff(role=Role.COMPLAINTS_OFFICER, name="Olu Officer"),
            "first": make_staff(role=Role.CASE_HANDLER, name="Fay First"),
            "second": make_staff(role=Role.CASE_HANDLER, name="Sam Second")}


@pytest.fixture
def case(people):
    """A stage 1 complaint received on Monday 2 March 2026, handled by the first handler."""
    set_today(date(2026, 3, 4))
    return make_complaint(handler=people["first"], received_on=RECEIVED)


@pytest.fixture
def stage2(case, people):
    """The same case after a stage 1 response and the resident's request for stage 2."""
    acknowledge(case, people["first"])
    respond(case, people["first"], date(2026, 3, 12))
    services.escalate(case, on=date(2026, 3, 16), via="resident")
    return case
