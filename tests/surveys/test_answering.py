"""Residents' pages: invitation and open-link starts, one section per page, errors that keep answers, check answers,
thank you, and polite pages for used, expired, unknown and closed links."""

import re
from datetime import date, datetime, timedelta

import pytest

from core.contacts import record_contact
from core.models import OutboxMessage
from core.timesource import set_today
from surveys import invitations
from surveys.models import Answer, Invitation, OptOut, Response
from tests.helpers import page
from tests.surveys.factories import make_survey


@pytest.fixture(autouse=True)
def _today():
    set_today(date(2026, 11, 20))


def _survey():
    return make_survey([
        {"type": "good_average_poor", "text": "How was your call?"},
        {"type": "yes_no", "text": "Did we explain things clearly?"},
        {"type": "free_text", "text": "What was unclear?", "section": 2, "condition": (1, "no"), "required": False},
        {"type": "nps", "text": "How likely are you to recommend us?", "section": 2},
    ], sections=2, title="How did we do on the phone?", description="It takes two minutes.")


def _invite(db, survey) -> str:
    invitations.create_rule(survey=survey, trigger="contact", channel=None, service_area=None, delay_hours=0, by=None)
    record_contact(channel="phone", occurred_at=datetime(2026, 11, 20, 9), source="form", email="r@example.com")
    db.session.commit()
    invitations.send_due_invitations(at=datetime(2026, 11, 20, 10))
    body = db.session.scalar(db.select(OutboxMessage)).body
    return re.search(r"/surveys/i/([A-Za-z0-9_-]+)\n", body).group(1)


def _ids(survey):
    return [f"q{q.id}" for q in survey.all_questions]


def test_an_invited_resident_answers_page_by_page_checks_and_sends(client, db):
    survey = _survey()
    q1, q2, q3, q4 = _ids(survey)
    token = _invite(db, survey)
    start = page(client.get(f"/surveys/i/{token}"))
    assert start.h1.text == "How did we do on the phone?"
    assert "It takes two minutes." in start.text
    assert start.find("a", string="stop them")["href"] == f"/surveys/i/{token}/stop"
    response = client.post(f"/surveys/i/{token}")
    assert response.headers["Location"] == f"/surveys/r/{token}/1"

    first = page(client.get(f"/surveys/r/{token}/1"))
    assert first.h1.text == "Page 1"
    assert [legend.get_text(strip=True) for legend in first.select("legend")] == [
        "How was your call?", "Did we explain things clearly?"]
    assert not first.select(".govuk-hint")  # no empty hints
    assert first.select_one(f"input[name={q1}][value=good]")
    assert not first.select(f"[name={q3}]")  # the next page's questions are not on this one

    errors = page(client.post(f"/surveys/r/{token}/1", data={q2: "no"}))
    assert errors.title.text.startswith("Error: Page 1")
    assert [a.text for a in errors.select(".govuk-error-summary a")] == ["Select your answer to ‘How was your call?’"]
    assert errors.select_one(f"input[name={q2}][value=no]").has_attr("checked")  # the other answer is kept

    assert client.post(f"/surveys/r/{token}/1", data={q1: "poor", q2: "no"}).headers["Location"] == \
        f"/surveys/r/{token}/2"
    second = page(client.get(f"/surveys/r/{token}/2"))
    assert second.select_one(f"textarea[name={q3}]")  # shown because the answer was "no"
    assert second.select_one(f"label[for={q3}]").get_text(strip=True) == "What was unclear?"
    assert second.select_one("legend").get_text(strip=True) == "How likely are you to recommend us?"
    assert second.select_one(".govuk-back-link")["href"] == f"/surveys/r/{token}/1"
    assert client.post(f"/surveys/r/{token}/2", data={q3: "The letter", q4: "3"}).headers["Location"] == \
        f"/surveys/r/{token}/check"

    check = page(client.get(f"/surveys/r/{token}/check"))
    answers = [dd.text.strip() for dd in check.select(".govuk-summary-list__value")]
    assert answers == ["Poor", "No", "The letter", "3"]
    change = check.select(".govuk-summary-list__actions a")[1]["href"]
    assert change == f"/surveys/r/{token}/1?change=1#{q2}"
    changing = page(client.get(f"/surveys/r/{token}/1?change=1"))
    assert changing.select_one("main form")["action"] == f"/surveys/r/{token}/1?change=1"
    assert changing.find(id=q2) is not None  # the link's anchor lands on the question
    assert client.post(f"/surveys/r/{token}/1?change=1", data={q1: "poor", q2: "yes"}).headers["Location"] == \
        f"/surveys/r/{token}/check"
    check = page(client.get(f"/surveys/r/{token}/check"))
    assert [dd.text.strip() for dd in check.select(".govuk-summary-list__value")] == ["Poor", "Yes", "3"]

    done = client.post(f"/surveys/r/{token}/check")
    assert done.headers["Location"] == f"/surveys/thank-you/{survey.slug}"
    thanks = page(client.get(done.headers["Location"]))
    assert thanks.h1.text == "Thank you for your answers"
    assert db.session.scalar(db.select(Invitation)).used_at is not None
    assert sorted(a.choice for a in db.session.scalars(db.select(Answer))) == ["3", "poor", "yes"]

    again = client.get(f"/surveys/i/{token}")
    assert page(again, status=410).h1.text == "You have already answered this survey"
    assert page(client.get(f"/surveys/r/{token}/1"), status=410).h1.text == "You have already answered this survey"


