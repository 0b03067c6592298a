"""Every figure on a commitment's evidence page links to the list of the items behind it, and that list holds
exactly the items counted: the monthly counts of what residents said, the survey satisfaction, the learning raised,
a standard covering more than one channel, and a complaint-stage standard about one channel."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

from complaints.models import LearningAction
from core.models import Role
from core.standards import Standard
from core.timesource import set_today
from tests.helpers import make_charter, make_complaint, make_feedback, page
from tests.reviews.conftest import MONDAY, at
from tests.reviews.test_pages import _references, _review


def _evidence(client, db, code: str):
    review = _review(db)
    return page(client.get(f"/reviews/{review.id}/evidence/{code}"))


def _month_cells(soup) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(month, column) -> (the count shown, the link behind it or None)."""
    headings = [th.get_text(strip=True) for th in soup.select("#months thead th")][1:]
    cells = {}
    for row in soup.select("#months tbody tr"):
        month = row.th.get_text(strip=True)
        for heading, td in zip(headings, row.select("td"), strict=True):
            link = td.select_one("a")
            for hidden in td.select(".govuk-visually-hidden"):
                hidden.decompose()
            cells[month, heading] = (td.get_text(strip=True), link["href"] if link else None)
    return cells


def test_each_monthly_count_lists_exactly_the_feedback_it_counts(client, login_as, db, charter):
    email, letter = charter.commitments[0], charter.commitments[1]
    # Sentiment as an officer set it (which wins over the score, in the counts and in the list alike).
    compliment = make_feedback(kind="compliment", received_on=date(2025, 6, 2), commitments=[email],
                               sentiment_override_label="positive")
    comment = make_feedback(kind="comment", received_on=date(2025, 6, 15), commitments=[email],
                            sentiment_override_label="neutral")
    june_complaint = make_feedback(kind="complaint", received_on=date(2025, 6, 30), commitments=[email],
                                   sentiment_override_label="negative")
    july_complaint = make_feedback(kind="complaint", received_on=date(2025, 7, 1), commitments=[email],
                                   sentiment_override_label="negative")
    # Not counted for E-01: on no commitment, on another one, and in the year before.
    make_feedback(kind="complaint", received_on=date(2025, 6, 10), sentiment_override_label="negative")
    make_feedback(kind="complaint", received_on=date(2025, 6, 11), commitments=[letter],
                  sentiment_override_label="negative")
    make_feedback(kind="compliment", received_on=date(2025, 3, 31), commitments=[email],
                  sentiment_override_label="positive")
    login_as(Role.POLICY_OFFICER)
    cells = _month_cells(_evidence(client, db, "E-01"))
    june = {heading: cells["June 2025", heading][0] for heading in
            ("Compliments", "Comments", "Complaints", "Service requests", "Positive", "Neutral", "Negative")}
    assert june == {"Compliments": "1", "Comments": "1", "Complaints": "1", "Service requests": "0", "Positive": "1",
                    "Neutral": "1", "Negative": "1"}
    expected = {("June 2025", "Compliments"): {compliment}, ("June 2025", "Comments"): {comment},
                ("June 2025", "Complaints"): {june_complaint}, ("June 2025", "Positive"): {compliment},
                ("June 2025", "Neutral"): {comment}, ("June 2025", "Negative"): {june_complaint},
                ("July 2025", "Complaints"): {july_complaint}, ("July 2025", "Negative"): {july_complaint}}
    linked = {key: href for key, (_shown, href) in cells.items() if href}
    assert set(linked) == set(expected)  # every count above zero, and only those
    for key, href in linked.items():
        listed = page(client.get(href))
        assert _references(listed) == {item.reference for item in expected[key]}, key
        assert int(cells[key][0]) == len(listed.select("main tbody tr"))
    assert all(href is None for (_month, _heading), (shown, href) in cells.items() if shown == "0")
    # The month's days: June's list runs from 1 to 30 June.
    arguments = parse_qs(urlsplit(linked["June 2025", "Complaints"]).query)
    assert arguments["received_from"] == ["1", "6", "2025"] and arguments["received_to"] == ["30", "6", "2025"]
    assert arguments["commitment"] == ["E-01"] and arguments["kind"] == ["complaint"]


