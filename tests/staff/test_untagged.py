"""The queue of items on no commitment: only untagged items, suggestions first, tagging in bulk (audited, refused for
a role that may not)."""

from datetime import date

import pytest

from core.errors import RuleError
from core.extensions import db
from core.models import AuditEvent
from core.timesource import set_today
from feedback.models import FeedbackItem
from surveys import comments
from surveys.models import Answer
from tests.helpers import make_charter, make_feedback, make_staff, page
from tests.surveys.factories import make_response, make_survey

TODAY = date(2026, 6, 15)

COMMITMENTS = [
    {"code": "BINS", "wording": "We will collect your bins and recycling on the day we say.", "channel": "any"},
    {"code": "PHONE", "wording": "We will answer your phone call within five rings.", "channel": "phone"},
    {"code": "EMAIL", "wording": "We will reply to your email within 3 working days.", "channel": "email"},
]


@pytest.fixture
def charter():
    set_today(TODAY)
    return make_charter(commitments=COMMITMENTS)


def _code(charter, code):
    return next(c for c in charter.commitments if c.code == code)


def _rows(soup):
    return soup.select("tbody tr")


def _listed(soup) -> list[str]:
    return [row.select_one("td:nth-of-type(2) a").get_text(strip=True) for row in _rows(soup)]


def test_the_queue_lists_only_items_on_no_commitment_newest_first(client, login_as, charter):
    login_as("policy_officer")
    older = make_feedback(kind="comment", received_on=date(2026, 6, 1), description="My bin was not collected")
    newer = make_feedback(kind="compliment", received_on=date(2026, 6, 10), description="Lovely phone manner")
    make_feedback(kind="comment", received_on=date(2026, 6, 12), commitments=[_code(charter, "BINS")])
    make_feedback(kind="comment", received_on=date(2025, 5, 1))  # more than 12 months ago

    soup = page(client.get("/staff/untagged"))
    assert _listed(soup) == [newer.reference, older.reference]
    assert soup.select_one("h2").get_text(strip=True) == "2 items on no commitment"


def test_each_item_has_the_likeliest_commitments_first_with_the_words_that_led_there(client, login_as, charter):
    login_as("policy_officer")
    make_feedback(kind="comment", received_on=date(2026, 6, 1), description="The recycling bins were not collected")
    soup = page(client.get("/staff/untagged"))
    buttons = [b.get_text(" ", strip=True) for b in _rows(soup)[0].select("button[name=accept]")]
    assert len(buttons) == 3
    assert buttons[0].startswith("Tag to BINS")
    assert "Because of: bin, collect, recycl" in _rows(soup)[0].get_text(" ", strip=True)


def test_past_tagging_teaches_the_suggestions(client, login_as, charter):
    login_as("policy_officer")
    # "Potholes" is in no commitment's wording; the council has tagged pothole complaints to PHONE before.
    for n in range(3):
        make_feedback(kind="complaint", received_on=date(2026, 5, 1 + n), description=f"Pothole report {n} ignored",
                      commitments=[_code(charter, "PHONE")])
    make_feedback(kind="comment", received_on=date(2026, 6, 1), description="Potholes again")
    soup = page(client.get("/staff/untagged"))
    assert _rows(soup)[0].select("button[name=accept]")[0]["value"].endswith(f":{_code(charter, 'PHONE').id}")


