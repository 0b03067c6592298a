"""Survey pages: who may build and read, the builder, results and exports, contacts and imports."""

import csv
import io
import re
from datetime import date, datetime

import pytest

from core.contacts import ContactRecord, record_contact
from core.models import Role
from core.timesource import set_today
from surveys.models import ContactImport, InvitationRule, Question, Survey
from tests.helpers import make_charter, make_service_area, page
from tests.surveys.factories import make_response, make_survey


@pytest.fixture(autouse=True)
def _today():
    set_today(date(2026, 11, 20))


@pytest.mark.parametrize(("role", "path", "status"), [
    (Role.VIEWER, "/surveys/", 200),
    (Role.VIEWER, "/surveys/results", 200),
    (Role.VIEWER, "/surveys/new", 403),
    (Role.VIEWER, "/surveys/rules", 403),
    (Role.VIEWER, "/surveys/contacts/import", 403),
    (Role.COMPLAINTS_OFFICER, "/surveys/new", 403),
    (Role.CASE_HANDLER, "/surveys/", 403),
    (Role.CASE_HANDLER, "/surveys/contacts/new", 200),
    (Role.POLICY_OFFICER, "/surveys/new", 200),
    (Role.POLICY_OFFICER, "/surveys/rules", 200),
    (Role.ADMIN, "/surveys/new", 200),
])
def test_role_checks(client, login_as, role, path, status):
    login_as(role)
    assert client.get(path).status_code == status


def test_signed_out_staff_pages_ask_for_sign_in(client):
    assert client.get("/surveys/").status_code == 302
    assert client.get("/surveys/results").headers["Location"].startswith("/sign-in")


def test_viewers_read_results_but_not_what_residents_wrote(client, login_as, db):
    survey = make_survey([{"type": "free_text", "text": "Tell us"}])
    make_response(survey, ["My neighbour's name is ..."])
    login_as(Role.VIEWER)
    page(client.get(f"/surveys/{survey.id}/results"))
    assert client.get(f"/surveys/{survey.id}/export/figures.csv").status_code == 200
    assert client.get(f"/surveys/{survey.id}/export/answers.csv").status_code == 403
    assert client.get(f"/surveys/{survey.id}/results/questions/{survey.all_questions[0].id}").status_code == 403


def test_a_policy_officer_builds_a_survey_and_takes_it_live(client, login_as, db):
    charter = make_charter()
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get("/surveys/new"))
    assert soup.select_one("input#title")
    soup = page(client.post("/surveys/new", data={"title": ""}))
    assert "Enter a title for the survey" in soup.select_one(".govuk-error-summary").text
    response = client.post("/surveys/new", data={"title": "How did we do on the phone?", "description": "Two minutes"})
    survey = db.session.scalar(db.select(Survey))
    assert response.headers["Location"] == f"/surveys/{survey.id}"

    form_page = page(client.get(f"/surveys/{survey.id}/questions/new"))
    assert form_page.select_one(f"input[name=commitments][value='{charter.commitments[0].id}']")
    soup = page(client.post(f"/surveys/{survey.id}/questions/new", data={
        "section": str(survey.sections[0].id), "text": "", "type": "single_choice", "options": "Only one",
        "required": "yes"}))
    assert [a.text for a in soup.select(".govuk-error-summary a")] == ["Enter the question"]
    soup = page(client.post(f"/surveys/{survey.id}/questions/new", data={
        "section": str(survey.sections[0].id), "text": "Which office?", "type": "single_choice",
        "options": "Only one", "required": "yes"}))
    assert [a.text for a in soup.select(".govuk-error-summary a")] == ["Enter at least 2 options, one on each line"]
    assert soup.select_one("textarea#text").text.strip() == "Which office?"  # other answers are kept
    client.post(f"/surveys/{survey.id}/questions/new", data={
        "section": str(survey.sections[0].id), "text": "Did the person you spoke to give their name?",
        "type": "yes_no", "required": "yes", "commitments": [str(charter.commitments[1].id)]})
    question = db.session.scalar(db.select(Question))
    assert question.commitments == [charter.commitments[1]]
    soup = page(client.get(f"/surveys/{survey.id}"))
    assert "T-02" in soup.select_one(f"#question-{question.id}").text

    client.post(f"/surveys/{survey.id}/live")
    assert survey.state == "live"
    soup = page(client.get(f"/surveys/{survey.id}"))
    assert "/surveys/s/how-did-we-do-on-the-phone/visit" in soup.text
    response = client.get(f"/surveys/{survey.id}/questions/{question.id}")
    assert response.status_code == 302  # a live survey's questions cannot be changed
    response = client.post(f"/surveys/{survey.id}/new-version", follow_redirects=True)
    soup = page(response)
    banners = [b.text for b in soup.select(".govuk-notification-banner")]
    assert "You can only change a draft survey" in banners[0]
    assert "Version 2 is a draft copy" in banners[1]


