"""The co-design pages: a policy officer's cycle through the staff pages, with refusals on the form, and the resident's
consultation page, "We asked, you said, we did" and the charter's history."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup

from codesign.models import Consultation, Proposal
from core.extensions import db
from core.models import Role
from core.timesource import set_today
from surveys.models import Response
from tests.codesign.factories import charter_of_three, make_review, published_consultation


def _soup(response, status: int = 200) -> BeautifulSoup:
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _errors(soup: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".govuk-error-summary a")]


def _day(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def test_a_policy_officer_runs_the_cycle_through_the_pages(client, login_as):
    set_today(date(2026, 5, 20))
    charter_of_three()
    review = make_review()
    login_as(Role.POLICY_OFFICER)
    base = f"/co-design/reviews/{review.id}"
    assert "2025 to 2026" in _soup(client.get("/co-design")).get_text()
    assert client.post(f"{base}/members/new", data={"name": "Ann Resident", "kind": "resident"}).status_code == 302
    assert client.post(f"{base}/meetings/new", data={"held_on": _day(date(2026, 5, 2)), "attendance": "9",
                                                     "notes": "Talked about email"}).status_code == 302
    # A proposal without a reason is refused on the form.
    soup = _soup(client.post(f"{base}/proposals/new", data={"kind": "reworded", "commitment_code": "T-02",
                                                            "proposed_text": "Courtesy and respect", "reason": "",
                                                            "author": "staff"}))
    assert _errors(soup) == ["Enter the reason for the proposal"]
    assert client.post(f"{base}/proposals/new", data={
        "kind": "retargeted", "commitment_code": "T-01", "metric": "reply", "target": "5", "unit": "working_days",
        "share": "95", "reason": "Three days was missed", "evidence_codes": ["T-01"], "author": "group",
        "channel": "any"}).status_code == 302
    proposal = db.session.query(Proposal).one()
    assert proposal.proposed_standards[0].rule == "working-days:5" and proposal.proposed_standards[0].share == 0.95
    # A close date before the open date is refused on the form.
    details = {"title": "Our promises", "summary": "One change", "easy_read": "We want to change a promise",
               "asks_equality": "y"}
    soup = _soup(client.post(f"{base}/consultation", data={**details, "opens_on": _day(date(2026, 6, 30)),
                                                           "closes_on": _day(date(2026, 6, 1))}))
    assert _errors(soup) == ["The closing date must be on or after the opening date"]
    assert client.post(f"{base}/consultation", data={**details, "opens_on": _day(date(2026, 6, 1)),
                                                     "closes_on": _day(date(2026, 6, 30))}).status_code == 302
    consultation = db.session.query(Consultation).one()
    assert client.post(f"/co-design/consultations/{consultation.id}/publish").status_code == 302
    set_today(date(2026, 6, 10))
    db.session.refresh(proposal)
    scale = f"q{proposal.scale_question_id}"
    comment = f"q{proposal.comment_question_id}"
    assert client.post(f"/co-design/consultations/{consultation.id}/paper", data={
        "received_on": _day(date(2026, 6, 9)), scale: "Oppose", comment: "Call me on 01632 960123, it is too slow"},
    ).status_code == 302
    assert client.post(f"/co-design/consultations/{consultation.id}/events/new", data={
        "kind": "panel", "held_on": _day(date(2026, 6, 8)), "place": "Library", "attendance": "7",
        f"p{proposal.id}_in_favour": "5", f"p{proposal.id}_against": "1", f"p{proposal.id}_neutral": "1"},
    ).status_code == 302
    soup = _soup(client.get(f"/co-design/consultations/{consultation.id}/results"))
    assert "Events" in soup.get_text() and "Call me on" in soup.get_text()
    answer_id = soup.select_one("input[name=answer_id]")["value"]
    assert client.post(f"/co-design/proposals/{proposal.id}/highlights",
                       data={"answer_id": answer_id, "text": "Call me on 01632 960123, it is too slow"},
                       ).status_code == 302
    assert proposal.highlights[0].text == "Call me on [phone number], it is too slow"
    set_today(date(2026, 7, 1))
    soup = _soup(client.post(f"/co-design/proposals/{proposal.id}/decision", data={"decision": "adopt"}))
    assert _errors(soup) == ["Enter the reason for the decision, written for residents"]
    assert client.post(f"/co-design/proposals/{proposal.id}/decision", data={
        "decision": "amend", "decided_text": "We will reply to your email within 5 working days.",
        "decision_reason": "Most people agreed, and asked us to say so in the promise"}).status_code == 302
    assert client.post(f"/co-design/consultations/{consultation.id}/adopt",
                       data={"effective_from": _day(date(2026, 10, 1))}).status_code == 302
    soup = _soup(client.get(base))
    assert "comes into force and is published on 1 October 2026" in " ".join(soup.get_text().split())
    # Adopting again is refused on the form.
    soup = _soup(client.post(f"/co-design/consultations/{consultation.id}/adopt",
                             data={"effective_from": _day(date(2026, 11, 1))}))
    assert _errors(soup)[0].startswith("These decisions have already been adopted, in force from 1 October 2026")


def test_viewers_read_but_cannot_change(client, login_as):
    consultation, _proposals, _officer = published_consultation()
    login_as(Role.VIEWER)
    assert client.get(f"/co-design/reviews/{consultation.review_id}").status_code == 200
    assert client.get(f"/co-design/consultations/{consultation.id}/results").status_code == 200
    assert client.get(f"/co-design/consultations/{consultation.id}/paper").status_code == 403


def test_a_resident_responds_once_and_is_refused_after_the_close(client):
    consultation, proposals, _officer = published_consultation()
    home = _soup(client.get("/"))
    link = home.find("a", string="Tell us what you think")
    assert link["href"] == f"/have-your-say/{consultation.id}"
    soup = _soup(client.get(link["href"]))
    assert "We want to change our promises." in soup.get_text()  # the easy read version
    assert len(soup.select("input[type=radio][value='Strongly support']")) == 4  # a five-point scale per proposal
    scale = f"q{proposals[0].scale_question_id}"
    response = client.post(link["href"], data={scale: "Support",
                                               f"q{proposals[0].comment_question_id}": "Yes please"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/thank-you")
    again = client.post(link["href"], data={scale: "Strongly oppose"})
    assert again.headers["Location"].endswith("/thank-you?again=1")
    assert "You have already responded" in _soup(client.get(link["href"])).get_text()
    assert db.session.query(Response).count() == 1
    set_today(date(2026, 7, 1))
    fresh = client.application.test_client()
    soup = _soup(fresh.post(link["href"], data={scale: "Strongly support"}))
    assert _errors(soup) == ["This consultation closed on 30 June 2026, so we can no longer accept responses"]
    assert db.session.query(Response).count() == 1
    assert _soup(client.get("/")).find("a", string="Tell us what you think") is None


def test_a_draft_consultation_is_not_public(client, login_as):
    set_today(date(2026, 5, 20))
    charter_of_three()
    review = make_review()
    consultation = Consultation(review_id=review.id, title="Draft", opens_on=date(2026, 6, 1),
                                closes_on=date(2026, 6, 30), summary="S", easy_read="E")
    db.session.add(consultation)
    db.session.commit()
    assert client.get(f"/have-your-say/{consultation.id}").status_code == 404
    assert "no consultations" in _soup(client.get("/have-your-say")).get_text()


def test_we_asked_you_said_we_did_and_the_history_after_adoption(client, runner):
    from codesign import services

    consultation, proposals, officer = published_consultation()
    set_today(date(2026, 7, 1))
    for proposal in proposals:
        services.decide(proposal, decision="adopt", reason=f"Reason {proposal.number} for residents", by=officer)
    services.adopt_decisions(consultation, effective_from=date(2026, 10, 1), by=officer)
    text = " ".join(_soup(client.get(f"/have-your-say/{consultation.id}/we-did")).get_text().split())
    assert "Reason 3 for residents" in text and "will apply from 1 October 2026" in text
    text = " ".join(_soup(client.get("/our-charter/history")).get_text().split())
    assert "come into force on 1 October 2026" in text and "Version 2" not in text
    set_today(date(2026, 10, 1))
    result = runner.invoke(args=["codesign", "publish"])
    assert (result.exit_code, result.output) == (0, "Published 1 adopted charter version (2).\n")
    assert runner.invoke(args=["codesign", "publish"]).output == "Published 0 adopted charter versions.\n"
    soup = _soup(client.get("/our-charter/history"))
    text = " ".join(soup.get_text().split())
    assert "Version 2 (current)" in text and "In force from 1 October 2026" in text
    labels = [th.get_text(strip=True) for th in soup.select("tbody th")]
    assert labels == ["New target", "Reworded", "New", "Stopped"]
