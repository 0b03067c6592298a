"""Co-design records for tests: a review of the test council's charter, proposals of each kind, a published
consultation, and responses through each channel."""

from __future__ import annotations

from datetime import date

from codesign import services
from codesign.models import SUPPORT_LABELS, Consultation, Proposal, ResponseChannel
from codesign.services.consultation import Reply
from core.models import Charter, Role, StaffUser
from core.standards import Standard
from core.timesource import set_today
from reviews.models import Review
from tests.helpers import make_charter, make_staff

OPENS, CLOSES = date(2026, 6, 1), date(2026, 6, 30)


def make_review(**overrides) -> Review:
    from core.extensions import db

    fields = {"council_slug": "harrow", "title": "2025 to 2026", "starts_on": date(2025, 4, 1),
              "ends_on": date(2026, 3, 31)}
    fields.update(overrides)
    review = Review(**fields)
    db.session.add(review)
    db.session.commit()
    return review


def charter_of_three() -> Charter:
    """Version 1: an email promise (T-01, 3 working days), respect (T-02) and a phone promise (T-03)."""
    return make_charter(commitments=[
        {"code": "T-01", "wording": "We will reply to your email within 3 working days.", "channel": "email",
         "standards": [Standard("reply", 3, "working_days", 0.9, "working-days:3")]},
        {"code": "T-02", "wording": "We will treat you with respect.", "channel": "any"},
        {"code": "T-03", "wording": "We will answer the phone within 5 rings.", "channel": "phone",
         "standards": [Standard("answer", 5, "rings")]},
    ])


def four_proposals(review: Review, officer: StaffUser) -> list[Proposal]:
    """One proposal of each kind: reword T-02, retarget T-01 to 5 working days, retire T-03, and a new N-01."""
    return [
        services.save_proposal(review, kind="reworded", commitment_code="T-02",
                               proposed_text="We will treat you with courtesy and respect.", proposed_standards=None,
                               reason="Residents asked for courtesy too", evidence_codes=["T-02"], by=officer),
        services.save_proposal(review, kind="retargeted", commitment_code="T-01", proposed_text=None,
                               proposed_standards=[Standard("reply", 5, "working_days", 0.95, "working-days:5")],
                               reason="Three days was missed most months", by=officer, author="group"),
        services.save_proposal(review, kind="retired", commitment_code="T-03", proposed_text=None,
                               proposed_standards=None, reason="Rings are no longer measured", by=officer),
        services.save_proposal(review, kind="new", commitment_code="N-01", channel="web_chat",
                               proposed_text="We will answer web chat within 2 minutes.",
                               proposed_standards=[Standard("connect_chat", 2, "minutes")],
                               reason="Web chat is new", by=officer),
    ]


def published_consultation(*, asks_equality: bool = True) -> tuple[Consultation, list[Proposal], StaffUser]:
    """Version 1 of the charter, a review with four proposals and its consultation published and open today."""
    set_today(date(2026, 5, 20))
    officer = make_staff(role=Role.POLICY_OFFICER)
    charter_of_three()
    review = make_review()
    proposals = four_proposals(review, officer)
    consultation = services.save_consultation(
        review, title="Our promises for 2026", opens_on=OPENS, closes_on=CLOSES,
        summary="We propose four changes.", easy_read="We want to change our promises.", asks_equality=asks_equality,
        by=officer)
    services.publish_consultation(consultation, by=officer)
    set_today(date(2026, 6, 10))
    return consultation, proposals, officer


def answers(proposal: Proposal, scale: int | None, comment: str = "") -> dict[int, object]:
    """A view on one proposal: 5 strongly support ... 1 strongly oppose (None: no view), and a comment."""
    return {proposal.scale_question_id: SUPPORT_LABELS[5 - scale] if scale else "",
            proposal.comment_question_id: comment}


def equality_answer(consultation: Consultation, text_start: str, label: str) -> dict[int, object]:
    question = next(q for q in consultation.survey.all_questions if q.text.startswith(text_start))
    return {question.id: label}


def respond_online(consultation: Consultation, key: str, given: dict[int, object], email: str | None = None):
    return services.respond(consultation, Reply(given, email=email), channel=ResponseChannel.ONLINE, browser_key=key)


def respond_on_paper(consultation: Consultation, given: dict[int, object], officer: StaffUser,
                     received_on: date = date(2026, 6, 5)):
    return services.respond(consultation, Reply(given), channel=ResponseChannel.PAPER, received_on=received_on,
                            by=officer)


def route_records(officer: StaffUser) -> dict[str, object]:
    """Records for tests/test_route_access.py: a review of the test council's published charter with one proposal and
    its consultation, published and open on the table's day (4 March 2026)."""
    review = make_review(starts_on=date(2025, 3, 1), ends_on=date(2026, 2, 28))
    proposal = services.save_proposal(review, kind="reworded", commitment_code="T-02", proposed_text="Kind words",
                                      proposed_standards=None, reason="Asked for", by=officer)
    consultation = services.save_consultation(review, title="Our promises", opens_on=date(2026, 3, 1),
                                              closes_on=date(2026, 3, 31), summary="S", easy_read="E", by=officer)
    services.publish_consultation(consultation, by=officer)
    return {"review_id": review.id, "proposal_id": proposal.id, "consultation_id": consultation.id}