def test_skipping_ahead_goes_back_to_the_first_unanswered_page(client, db):
    survey = _survey()
    token = _invite(db, survey)
    client.post(f"/surveys/i/{token}")
    assert client.get(f"/surveys/r/{token}/check").headers["Location"] == f"/surveys/r/{token}/1"
    assert client.get(f"/surveys/r/{token}/9").status_code == 404


def test_expired_unknown_and_closed_links_explain_themselves(client, db):
    survey = _survey()
    token = _invite(db, survey)
    assert page(client.get("/surveys/i/made-up"), status=404).h1.text == "This survey link is not recognised"
    invitation = db.session.scalar(db.select(Invitation))
    invitation.expires_at = datetime(2026, 11, 1)
    db.session.commit()
    expired = page(client.get(f"/surveys/i/{token}"), status=410)
    assert expired.h1.text == "This survey link has expired"
    assert "28 days" in expired.text
    invitation.expires_at = datetime(2027, 1, 1)
    survey.state = "closed"
    db.session.commit()
    closed = page(client.get(f"/surveys/i/{token}"), status=410)
    assert closed.h1.text == "This survey has closed"
    assert "How did we do on the phone?" in closed.text
    assert page(client.get(f"/surveys/s/{survey.slug}/visit"), status=410).h1.text == "This survey has closed"


def test_a_survey_closed_while_someone_is_answering_says_so(client, db):
    survey = _survey()
    client.post(f"/surveys/s/{survey.slug}/phone")
    token = re.search(r"/surveys/r/([^/]+)/1", client.post(f"/surveys/s/{survey.slug}/phone").headers["Location"])
    survey.state = "closed"
    db.session.commit()
    assert page(client.get(f"/surveys/r/{token.group(1)}/1"), status=410).h1.text == "This survey has closed"


def test_open_links_need_no_invitation_and_offer_a_fresh_start_for_kiosks(client, db):
    survey = _survey()
    q1, q2, _q3, q4 = _ids(survey)
    start = page(client.get(f"/surveys/s/{survey.slug}/visit"))
    assert not start.find(string=re.compile("stop them"))
    location = client.post(f"/surveys/s/{survey.slug}/visit").headers["Location"]
    token = re.search(r"/surveys/r/([^/]+)/1", location).group(1)
    client.post(f"/surveys/r/{token}/1", data={q1: "good", q2: "yes"})
    client.post(f"/surveys/r/{token}/2", data={q4: "10"})
    done = client.post(f"/surveys/r/{token}/check")
    thanks = page(client.get(done.headers["Location"]))
    assert thanks.find("a", string="Start a new set of answers")["href"] == f"/surveys/s/{survey.slug}/visit"
    response = db.session.scalar(db.select(Response))
    assert (response.via, response.channel, response.invitation_id) == ("open", "visit", None)
    assert client.get(f"/surveys/s/{survey.slug}/any").status_code == 404
    assert client.get("/surveys/s/no-such-survey/visit").status_code == 404


def test_the_opt_out_link_needs_one_click_and_lasts(client, db):
    survey = _survey()
    token = _invite(db, survey)
    confirm = page(client.get(f"/surveys/i/{token}/stop"))
    assert confirm.h1.text == "Stop survey invitations"
    assert db.session.scalar(db.select(db.func.count()).select_from(OptOut)) == 0  # looking changes nothing
    done = page(client.post(f"/surveys/i/{token}/stop"))
    assert done.h1.text == "You will not be invited to surveys again"
    assert invitations.is_opted_out("R@example.com")
    assert page(client.get("/surveys/i/nonsense/stop"), status=404)


def test_resident_pages_never_load_plotly(client, db):
    survey = _survey()
    token = _invite(db, survey)
    client.post(f"/surveys/i/{token}")
    for path in (f"/surveys/i/{token}", f"/surveys/r/{token}/1", f"/surveys/s/{survey.slug}/visit",
                 f"/surveys/thank-you/{survey.slug}", f"/surveys/i/{token}/stop"):
        html = client.get(path).get_data(as_text=True)
        assert "plotly" not in html.lower(), path


def test_an_invitation_link_keeps_working_until_it_expires(client, db, app):
    survey = _survey()
    token = _invite(db, survey)
    days = app.config["CHARTERLINE_SURVEY_INVITATION_DAYS"]
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation.expires_at - invitation.sent_at == timedelta(days=days)
    assert client.get(f"/surveys/i/{token}").status_code == 200


def test_open_links_are_rate_limited(app, db, monkeypatch):
    from app import create_app
    from core.extensions import limiter

    survey = _survey()
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)  # put the shared limiter back afterwards
    limited = create_app({**{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")},
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                          "CHARTERLINE_SURVEY_OPEN_RATE_LIMIT": "2 per hour"})
    kiosk = limited.test_client()
    try:
        codes = [kiosk.post(f"/surveys/s/{survey.slug}/visit").status_code for _ in range(3)]
        assert codes == [302, 302, 429]
        assert page(kiosk.post(f"/surveys/s/{survey.slug}/visit"), status=429).h1.text == "Too many requests"
        assert kiosk.get(f"/surveys/s/{survey.slug}/visit").status_code == 200  # reading the page is not limited
    finally:
        with limited.app_context():
            db.engine.dispose()
