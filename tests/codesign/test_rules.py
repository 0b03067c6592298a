"""The co-design rules, each refusal with its message: the issue's bad input and the rules around it."""

from __future__ import annotations

from datetime import date

import pytest

from codesign import services
from codesign.models import ConsultationStatus, Respondent
from codesign.services import AlreadyResponded, CodesignRuleError
from core.charters import CharterRuleError, edit_commitment_wording
from core.extensions import db
from core.models import Role
from core.timesource import set_today
from surveys.models import Answer, Response
from tests.codesign.factories import (
    answers,
    charter_of_three,
    make_review,
    published_consultation,
    respond_on_paper,
    respond_online,
)
from tests.helpers import make_staff


def _refused(action, message: str, field: str | None = None) -> None:
    with pytest.raises(CodesignRuleError) as refusal:
        action()
    assert refusal.value.message.startswith(message), refusal.value.message
    assert refusal.value.field == field


def test_a_proposal_without_a_reason_is_refused():
    officer = make_staff(role=Role.POLICY_OFFICER)
    charter_of_three()
    review = make_review()
    _refused(lambda: services.save_proposal(review, kind="reworded", commitment_code="T-02", proposed_text="Kind words",
                                            proposed_standards=None, reason="  ", by=officer),
             "Enter the reason for the proposal", "reason")


def test_a_commitment_can_have_only_one_proposal_in_a_review():
    """Two changes to one promise could not both be adopted (retiring it twice failed the adoption)."""
    officer = make_staff(role=Role.POLICY_OFFICER)
    charter_of_three()
    review = make_review()
    first = services.save_proposal(review, kind="retired", commitment_code="T-03", proposed_text=None,
                                   proposed_standards=None, reason="No longer measured", by=officer)
    _refused(lambda: services.save_proposal(review, kind="retired", commitment_code="T-03", proposed_text=None,
                                            proposed_standards=None, reason="Again", by=officer),
             f"Proposal {first.number} already changes commitment T-03", "commitment_code")


def test_a_new_commitment_cannot_take_a_code_any_version_has_used():
    officer = make_staff(role=Role.POLICY_OFFICER)
    charter_of_three()
    review = make_review()
    _refused(lambda: services.save_proposal(review, kind="new", commitment_code="T-03", channel="any",
                                            proposed_text="A new promise", proposed_standards=None, reason="Why not",
                                            by=officer),
             "Code T-03 is already used", "new_code")


def test_two_new_commitments_cannot_share_a_code():
    officer = make_staff(role=Role.POLICY_OFFICER)
    charter_of_three()
    review = make_review()

    def propose(proposal=None):
        return services.save_proposal(review, kind="new", commitment_code="N-01", channel="any", proposed_text="New",
                                      proposed_standards=None, reason="Why not", by=officer, proposal=proposal)

    first = propose()
    assert propose(first).commitment_code == "N-01"  # changing a proposal keeps its own code
    _refused(propose, "Proposal 1 already gives code N-01 to a new commitment", "new_code")


def test_rewording_needs_different_words():
    officer = make_staff(role=Role.POLICY_OFFICER)
    charter_of_three()
    review = make_review()
    _refused(lambda: services.save_proposal(review, kind="reworded", commitment_code="T-02",
                                            proposed_text="We will treat you with respect.", proposed_standards=None,
                                            reason="Because", by=officer),
             "The proposed wording is the same", "proposed_text")


def test_a_close_date_before_the_open_date_is_refused():
    officer = make_staff(role=Role.POLICY_OFFICER)
    review = make_review()
    _refused(lambda: services.save_consultation(review, title="T", opens_on=date(2026, 6, 30),
                                                closes_on=date(2026, 6, 1), summary="S", easy_read="E", by=officer),
             "The closing date must be on or after the opening date", "closes_on")


def test_proposals_are_fixed_once_the_consultation_is_published():
    consultation, proposals, officer = published_consultation()
    _refused(lambda: services.save_proposal(consultation.review, kind="reworded", commitment_code="T-02",
                                            proposed_text="Other words", proposed_standards=None, reason="Because",
                                            by=officer, proposal=proposals[0]),
             "Proposals cannot change once the consultation")


def test_the_consultations_equality_questions_say_which_they_are():
    from core.equality import EQUALITY_QUESTIONS

    consultation, _proposals, _officer = published_consultation()
    about = consultation.survey.sections[-1]
    assert about.title == "About you"
    assert [question.equality_key for question in about.questions] == list(EQUALITY_QUESTIONS)
    assert not any(q.equality_key for q in consultation.survey.sections[0].questions)


def test_a_response_after_the_consultation_closed_is_refused_with_the_date():
    consultation, proposals, _officer = published_consultation()
    set_today(date(2026, 7, 1))
    _refused(lambda: respond_online(consultation, "browser-1", answers(proposals[0], 5)),
             "This consultation closed on 30 June 2026, so we can no longer accept responses")
    assert db.session.query(Response).count() == 0


