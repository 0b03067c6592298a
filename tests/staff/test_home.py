"""The staff home: each role's figures counted exactly on a small hand-built council, each a link to its list."""

from datetime import UTC, date, datetime, timedelta

from complaints.models import Complaint, Restriction
from core.clocks.models import ClosureDate
from core.contacts import record_contact
from core.extensions import db
from core.models import OutboxMessage, StaffUser
from core.sign_in_throttle import SignInFailure, account_key
from core.timesource import set_today
from feedback.models import FeedbackItem
from reviews.models import Review
from surveys.models import Invitation
from tests.helpers import (
    make_charter,
    make_complaint,
    make_feedback,
    make_resident,
    make_staff,
    page,
    sent_statements,
)
from tests.surveys.factories import make_response, make_survey

TODAY = date(2026, 6, 15)  # a Monday; two working days on is Wednesday 17 June


def _figures(client) -> dict[str, tuple[str, str]]:
    """Each figure on the staff home by its label: (value, link)."""
    soup = page(client.get("/staff"))
    figures = {}
    for figure in soup.select(".app-figure"):
        link = figure.select_one("a")
        label = link.select_one(".app-figure__label").get_text(strip=True)
        figures[label] = (link.select_one(".app-figure__value").get_text(strip=True), link["href"])
    return figures


def _references(client, href: str) -> set[str]:
    """The references listed on a complaints list page."""
    soup = page(client.get(href))
    return {a.get_text(strip=True) for a in soup.select("tbody a[href^='/complaints/']")}


def _case(handler=None, *, due_on=None, is_open=True):
    complaint = make_complaint(handler=handler)
    complaint.due_on, complaint.is_open = due_on, is_open
    db.session.commit()
    return complaint


def test_case_handler_sees_their_cases_overdue_and_due_within_two_working_days(client, login_as):
    set_today(TODAY)
    me = login_as("case_handler")
    other = make_staff(role="case_handler")
    overdue = _case(me, due_on=date(2026, 6, 12))
    due_today = _case(me, due_on=TODAY)
    due_wednesday = _case(me, due_on=date(2026, 6, 17))
    _case(me, due_on=date(2026, 6, 18))  # three working days away: not yet
    _case(other, due_on=date(2026, 6, 1))  # someone else's
    _case(me, due_on=date(2026, 6, 1), is_open=False)  # finished with

    figures = _figures(client)
    assert figures["Overdue"][0] == "1"
    assert figures["Due in the next 2 working days"][0] == "2"
    assert _references(client, figures["Overdue"][1]) == {overdue.reference}
    assert _references(client, figures["Due in the next 2 working days"][1]) == {due_today.reference,
                                                                                    due_wednesday.reference}
    assert "Not assigned" not in figures and "Items on no commitment" not in figures


def _clock(complaint, *, due_on, done_on=None):
    clock = complaint.clocks[0]
    clock.due_on, clock.done_on = due_on, done_on
    db.session.commit()


def test_complaints_officer_sees_unassigned_breaches_reviews_and_letters(client, login_as):
    set_today(TODAY)
    officer = login_as("complaints_officer")
    handler = make_staff(role="case_handler")
    unassigned = [_case(due_on=date(2026, 6, 20)), _case(due_on=None)]
    _case(handler, due_on=date(2026, 6, 20))
    _case(due_on=None, is_open=False)  # closed with nobody assigned: nothing to do

    missed = _case(handler, due_on=date(2026, 6, 10))
    _clock(missed, due_on=date(2026, 6, 10))  # not done and past: a breach
    late = _case(handler, is_open=False)
    _clock(late, due_on=date(2026, 6, 3), done_on=date(2026, 6, 5))  # done two days late: a breach
    _clock(_case(handler, due_on=date(2026, 6, 22)), due_on=date(2026, 6, 22))  # not due yet
    _clock(_case(handler, is_open=False), due_on=date(2026, 6, 4), done_on=date(2026, 6, 4))  # on time
    _clock(_case(handler, is_open=False), due_on=date(2026, 5, 20), done_on=date(2026, 5, 29))  # last month
    withdrawn = _case(handler, is_open=False)
    _clock(withdrawn, due_on=date(2026, 6, 2))  # the clock stopped when the case ended: no breach

    resident = make_resident()
    for review_on, ended_on in ((date(2026, 6, 19), None), (date(2026, 6, 10), None), (date(2026, 8, 1), None),
                                (date(2026, 6, 16), date(2026, 6, 1))):
        db.session.add(Restriction(resident_id=resident.id, decided_by_id=officer.id, decided_on=date(2026, 1, 5),
                                   reason="Abusive calls", restrictions="Written contact only", channels_open=[],
                                   review_on=review_on, ended_on=ended_on))
    for status in ("to_print", "to_print", "queued", "posted"):
        db.session.add(OutboxMessage(channel="letter", to_address="1 High Street", subject="Your complaint",
                                     body="Dear resident", status=status))
    db.session.commit()

    figures = _figures(client)
    assert figures["Not assigned"][0] == "2"
    assert figures["Breaches in June"][0] == "2"
    assert figures["Restriction reviews due"][0] == "2"  # within 10 working days of today, in force
    assert figures["Letters to print"][0] == "2"
    assert _references(client, figures["Not assigned"][1]) == {c.reference for c in unassigned}
    assert _references(client, figures["Breaches in June"][1]) == {missed.reference, late.reference}
    reviews = page(client.get(figures["Restriction reviews due"][1]))
    assert len(reviews.select("tbody tr")) == 2
    letters = page(client.get(figures["Letters to print"][1]))
    assert len(letters.select("tbody tr")) == 2
    assert "Items on no commitment" not in figures and "Messages that failed" not in figures


