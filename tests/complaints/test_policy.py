"""The one rulebook (services.actions_for): what each user may do to a complaint in each state, that the services
refuse the rest with the rule's message, and that the complaints templates ask it rather than compare states."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from complaints import services
from complaints.services.policy import RULES
from core.extensions import db
from core.models import Role
from tests.complaints.conftest import acknowledge, respond
from tests.helpers import make_staff

#: What the officer or handler working on a case, and the complaints officer, may always do while it is not
#: anonymised, whatever its state.
WORKER_ALWAYS = {"complete_remedy", "update_learning", "send_letter"}
OFFICER_ALWAYS = WORKER_ALWAYS | {"add_referral", "decide_referral", "add_ordered_remedy", "restrict"}


def _received(case, people):
    return case


def _acknowledged(case, people):
    acknowledge(case, people["first"])
    return case


def _with_findings(case, people):
    acknowledge(case, people["first"])
    findings = {p.id: ("upheld", "We checked.") for p in case.points_for(1)}
    services.save_findings(case, findings, by=people["first"])
    return case


def _paused(case, people):
    acknowledge(case, people["first"])
    services.pause_clock(case, reason="The resident asked us to wait", by=people["first"], on=date(2026, 3, 5))
    return case


def _responded(case, people):
    acknowledge(case, people["first"])
    respond(case, people["first"], date(2026, 3, 12))
    return case


def _closed_after_stage1(case, people):
    _responded(case, people)
    services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
    return case


def _stage2(case, people):
    _responded(case, people)
    services.escalate(case, on=date(2026, 3, 16), via="resident")
    return case


def _stage2_assigned(case, people):
    _stage2(case, people)
    services.assign_handler(case, 2, people["second"], by=people["officer"])
    return case


def _refused(case, people):
    letter = services.prepare_refusal(case, exclusion="legal_proceedings", reason="In court", by=people["first"],
                                      on=date(2026, 3, 4))
    services.send_letter(letter, subject=letter.subject, body=letter.body, by=people["first"], on=date(2026, 3, 4))
    return case


def _withdrawn(case, people):
    services.withdraw(case, reason="Sorted", by=None, on=date(2026, 3, 4))
    return case


# (scenario, what the case's own worker may do there, what only the officer may add, what the resident may do)
# "handler" is the handler of the current stage; "first" is the stage 1 handler once stage 2 has its own.
TABLE = [
    (_received, {"acknowledge", "refuse", "withdraw"}, {"assign_stage1"}, {"withdraw"}),
    (_acknowledged, {"findings", "add_remedy", "extend", "pause", "redefine", "refuse", "withdraw"},
     {"assign_stage1"}, {"withdraw"}),
    (_with_findings, {"findings", "add_remedy", "respond", "extend", "pause", "redefine", "refuse", "withdraw"},
     {"assign_stage1"}, {"withdraw"}),
    (_paused, {"findings", "add_remedy", "restart", "redefine", "refuse", "withdraw"}, {"assign_stage1"},
     {"withdraw"}),
    (_responded, {"escalate", "close", "withdraw", "add_learning"}, {"assign_stage1"}, {"escalate", "withdraw"}),
    (_closed_after_stage1, {"escalate", "add_learning"}, set(), {"escalate"}),
    (_stage2_assigned, {"acknowledge", "refuse", "withdraw", "add_learning"}, {"assign_stage1", "assign_stage2"},
     {"withdraw"}),
    (_refused, set(), set(), set()),
    (_withdrawn, set(), set(), set()),
]


@pytest.mark.parametrize(("build", "worker", "officer_only", "resident"), TABLE,
                         ids=[row[0].__name__.strip("_") for row in TABLE])
def test_actions_for_each_state_and_role(case, people, build, worker, officer_only, resident):
    complaint = build(case, people)
    handler = people["second"] if complaint.stage == 2 else people["first"]
    outsider = make_staff(role=Role.CASE_HANDLER, name="Oscar Outsider")
    viewer = make_staff(role=Role.VIEWER, name="Vera Viewer")

    assert services.actions_for(complaint, people["officer"]) == worker | officer_only | OFFICER_ALWAYS
    assert services.actions_for(complaint, handler) == worker | WORKER_ALWAYS
    assert services.actions_for(complaint, outsider) == set()
    assert services.actions_for(complaint, viewer) == set()
    assert services.actions_for(complaint, None) == resident
    assert all(action in RULES for action in worker | officer_only | resident)

    complaint.feedback.anonymised_at = datetime(2033, 1, 1, 9, 0)
    db.session.commit()
    for user in (people["officer"], handler, None):
        assert services.actions_for(complaint, user) == frozenset()


def test_the_stage1_handler_may_record_the_request_for_stage2_but_not_write_its_response(case, people):
    _responded(case, people)
    assert "escalate" in services.actions_for(case, people["first"])
    services.escalate(case, on=date(2026, 3, 16), via="staff", by=people["first"])
    services.assign_handler(case, 2, people["second"], by=people["officer"])
    officer_at_stage1 = make_staff(role=Role.COMPLAINTS_OFFICER, name="Petra Officer")
    case.stage1_handler_id = officer_at_stage1.id
    db.session.commit()
    acknowledge(case, people["second"], on=date(2026, 3, 17))
    assert {"findings", "add_remedy"} <= services.actions_for(case, people["second"])
    assert not {"findings", "add_remedy", "respond"} & services.actions_for(case, officer_at_stage1)
    assert services.actions_for(case, people["first"]) == set()


def test_services_refuse_what_the_rulebook_refuses_with_its_message(case, people):
    with pytest.raises(services.ComplaintRuleError, match="this stage's handler can change this case"):
        services.withdraw(case, reason=None, by=make_staff(role=Role.CASE_HANDLER), on=date(2026, 3, 4))
    with pytest.raises(services.ComplaintRuleError, match="Only a complaints officer can record an Ombudsman"):
        services.add_referral(case, ombudsman="lgsco", reference="24 001", kind="enquiry",
                              received_on=date(2026, 3, 4), by=people["first"], on=date(2026, 3, 4))
    case.feedback.anonymised_at = datetime(2033, 1, 1, 9, 0)
    db.session.commit()
    with pytest.raises(services.ComplaintRuleError, match="anonymised on .* so it can no longer be changed"):
        services.withdraw(case, reason=None, by=people["officer"], on=date(2026, 3, 4))
    assert case.state == "received"


TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "complaints"
#: A state compared in a template re-derives a rule the services own; templates ask ``actions`` instead.
STATE_COMPARISON = re.compile(r"\bstate\s*(==|!=|\bin\b|\bnot\s+in\b)")


def test_complaints_templates_ask_the_rulebook_instead_of_comparing_states():
    found = [f"{path.name}: {line.strip()}" for path in sorted(TEMPLATES.rglob("*.html"))
             for line in path.read_text(encoding="utf-8").splitlines() if STATE_COMPARISON.search(line)]
    assert found == []
    assert "in actions" in (TEMPLATES / "case.html").read_text(encoding="utf-8")