def test_builder_pages_render(client, login_as, db):
    survey = make_survey([{"type": "yes_no", "text": "First?"}, {"type": "free_text", "text": "Why?", "section": 2,
                                                                "condition": (0, "no")}],
                         state="draft", sections=2)
    login_as(Role.POLICY_OFFICER)
    question = survey.all_questions[1]
    for path in (f"/surveys/{survey.id}", f"/surveys/{survey.id}/details", f"/surveys/{survey.id}/sections/new",
                 f"/surveys/{survey.id}/sections/{survey.sections[0].id}", f"/surveys/{survey.id}/questions/new",
                 f"/surveys/{survey.id}/questions/{question.id}", "/surveys/", "/surveys/rules", "/surveys/contacts",
                 "/surveys/contacts/new", "/surveys/contacts/import", "/surveys/opt-outs"):
        page(client.get(path))
    soup = page(client.get(f"/surveys/{survey.id}/questions/{question.id}"))
    assert soup.select_one("select#condition option[selected]")["value"] == f"{survey.all_questions[0].id}:no"
    assert [legend.get_text(strip=True) for legend in soup.select("legend")] == [
        "Type of answer", "Must residents answer it?"]


def test_moving_deleting_and_tp09_from_the_builder(client, login_as, db, app):
    survey = make_survey([{"type": "yes_no", "text": "A"}, {"type": "yes_no", "text": "B"}], state="draft")
    login_as(Role.POLICY_OFFICER)
    first, second = survey.all_questions
    client.post(f"/surveys/{survey.id}/questions/{second.id}/move", data={"direction": "up"})
    assert [q.text for q in survey.all_questions] == ["B", "A"]
    client.post(f"/surveys/{survey.id}/questions/{first.id}/delete")
    assert [q.text for q in survey.all_questions] == ["B"]
    client.post(f"/surveys/{survey.id}/questions/tp09")
    assert survey.all_questions[-1].tsm_code == "TP09"
    assert app.config["COUNCIL_NAME"] in survey.all_questions[-1].text


def _results_survey():
    charter = make_charter()
    survey = make_survey([{"type": "good_average_poor", "text": "How did we do?",
                           "commitments": [charter.commitments[1]]},
                          {"type": "free_text", "text": "Anything else?", "required": False}])
    for n in range(12):
        make_response(survey, [["good", "average", "poor"][n % 3], "Thank you" if n == 0 else None])
    return survey


def test_results_page_shows_charts_with_tables_and_the_csp_nonce(client, login_as, db):
    survey = _results_survey()
    login_as(Role.POLICY_OFFICER)
    response = client.get(f"/surveys/{survey.id}/results")
    soup = page(response)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    inline = [s for s in soup.find_all("script") if not s.get("src")]
    assert inline and all(s.get("nonce") == nonce for s in inline)
    assert soup.select_one("head script[src='/assets/vendor/plotly.min.js']")
    chart = soup.select_one(".app-chart[role=img]")
    assert chart["aria-label"].startswith("Bar chart of answers to: How did we do?")
    table = chart.find_parent(class_="govuk-grid-row").select_one("table")
    assert [td.text for td in table.select("tbody tr:first-child td")][0] == "4"
    assert "Net satisfaction" in soup.text
    assert soup.find(string=re.compile("Read the answers")).find_parent("a")


def test_results_filters_and_exports(client, login_as, db):
    survey = _results_survey()
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get(f"/surveys/{survey.id}/results?start=2026-11&end=2026-10"))
    assert "‘To’ must be the same as or after ‘From’" in soup.text
    soup = page(client.get(f"/surveys/{survey.id}/results?start=2026-11&channel=phone"))
    assert "0 responses" in soup.text
    export = client.get(f"/surveys/{survey.id}/export/answers.csv")
    assert export.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in export.headers["Content-Disposition"]
    assert export.get_data(as_text=True).count("\n") >= 13
    page(client.get(f"/surveys/{survey.id}/results/questions/{survey.all_questions[1].id}"))
    soup = page(client.get("/surveys/results?start=2026-10"))
    assert "T-02" in soup.text
    assert client.get("/surveys/results/figures.csv").status_code == 200


def test_figures_below_the_minimum_say_so(client, login_as, db):
    survey = make_survey()
    for _ in range(4):
        make_response(survey, ["good"])
    login_as(Role.VIEWER)
    soup = page(client.get(f"/surveys/{survey.id}/results"))
    assert "fewer than 10 responses" in soup.text
    assert "100%" not in soup.text