def test_a_second_response_from_the_same_browser_is_refused_and_nothing_is_stored_twice():
    consultation, proposals, _officer = published_consultation()
    respond_online(consultation, "browser-1", answers(proposals[0], 5, "Good idea"))
    with pytest.raises(AlreadyResponded):
        respond_online(consultation, "browser-1", answers(proposals[0], 1, "Changed my mind"))
    assert db.session.query(Response).count() == 1
    assert [a.choice for a in db.session.query(Answer).filter(Answer.choice.is_not(None))] == ["Strongly support"]


def test_a_second_response_with_the_same_email_is_refused_even_from_another_browser():
    consultation, proposals, _officer = published_consultation()
    respond_online(consultation, "browser-1", answers(proposals[0], 5), email="Resident@Example.com")
    _refused(lambda: respond_online(consultation, "browser-2", answers(proposals[0], 4), email="resident@example.com "),
             "A response has already been sent with this email address", "email")
    stored = db.session.query(Respondent).one()
    # Only a keyed hash of the address is kept, never the address, and nothing ties it to the answers.
    assert "example" not in stored.email_hash and len(stored.email_hash) == 64
    assert {column.name for column in Respondent.__table__.columns} == {"id", "consultation_id", "email_hash"}


def test_an_empty_response_is_refused():
    consultation, proposals, _officer = published_consultation()
    _refused(lambda: respond_online(consultation, "browser-1", answers(proposals[0], None)),
             "Answer at least one question")


def test_a_paper_response_received_after_the_close_is_not_counted():
    consultation, proposals, officer = published_consultation()
    set_today(date(2026, 7, 3))
    _refused(lambda: respond_on_paper(consultation, answers(proposals[0], 4), officer, received_on=date(2026, 7, 2)),
             "Only responses received while the consultation was open", "received_on")
    respond_on_paper(consultation, answers(proposals[0], 4), officer, received_on=date(2026, 6, 30))
    assert db.session.query(Response).count() == 1


def test_an_event_counts_no_more_hands_than_people_and_happens_during_the_consultation():
    consultation, proposals, officer = published_consultation()
    shown = {proposals[0].id: services.consultation.ShowOfSupport(8, 3, 0)}
    _refused(lambda: services.record_event(consultation, kind="workshop", held_on=date(2026, 6, 5), place="Library",
                                           attendance=10, support=shown, by=officer),
             "More hands were counted for proposal 1 than people came", f"p{proposals[0].id}_in_favour")
    _refused(lambda: services.record_event(consultation, kind="workshop", held_on=date(2026, 5, 5), place="Library",
                                           attendance=12, support=shown, by=officer),
             "The event must be held while the consultation was open", "held_on")


def test_a_decision_needs_a_reason_for_residents_and_waits_for_the_close():
    consultation, proposals, officer = published_consultation()
    _refused(lambda: services.decide(proposals[0], decision="adopt", reason="Most agreed", by=officer),
             "Decide on proposals once the consultation has closed")
    set_today(date(2026, 7, 1))
    _refused(lambda: services.decide(proposals[0], decision="adopt", reason=" ", by=officer),
             "Enter the reason for the decision, written for residents", "decision_reason")
    _refused(lambda: services.decide(proposals[0], decision="amend", reason="Changed", text="", by=officer),
             "Enter the amended wording", "decided_text")


def _decide_all(proposals, officer) -> None:
    set_today(date(2026, 7, 1))
    for proposal in proposals:
        services.decide(proposal, decision="adopt", reason="Most people agreed", by=officer)


def test_adoption_waits_for_every_decision_and_comes_into_force_after_the_close():
    consultation, proposals, officer = published_consultation()
    set_today(date(2026, 7, 1))
    services.decide(proposals[0], decision="adopt", reason="Most agreed", by=officer)
    _refused(lambda: services.adopt_decisions(consultation, effective_from=date(2026, 10, 1), by=officer),
             "Decide every proposal first: 2, 3, 4 have no decision")
    _decide_all(proposals, officer)
    _refused(lambda: services.adopt_decisions(consultation, effective_from=date(2026, 6, 30), by=officer),
             "The new version must come into force after the consultation closed on 30 June 2026", "effective_from")
    set_today(date(2026, 8, 1))
    _refused(lambda: services.adopt_decisions(consultation, effective_from=date(2026, 7, 15), by=officer),
             "The new version cannot come into force on a day that has passed", "effective_from")


def test_an_adopted_version_cannot_be_edited_or_adopted_again_only_superseded():
    consultation, proposals, officer = published_consultation()
    _decide_all(proposals, officer)
    adopted = services.adopt_decisions(consultation, effective_from=date(2026, 7, 1), by=officer)  # in force today
    assert consultation.status == ConsultationStatus.ADOPTED
    with pytest.raises(CharterRuleError, match="Only a draft charter can be edited"):
        edit_commitment_wording(adopted.commitments[0], "Something else", by=officer)
    _refused(lambda: services.adopt_decisions(consultation, effective_from=date(2026, 11, 1), by=officer),
             "These decisions have already been adopted, in force from 1 July 2026. An adopted version cannot be "
             "changed")
    _refused(lambda: services.decide(proposals[0], decision="reject", reason="Second thoughts", by=officer),
             "These decisions have been adopted into the charter and cannot change")
    db.session.refresh(adopted)
    assert adopted.commitments[0].wording == "We will reply to your email within 3 working days."
