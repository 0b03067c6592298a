"""The demo step loads complaints in every state, deterministically, and only once."""

from datetime import date

from sqlalchemy import func, select

from complaints.demo import load_demo_complaints
from complaints.models import Complaint, ComplaintExtension, LearningAction, OmbudsmanReferral, Restriction
from core.demo import load_demo_charters, load_demo_staff
from core.extensions import db
from core.timesource import set_today


def _load() -> str:
    set_today(date(2026, 6, 15))
    load_demo_staff()
    load_demo_charters()
    return load_demo_complaints()


def test_demo_has_a_complaint_in_every_state_and_path_and_loads_once():
    summary = _load()
    assert "fictional complaints" in summary
    pairs = set(db.session.execute(select(Complaint.stage, Complaint.state)).all())
    for pair in [(1, "received"), (1, "acknowledged"), (1, "responded"), (1, "closed"), (2, "received"),
                 (2, "acknowledged"), (2, "closed"), (1, "refused"), (1, "withdrawn")]:
        assert pair in pairs, pair
    today = date(2026, 6, 15)
    assert db.session.scalar(select(func.count()).select_from(Complaint).where(Complaint.due_on < today)) >= 2
    assert db.session.scalar(select(func.count()).select_from(ComplaintExtension)) >= 2
    assert db.session.scalar(select(func.count()).select_from(ComplaintExtension).where(
        ComplaintExtension.approved_by_id.is_not(None))) == 1
    referral = db.session.scalar(select(OmbudsmanReferral))
    assert referral.decision == "upheld" and referral.remedies_complete
    assert db.session.scalar(select(LearningAction)).what_we_changed
    assert db.session.scalar(select(func.count()).select_from(Restriction)) == 1
    # Safe to run twice: nothing more is added.
    before = db.session.scalar(select(func.count()).select_from(Complaint))
    assert load_demo_complaints() == "already loaded"
    assert db.session.scalar(select(func.count()).select_from(Complaint)) == before