def test_a_delay_in_superscript_digits_is_refused_not_a_crash(client, login_as, db):
    survey = make_survey(title="Phone survey")
    login_as(Role.POLICY_OFFICER)
    soup = page(client.post("/surveys/rules", data={"survey": str(survey.id), "trigger": "contact",
                                                     "delay_hours": "2\u00b2"}))
    assert "Delay must be a whole number of hours, like 24" in soup.select_one(".govuk-error-summary").text


def test_rules_are_added_and_stopped(client, login_as, db):
    survey = make_survey(title="Phone survey")
    area = make_service_area()
    login_as(Role.POLICY_OFFICER)
    soup = page(client.post("/surveys/rules", data={"survey": str(survey.id), "trigger": "contact",
                                                     "delay_hours": "soon"}))
    assert "Delay must be a whole number of hours, like 24" in soup.select_one(".govuk-error-summary").text
    client.post("/surveys/rules", data={"survey": str(survey.id), "trigger": "contact", "channel": "phone",
                                        "service": str(area.id), "delay_hours": "4"})
    rule = db.session.scalar(db.select(InvitationRule))
    assert (rule.channel, rule.service_area_id, rule.delay_hours) == ("phone", area.id, 4)
    client.post(f"/surveys/rules/{rule.id}/active")
    assert rule.active is False


def test_staff_log_a_contact(client, login_as, db):
    charter = make_charter()
    make_service_area(code="council-tax")
    login_as(Role.CASE_HANDLER)
    soup = page(client.post("/surveys/contacts/new", data={"channel": "phone", "day": ["", "", ""],
                                                           "email": "not-an-email"}))
    assert [a.text for a in soup.select(".govuk-error-summary a")] == [
        "Enter the date of the contact", "Enter an email address in the correct format, like name@example.com"]
    response = client.post("/surveys/contacts/new", data={
        "channel": "phone", "service": "council-tax", "day": ["19", "11", "2026"], "time": "14:05",
        "email": "resident@example.com", "commitments": [charter.commitments[1].code]})
    assert response.status_code == 302
    contact = db.session.scalar(db.select(ContactRecord))
    assert (contact.source, contact.service_area.code, [c.code for c in contact.commitments]) == (
        "form", "council-tax", ["T-02"])
    assert "resident@example.com" not in page(client.get("/surveys/contacts")).text  # lists never show addresses


def test_the_contacts_list_shows_a_held_complaint_contact_as_on_hold(client, login_as, db):
    record_contact(channel="phone", occurred_at=datetime(2026, 11, 19, 10), source="form", email="resident@example.com")
    held = record_contact(channel="phone", occurred_at=datetime(2026, 11, 18, 10), source="complaint",
                          email="tenant@example.com", external_reference="complaint-7")
    held.held_at = datetime(2026, 11, 19, 9)
    db.session.commit()
    login_as(Role.CASE_HANDLER)
    rows = page(client.get("/surveys/contacts")).select(".govuk-table__body .govuk-table__row")
    assert [(r.select("td")[3].text.strip(), r.select("td")[5].text.strip()) for r in rows] == [
        ("Staff", "Not yet decided"), ("Complaint closed", "On hold until the complaint ends")]


def test_a_csv_import_with_errors_shows_the_report_and_imports_only_when_asked(client, login_as, db):
    login_as(Role.POLICY_OFFICER)
    content = b"channel,when\nphone,2026-11-19 10:00\nfax,2026-11-19 10:00\n"
    response = client.post("/surveys/contacts/import", data={"file": (io.BytesIO(content), "calls.csv")},
                           content_type="multipart/form-data")
    batch = db.session.scalar(db.select(ContactImport))
    assert response.headers["Location"] == f"/surveys/contacts/imports/{batch.id}"
    soup = page(client.get(response.headers["Location"]))
    cells = [td.text for td in soup.select("tbody td")]
    assert cells[:2] == ["3", "channel"]
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRecord)) == 0
    client.post(f"/surveys/contacts/imports/{batch.id}", data={"decision": "import"})
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRecord)) == 1


def test_a_file_that_is_not_csv_is_refused_on_the_page(client, login_as):
    login_as(Role.POLICY_OFFICER)
    soup = page(client.post("/surveys/contacts/import", data={"file": (io.BytesIO(b"x"), "calls.xlsx")},
                            content_type="multipart/form-data"))
    assert [a.text for a in soup.select(".govuk-error-summary a")] == ["The selected file must be a CSV"]
    soup = page(client.post("/surveys/contacts/import", data={}, content_type="multipart/form-data"))
    assert [a.text for a in soup.select(".govuk-error-summary a")] == ["Select a CSV file"]


def test_staff_record_an_opt_out(client, login_as, db):
    from surveys.models import OptOut

    login_as(Role.CASE_HANDLER)
    client.post("/surveys/opt-outs", data={"address": "Someone@Example.com"})
    assert db.session.scalar(db.select(db.func.count()).select_from(OptOut)) == 1