def test_policy_officer_sees_items_on_no_commitment_survey_response_rate_and_the_review(client, login_as, app):
    set_today(TODAY)
    login_as("policy_officer")
    charter = make_charter()
    promise = charter.commitments[0]
    for n, kind in enumerate(("compliment", "comment", "complaint")):
        make_feedback(kind=kind, received_on=date(2026, 6, 1 + n))  # on no commitment
    for n in range(2):
        make_feedback(kind="comment", received_on=date(2026, 5, 1 + n), commitments=[promise])
    make_feedback(kind="comment", received_on=date(2025, 6, 15))  # over 12 months ago: not counted
    survey = make_survey([{"type": "free_text", "text": "Anything else?"},
                          {"type": "free_text", "text": "How was the call?", "commitments": [promise]}])
    make_response(survey, ["The bins were late", "Quick answer"], month=date(2026, 6, 1))  # one on none, one on
    make_response(survey, ["", None], month=date(2026, 6, 1))  # an empty answer is no comment
    for n in range(4):
        contact = record_contact(channel="phone", occurred_at=datetime(2026, 6, 2), source="form")
        db.session.add(Invitation(survey_id=survey.id, contact=contact, status="sent", channel="phone",
                                  sent_at=datetime(2026, 6, 3), sent_month=date(2026, 6, 1),
                                  used_at=datetime(2026, 6, 4) if n == 0 else None))
    db.session.add(Review(council_slug=app.config["CHARTERLINE_COUNCIL"], title="2025 to 2026",
                          starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31), stage="consultation"))
    db.session.commit()

    figures = _figures(client)
    # 5 feedback items in the last 12 months (3 on no commitment) and 2 comments (1 on none): 3 of 7 tagged.
    assert figures["Items on no commitment"][0] == "4"
    assert figures["Items tagged to a commitment"][0] == "43%"
    assert figures["Survey response rate in June"][0] == "25%"
    assert figures["Charter review"][0] == "Consultation"
    assert figures["Items on no commitment"][1] == "/staff/untagged"
    assert figures["Survey response rate in June"][1] == "/surveys/results?start=2026-06&end=2026-06"
    assert figures["Charter review"][1] == "/reviews/"
    queue = page(client.get(figures["Items on no commitment"][1]))
    assert queue.select_one("h2").get_text(strip=True) == "3 items on no commitment"
    comments = page(client.get("/staff/untagged?source=comments"))
    assert [td.get_text(" ", strip=True) for td in comments.select("tbody tr td:nth-of-type(3)")] == [
        "Answer to “Anything else?” The bins were late"]
    assert "Not assigned" not in figures and "Overdue" not in figures


def test_administrator_sees_every_section_and_failed_messages_accounts_and_the_next_closure(client, login_as, app):
    set_today(TODAY)
    admin = login_as("admin")
    target = make_staff(role="policy_officer")
    make_staff(role="viewer", active=False)
    for status in ("failed", "failed", "sent"):
        db.session.add(OutboxMessage(to_address="a@example.com", subject="Hello", body="Hi", status=status))
    # One account under a guessing attack (20 failures in the window from many addresses); another with a few.
    moment = datetime.now(UTC).replace(tzinfo=None)
    for n in range(app.config["CHARTERLINE_SIGN_IN_ACCOUNT_ATTEMPTS"]):
        db.session.add(SignInFailure(account=account_key(target.email), address=f"10.0.0.{n}",
                                     failed_at=moment - timedelta(minutes=1)))
    for _ in range(3):
        db.session.add(SignInFailure(account=account_key(admin.email), address="10.0.1.1",
                                     failed_at=moment - timedelta(minutes=1)))
    db.session.add(ClosureDate(day=date(2026, 6, 1), name="Past closure", created_at=datetime(2026, 5, 1)))
    db.session.add(ClosureDate(day=date(2026, 7, 3), name="Staff training day", created_at=datetime(2026, 5, 1)))
    db.session.add(ClosureDate(day=date(2026, 12, 24), name="Christmas Eve", created_at=datetime(2026, 5, 1)))
    db.session.commit()

    soup = page(client.get("/staff"))
    assert [h.get_text(strip=True) for h in soup.select("section h2")] == [
        "Your cases", "Complaints", "Charter and review", "Administration"]
    figures = _figures(client)
    assert figures["Messages that failed"][0] == "2"
    assert figures["Accounts under attack"][0] == "1"
    assert figures["Disabled accounts"][0] == "1"
    assert figures["Next closure"][0] == "3 July 2026"
    failed = page(client.get(figures["Messages that failed"][1]))
    assert len(failed.select("tbody tr")) == 2
    attacked = page(client.get(figures["Accounts under attack"][1]))
    assert [a.get_text(strip=True) for a in attacked.select("tbody a")] == [target.name]
    disabled = page(client.get(figures["Disabled accounts"][1]))
    assert len(disabled.select("tbody tr")) == 1
    assert db.session.query(StaffUser).count() == 3


def test_viewer_sees_no_figures_only_where_to_go(client, login_as):
    login_as("viewer")
    soup = page(client.get("/staff"))
    assert soup.select(".app-figure") == []
    assert soup.select("ul.govuk-list a")


def test_the_home_reads_few_statements(client, login_as, app):
    """Every figure is one query: the administrator's whole home stays a small, fixed number of statements."""
    set_today(TODAY)
    login_as("admin")
    make_feedback()
    with sent_statements(db.engine) as statements:
        assert client.get("/staff").status_code == 200
    assert len(statements) <= 20
    assert FeedbackItem.query.count() == 1
    assert Complaint.query.count() == 0
