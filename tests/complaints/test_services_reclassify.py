"""Feedback that staff reclassify as a complaint enters the procedure straight away."""

from sqlalchemy import select

from complaints.models import Complaint
from core.models import Role
from feedback import services as feedback_services
from tests.helpers import make_feedback, make_staff


def test_a_service_request_reclassified_as_a_complaint_opens_at_stage_1(db):
    officer = make_staff(role=Role.COMPLAINTS_OFFICER)
    item = make_feedback(kind="service_request")
    feedback_services.reclassify(item, "complaint", reason="The resident is unhappy with how it was handled.",
                                 by=officer)
    db.session.expire_all()
    complaint = db.session.scalar(select(Complaint).where(Complaint.feedback_id == item.id))
    assert complaint is not None and complaint.stage == 1


def test_a_complaint_reclassified_as_a_comment_opens_nothing(db):
    officer = make_staff(role=Role.COMPLAINTS_OFFICER)
    item = make_feedback(kind="compliment")
    feedback_services.reclassify(item, "comment", reason="It is a suggestion.", by=officer)
    assert db.session.scalar(select(Complaint).where(Complaint.feedback_id == item.id)) is None


def test_a_resident_keeping_their_complaint_opens_it(db):
    item = make_feedback(kind="service_request", resident_kind="complaint")
    feedback_services.keep_as_complaint(item)
    complaint = db.session.scalar(select(Complaint).where(Complaint.feedback_id == item.id))
    assert complaint is not None and complaint.stage == 1