def test_a_viewer_changes_nothing_about_contacts_or_opt_outs(client, login_as, db):
    from surveys.models import OptOut

    login_as(Role.VIEWER)
    assert client.post("/surveys/opt-outs", data={"address": "someone@example.com"}).status_code == 403
    assert client.post("/surveys/contacts/new", data={
        "channel": "phone", "day": ["20", "11", "2026"], "time": "10:30", "email": "r@example.com"}).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(OptOut)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRecord)) == 0
    soup = page(client.get("/surveys/contacts"))
    assert not soup.select("a[href='/surveys/contacts/new'], a[href='/surveys/opt-outs']")


@pytest.mark.parametrize("path", ["details", "sections/new", "sections/{section}"])
def test_a_refused_change_to_a_live_survey_keeps_what_was_typed(client, login_as, db, path):
    survey = make_survey([{"type": "yes_no", "text": "First?"}], state="live")
    login_as(Role.POLICY_OFFICER)
    url = f"/surveys/{survey.id}/" + path.format(section=survey.sections[0].id)
    soup = page(client.post(url, data={"title": "A title I typed", "description": "Words I typed"}))
    summary = soup.select_one(".govuk-error-summary")
    assert "You can only change a draft survey" in summary.get_text()
    assert summary.select_one("a")["href"] == "#title"
    assert soup.select_one("input#title")["value"] == "A title I typed"
    assert "Words I typed" in soup.select_one("textarea#description").get_text()


def test_a_refused_button_says_why_on_the_next_page(client, login_as, db):
    survey = make_survey([{"type": "yes_no", "text": "First?"}], state="closed")
    login_as(Role.POLICY_OFFICER)
    soup = page(client.post(f"/surveys/{survey.id}/live", follow_redirects=True))
    banners = [b.get_text() for b in soup.select(".govuk-notification-banner")]
    assert len(banners) == 1 and "You can only change a draft survey" in banners[0]


def test_the_figures_download_follows_the_commitment_and_the_period_on_the_page(client, login_as, db):
    charter = make_charter()
    survey = make_survey([{"type": "good_average_poor", "text": "How was our reply?",
                           "commitments": [charter.commitments[0]]},
                          {"type": "good_average_poor", "text": "Were you treated with respect?",
                           "commitments": [charter.commitments[1]]}])
    # T-01: 9 good and 3 poor in October; one poor in June, before the period.
    for value in ["good"] * 9 + ["poor"] * 3:
        make_response(survey, [value, "good"], month=date(2026, 10, 1))
    make_response(survey, ["poor", "poor"], month=date(2026, 6, 1))
    db.session.commit()
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get("/surveys/results?commitment=T-01&start=2026-10&end=2026-10"))
    link = soup.find("a", string=re.compile("Download these figures"))["href"]
    rows = list(csv.reader(io.StringIO(client.get(link).get_data(as_text=True).lstrip("\ufeff"))))
    # Only T-01, as on the page: its row, and by channel and month only the answers to its question.
    assert [row[:4] for row in rows] == [["Group", "Item", "Satisfied answers", "Scored answers"],
                                         ["Commitment", "T-01", "9", "12"], ["Channel", "Phone", "9", "12"],
                                         ["Month", "October 2026", "9", "12"]]
    soup = page(client.get("/surveys/results?commitment=T-01&start=2026-10&end=2026-10"))
    channel_table = soup.find("caption", string=re.compile("Figures for T-01 by channel")).find_parent("table")
    cells = [cell.get_text(" ", strip=True) for cell in channel_table.select("tbody tr")[0].select("th, td")]
    assert cells[0] == "Phone" and cells[1].startswith("75%")
    # Without a commitment: both, and the figures by channel and month, still for October only.
    rows = list(csv.reader(io.StringIO(client.get("/surveys/results/figures.csv?start=2026-10&end=2026-10")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[:4] for row in rows[1:3]] == [["Commitment", "T-01", "9", "12"], ["Commitment", "T-02", "12", "12"]]
    assert {row[0] for row in rows[3:]} == {"Channel", "Month"}


@pytest.mark.parametrize("query", ["endpoint=x", "survey_id=x", "_external=1"])
def test_query_words_that_are_not_filters_are_left_out_of_the_download_links(client, login_as, db, query):
    survey = _results_survey()
    login_as(Role.POLICY_OFFICER)
    for path in (f"/surveys/{survey.id}/results", "/surveys/results"):
        soup = page(client.get(f"{path}?{query}&start=2026-10"))
        link = soup.find("a", string=re.compile("Download these figures"))["href"]
        assert link.startswith("/surveys/") and query not in link and "start=2026-10" in link
