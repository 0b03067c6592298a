"""Demo co-design: last year's cycle closed and adopted, this year's open; safe to load twice."""

from __future__ import annotations

from datetime import date

from codesign.demo import load_demo_codesign
from codesign.models import Consultation, ConsultationStatus, EventSupport
from codesign.queries import charter_history, consultation_results, open_consultation
from core.demo import DEMO_STEPS, load_demo_charters
from core.models import Role
from core.timesource import set_today, today
from surveys.models import Response
from tests.helpers import make_staff


def test_demo_loads_a_closed_and_an_open_cycle_once(db):
    set_today(date(2026, 11, 20))
    load_demo_charters()
    make_staff(role=Role.POLICY_OFFICER)
    assert "Charter co-design" in [step.name for step in DEMO_STEPS]
    summary = load_demo_codesign()
    assert summary == "last year's consultation adopted as version 2; this year's open for responses"
    assert today() == date(2026, 11, 20)  # the date is put back
    closed, current = db.session.scalars(db.select(Consultation).order_by(Consultation.id)).all()
    assert closed.status == ConsultationStatus.ADOPTED and closed.review.stage == "adopted"
    results = consultation_results(closed)
    assert results.responses == {"web_form": 24, "letter": 6}
    assert (results.events, results.event_attendance) == (2, 29)
    assert all(r.together.support is not None for r in results.proposals)
    assert all(r.proposal.highlights for r in results.proposals[:2])
    assert [p.decision for p in (r.proposal for r in results.proposals)] == ["adopt", "amend", "adopt", "adopt",
                                                                               "reject"]
    history = charter_history("harrow")
    assert [v.charter.version for v in history] == [2, 1]
    assert {kind for change in history[0].changes for kind in change.kinds} == {"new", "reworded", "retargeted",
                                                                                "retired"}
    assert open_consultation().id == current.id
    assert db.session.scalar(db.select(db.func.count()).select_from(EventSupport)) == 10
    responses = db.session.scalar(db.select(db.func.count()).select_from(Response))
    assert load_demo_codesign() == "already loaded"
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == responses