def test_tagging_ticked_items_in_bulk_is_audited_and_they_leave_the_queue(client, login_as, charter):
    officer = login_as("policy_officer")
    first, second, third = (make_feedback(kind="comment", received_on=date(2026, 6, n)) for n in (1, 2, 3))
    bins = _code(charter, "BINS")

    response = client.post("/staff/untagged?source=feedback",
                           data={"items": [first.id, third.id], "commitment": str(bins.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.code for c in db.session.get(FeedbackItem, first.id).commitments] == ["BINS"]
    assert [c.code for c in db.session.get(FeedbackItem, third.id).commitments] == ["BINS"]
    assert db.session.get(FeedbackItem, second.id).commitments == []
    audits = db.session.query(AuditEvent).filter_by(action="feedback.tagged").order_by(AuditEvent.target_id).all()
    assert [(a.target_id, a.actor_id, a.after) for a in audits] == [
        (first.id, officer.id, {"commitments": ["BINS"]}), (third.id, officer.id, {"commitments": ["BINS"]})]
    soup = page(client.get(response.headers["Location"]))
    assert _listed(soup) == [second.reference]
    assert "2 items tagged to a commitment." in soup.get_text()


def test_a_suggestion_is_accepted_with_its_own_button(client, login_as, charter):
    login_as("policy_officer")
    item = make_feedback(kind="comment", received_on=date(2026, 6, 1), description="Nobody answered the phone")
    phone = _code(charter, "PHONE")
    response = client.post("/staff/untagged", data={"accept": f"{item.id}:{phone.id}"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.code for c in db.session.get(FeedbackItem, item.id).commitments] == ["PHONE"]


def test_nothing_ticked_or_no_commitment_is_shown_on_the_form(client, login_as, charter):
    login_as("policy_officer")
    item = make_feedback(kind="comment", received_on=date(2026, 6, 1))
    soup = page(client.post("/staff/untagged", data={"commitment": str(_code(charter, "BINS").id)}))
    assert soup.select_one(".govuk-error-summary a[href='#items']").get_text(strip=True) == "Select the items to tag"
    soup = page(client.post("/staff/untagged", data={"items": [item.id], "commitment": ""}))
    assert soup.select_one(".govuk-error-summary a").get_text(strip=True) == (
        "Select the commitment to tag the items to")
    assert db.session.query(AuditEvent).filter_by(action="feedback.tagged").count() == 0


def test_complaints_officers_see_and_tag_complaints_only(client, login_as, charter):
    login_as("complaints_officer")
    complaint = make_feedback(kind="complaint", received_on=date(2026, 6, 2))
    comment = make_feedback(kind="comment", received_on=date(2026, 6, 3))
    soup = page(client.get("/staff/untagged"))
    assert _listed(soup) == [complaint.reference]
    assert not soup.select("nav[aria-label='Kinds of item']")  # no survey comments for them

    # All or none: a batch with an item they may not tag is refused whole.
    soup = page(client.post("/staff/untagged", data={"items": [complaint.id, comment.id],
                                                      "commitment": str(_code(charter, "BINS").id)}))
    assert soup.select_one(".govuk-error-summary").get_text(" ", strip=True).endswith(
        "You can tag only complaints to a commitment.")
    db.session.expire_all()
    assert db.session.get(FeedbackItem, complaint.id).commitments == []
    assert db.session.get(FeedbackItem, comment.id).commitments == []


@pytest.mark.parametrize("role", ["case_handler", "viewer"])
def test_other_roles_may_not_use_the_queue(client, login_as, charter, role):
    login_as(role)
    item = make_feedback(kind="complaint", received_on=date(2026, 6, 2))
    assert client.get("/staff/untagged").status_code == 403
    assert client.post("/staff/untagged", data={"items": [item.id], "commitment": "1"}).status_code == 403


def test_survey_comments_on_no_commitment_are_tagged_by_the_policy_team(client, login_as, charter):
    officer = login_as("policy_officer")
    survey = make_survey([{"type": "free_text", "text": "Anything else?"}])
    make_response(survey, ["The phone rang and rang"], month=date(2026, 6, 1))
    answer = db.session.query(Answer).one()
    soup = page(client.get("/staff/untagged?source=comments"))
    assert len(_rows(soup)) == 1
    response = client.post("/staff/untagged?source=comments",
                           data={"items": [answer.id], "commitment": str(_code(charter, "PHONE").id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.code for c in db.session.get(Answer, answer.id).commitments] == ["PHONE"]
    audit = db.session.query(AuditEvent).filter_by(action="survey.comment_tagged").one()
    assert (audit.target_id, audit.actor_id) == (answer.id, officer.id)
    assert comments.tagged_share(date(2026, 1, 1), TODAY).tagged == 1


def test_only_the_policy_team_may_tag_survey_comments(charter):
    survey = make_survey([{"type": "free_text", "text": "Anything else?"}])
    make_response(survey, ["Bins"], month=date(2026, 6, 1))
    answer = db.session.query(Answer).one()
    with pytest.raises(RuleError, match="Only policy officers"):
        comments.tag_comments([answer], _code(charter, "BINS"), by=make_staff(role="complaints_officer"))
    assert comments.tag_comments([answer], _code(charter, "BINS"), by=make_staff(role="admin")) == 1


def test_a_refusal_once_the_list_has_emptied_is_shown_on_the_next_page(client, login_as, charter):
    login_as("policy_officer")
    response = client.post("/staff/untagged", data={"items": ["12345"], "commitment": str(_code(charter, "BINS").id)})
    assert response.status_code == 302
    soup = page(client.get(response.headers["Location"]))
    assert "Some of the items selected are no longer there" in soup.select_one(".govuk-notification-banner").get_text()


def test_the_tagged_flag_follows_the_commitments_however_they_change(charter):
    """Feedback items keep a "tagged" flag for counting: it follows every way their commitments change."""
    from feedback.services import retag

    bins = _code(charter, "BINS")
    item = make_feedback(kind="comment", received_on=date(2026, 6, 1), commitments=[bins])
    assert item.tagged is True
    officer = make_staff(role="complaints_officer")
    retag(item, service_area=None, commitments=[], by=officer)
    db.session.expire_all()
    assert db.session.get(FeedbackItem, item.id).tagged is False
    item = db.session.get(FeedbackItem, item.id)
    item.commitments.append(bins)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(FeedbackItem, item.id).tagged is True


@pytest.mark.parametrize("data", [{"items": ["abc", "99999999999999999999"], "commitment": "1"},
                                  {"accept": "99999999999999999999:99999999999999999999"},
                                  {"items": ["1"], "commitment": "99999999999999999999"}])
def test_made_up_ids_are_refused_plainly(client, login_as, charter, data):
    login_as("policy_officer")
    make_feedback(kind="comment", received_on=date(2026, 6, 1))
    response = client.post("/staff/untagged", data=data)
    assert response.status_code in (200, 302)
    assert db.session.query(AuditEvent).filter_by(action="feedback.tagged").count() == 0


def test_items_tagged_by_someone_else_at_the_same_moment_are_explained_not_an_error(charter, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from staff import tagging

    officer = make_staff(role="policy_officer")
    item = make_feedback(kind="comment", received_on=date(2026, 6, 1))

    def tagged_meanwhile(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'feedback_item' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(tagging, "tag_items", tagged_meanwhile)
    with pytest.raises(RuleError, match="Someone else tagged some of these items at the same moment"):
        tagging.tag(officer, tagging.FEEDBACK, [item.id], _code(charter, "BINS").id)