def test_the_satisfaction_figure_links_to_the_answers_to_the_commitments_questions(client, login_as, db, charter):
    from tests.surveys.factories import make_response, make_survey

    email, letter = charter.commitments[0], charter.commitments[1]
    survey = make_survey([{"type": "good_average_poor", "text": "How was our reply to your email?",
                           "commitments": [email]},
                          {"type": "good_average_poor", "text": "How was our letter?", "commitments": [letter]}])
    # E-01: 9 good and 3 poor in the year (75% of 12); one poor the year before; L-01's answers are not E-01's.
    for value in ["good"] * 9 + ["poor"] * 3:
        make_response(survey, [value, "good"], channel="email", month=date(2025, 6, 1))
    make_response(survey, ["poor", None], channel="email", month=date(2025, 3, 1))
    db.session.commit()
    login_as(Role.POLICY_OFFICER)
    soup = _evidence(client, db, "E-01")
    figure = soup.select_one("#survey")
    assert " ".join(figure.get_text().split()).startswith("75% of 12 survey answers behind this figure answers were")
    link = figure.select_one("a")["href"]
    assert parse_qs(urlsplit(link).query) == {"commitment": ["E-01"], "start": ["2025-04"], "end": ["2026-03"]}
    listed = page(client.get(link))
    rows = [[cell.get_text(" ", strip=True) for cell in tr.select("th, td")]
            for tr in listed.select("table.app-figures tbody tr")]
    # E-01's row, then by channel and by month the same twelve answers: L-01's are left out there too.
    assert [row[0] for row in rows] == ["E-01", "Email", "June 2025"]
    assert all(row[1].startswith("75%") and row[1].endswith("of 12") for row in rows)
    questions = [[" ".join(td.get_text().split()) for td in tr.select("td")]
                 for tr in listed.select("#questions tbody tr")]
    assert questions == [[f"{survey.title} (version 1)", "How was our reply to your email?", "12"]]
    assert listed.select_one("#filter-channel-email") is None  # the page's own filters are unchanged
    assert listed.select_one("select#commitment option[selected]")["value"] == "E-01"


def test_a_commitment_unknown_to_the_survey_results_is_ignored(client, login_as, db, charter):
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get("/surveys/results?commitment=NOPE&start=2025-04&end=nonsense"))
    assert soup.select_one("#commitment-filter") is None and soup.select_one("#questions") is None
    assert soup.select_one("select#commitment option[selected]")["value"] == ""


def test_each_learning_action_links_to_its_complaint(client, login_as, db, charter):
    email = charter.commitments[0]
    complaint = make_complaint(received_on=date(2025, 6, 2))
    db.session.add(LearningAction(complaint_id=complaint.id, description="Reply to emails from the shared inbox",
                                  owner="Customer services", due_on=date(2025, 9, 1), commitments=[email]))
    db.session.commit()
    login_as(Role.VIEWER)
    [link] = _evidence(client, db, "E-01").select("#learning tbody a")
    assert link["href"] == f"/complaints/{complaint.id}#learning"
    assert " ".join(link.get_text().split()) == f"{complaint.feedback.reference}: Reply to emails from the shared inbox"
    case = page(client.get(link["href"]))
    assert "Reply to emails from the shared inbox" in case.select_one("#learning").find_next("ul").get_text()


def test_a_standard_on_email_lists_the_web_form_items_it_counts_too(client, login_as, db, emails):
    counted, _others = emails
    counted += [make_feedback(channel="web_form", kind="comment", received_on=MONDAY,
                              acknowledged_at=at(date(2025, 6, 3))) for _ in range(2)]
    login_as(Role.POLICY_OFFICER)
    soup = _evidence(client, db, "E-01")
    link = soup.select_one("#measure-1 + dl a[href^='/staff/feedback']")
    assert " ".join(link.get_text().split()) == "12 cases behind this figure"
    assert parse_qs(urlsplit(link["href"]).query)["channel"] == ["email", "web_form"]
    listed = page(client.get(link["href"]))
    assert _references(listed) == {item.reference for item in counted}
    assert [box["value"] for box in listed.select("input[name=channel][checked]")] == ["email", "web_form"]
    export = listed.select_one("#results-summary a")["href"]
    assert parse_qs(urlsplit(export).query)["channel"] == ["email", "web_form"]
    lines = client.get(export).get_data(as_text=True).splitlines()[1:]
    assert {line.split(",")[0] for line in lines} == {item.reference for item in counted}


def test_a_complaint_stage_standard_about_one_channel_lists_that_channels_cases(client, login_as, db):
    set_today(date(2026, 3, 2))
    make_charter(effective_from=date(2024, 4, 1), commitments=[
        {"code": "CE-01", "wording": "We will acknowledge complaints sent by email within 5 working days.",
         "channel": "email",
         "standards": [Standard("acknowledge", 5, "working_days", 0.9, None, "complaint-stage-1")]}])
    by_email = [make_complaint(channel=channel, received_on=date(2026, 3, 2)) for channel in ("email", "web_form")]
    make_complaint(channel="phone", received_on=date(2026, 3, 2))  # another channel: not counted
    set_today(date(2026, 4, 20))  # all three acknowledgements are overdue
    login_as(Role.COMPLAINTS_OFFICER)
    soup = _evidence(client, db, "CE-01")
    link = soup.select_one("#measure-1 + dl a[href^='/complaints/']")
    assert " ".join(link.get_text().split()) == "2 cases behind this figure"
    assert parse_qs(urlsplit(link["href"]).query)["channel"] == ["email", "web_form"]
    listed = page(client.get(link["href"]))
    assert _references(listed) == {case.feedback.reference for case in by_email}
