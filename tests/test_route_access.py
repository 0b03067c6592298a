"""Every route, for anonymous visitors and every staff role, by GET and POST, against tests/route_access.txt.

One app and one set of records for the whole table; GET requests go first, then POST requests with an empty form
(so a form with questions only shows its errors, while a confirm-only action such as "make live" is carried out,
in the table's order). Each identity has its own browser. A route without a line in the table, or a line without
a route, fails the test: adding a route means deciding who may use it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from complaints import services as complaint_services
from core.api_keys import issue_api_key
from core.clocks.closures import add_closure
from core.extensions import db
from core.models import CharterStatus, Role
from core.once import token_hash
from core.outbox import queue_message
from core.timesource import set_today
from reviews.models import Review
from surveys import intake
from surveys.answering import start_open_response
from surveys.models import Invitation, InvitationRule
from surveys.services import new_token
from tests.codesign.factories import route_records as codesign_records
from tests.conftest import TEST_PASSWORD
from tests.helpers import make_charter, make_complaint, make_feedback, make_staff, user_loaded_per_request
from tests.surveys.factories import make_survey

TABLE = Path(__file__).with_name("route_access.txt")
#: The order of the six answers on a line of the table.
IDENTITIES = ("anonymous", *(role.value for role in Role))
#: An id no record has (learning actions, restrictions and evidence files are not made for the table).
MISSING = 999_999


def _table() -> dict[str, tuple[str, str]]:
    routes = {}
    for line in TABLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            path, get, post = (part.strip() for part in line.split("|"))
            assert path not in routes, f"{path} is in the table twice"
            routes[path] = (get, post)
    return routes


TRACKING_TOKEN = "route-access-tracking-token-" + "x" * 20
COMPLAINT_TOKEN = "route-access-complaint-token-" + "y" * 20


def _records(staff: dict[str, object]) -> dict[str, object]:
    """Real records for the routes' URL parameters; ids no record has are documented in the table as 404s."""
    set_today(date(2026, 3, 4))
    handler, officer = staff[Role.CASE_HANDLER], staff[Role.COMPLAINTS_OFFICER]
    charter = make_charter()
    draft = make_charter(status=CharterStatus.DRAFT, version=2, effective_from=None)
    feedback = make_feedback(token=TRACKING_TOKEN)
    complaint = make_complaint(handler=handler, received_on=date(2026, 3, 2),
                               tracking_token_hash=token_hash(COMPLAINT_TOKEN))
    letter = complaint_services.prepare_acknowledgement(complaint, ["The repair was late"], by=handler,
                                                        on=date(2026, 3, 4))
    complaint_services.send_letter(letter, subject=letter.subject, body=letter.body, by=handler, on=date(2026, 3, 4))
    remedy = complaint_services.add_remedy(complaint, kind="apology", description="Say sorry", responsible="Fay",
                                           due_on=date(2026, 3, 20), amount=Decimal("0"), by=handler)
    referral = complaint_services.add_referral(complaint, ombudsman="lgsco", reference="LG-1", kind="enquiry",
                                               received_on=date(2026, 3, 3), by=officer, on=date(2026, 3, 4))
    message = queue_message(to="someone@example.com", subject="Hello", body="Hello")
    closure = add_closure(day=date(2026, 12, 29), name="Christmas closure", by=staff[Role.ADMIN]).closure
    key, _raw = issue_api_key(name="CRM", scopes=["feedback:write"], by=staff[Role.ADMIN])
    survey = make_survey(state="draft", sections=2)
    live = make_survey()
    spare_question = make_survey(state="draft").all_questions[0]
    rule = InvitationRule(survey_id=live.id, delay_hours=24)
    db.session.add(rule)
    batch = intake.import_contacts_file(
        filename="calls.csv", content=b"channel,when,service,email,phone,commitments,reference\n"
                                      b"phone,2026-03-03T10:00,,someone@example.com,,,\nfax,yesterday,,,,,\n",
        by=staff[Role.POLICY_OFFICER])
    invitation_token, invitation_hash = new_token()
    checked, _problems = intake.check_contact({"channel": "phone", "when": "2026-03-03T10:00",
                                               "email": "r@example.com"}, intake.Lookups.load())
    contact, _created = intake.log_contact(checked, source="form", by=handler)
    db.session.add(Invitation(survey_id=live.id, contact=contact, status="sent", channel="phone",
                              token_hash=invitation_hash))
    _response, response_token = start_open_response(live, "phone")
    target = make_staff(role=Role.CASE_HANDLER)
    codesign = codesign_records(staff[Role.POLICY_OFFICER])
    # A review of the year the test charter is in force, so its commitments have evidence pages.
    review = Review(council_slug=charter.council_slug, title="April 2026 to March 2027", starts_on=date(2026, 4, 1),
                    ends_on=date(2027, 3, 31))
    db.session.add(review)
    db.session.commit()
    return {
        **codesign,
        "user_id": target.id, "charter_id": charter.id, "commitment_id": charter.commitments[0].id,
        "complaint_id": complaint.id, "stage": 1, "letter_id": letter.id, "remedy_id": remedy.id,
        "referral_id": referral.id, "action_id": MISSING, "restriction_id": MISSING, "feedback_id": feedback.id,
        "reference": feedback.reference, "attachment_id": MISSING, "message_id": message.id,
        "closure_id": closure.id, "key_id": key.id, "survey_id": survey.id, "section_id": survey.sections[0].id,
        "question_id": survey.all_questions[0].id, "import_id": batch.id, "rule_id": rule.id, "page": 1,
        "slug": live.slug, "channel": "phone", "code": charter.commitments[0].code,
        # Routes whose parameters mean something else there:
        "staff.edit_commitment": {"charter_id": draft.id, "commitment_id": draft.commitments[0].id},
        "staff.publish_charter": {"charter_id": draft.id},
        "reviews.commitment_evidence": {"review_id": review.id},
        "reviews.pack_file": {"review_id": review.id, "format": "csv"},
        "feedback.track*": {"token": TRACKING_TOKEN},
        "complaints.resident_escalate": {"token": COMPLAINT_TOKEN},
        "surveys.invited": {"token": invitation_token}, "surveys.stop": {"token": invitation_token},
        "surveys.answer": {"token": response_token}, "surveys.check": {"token": response_token},
        "surveys.delete_question": {"survey_id": spare_question.survey_id, "question_id": spare_question.id},
        "surveys.delete_section": {"section_id": survey.sections[1].id},
    }


def _url(rule, records: dict[str, object]) -> str:
    values = {name: records[name] for name in rule.arguments if name in records}
    for key, overrides in records.items():
        if isinstance(overrides, dict) and (key == rule.endpoint or key.endswith("*")
                                            and rule.endpoint.startswith(key[:-1])):
            values.update(overrides)
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<{name}>", str(value)).replace(f"<int:{name}>", str(value))
    assert "<" not in path, f"no value for a parameter of {rule.rule}"
    return path


def _outcome(client, url: str, method: str) -> str:
    response = client.open(url, method=method)
    response.close()  # a streamed download left open would hold its database connection
    if response.status_code == 302 and response.headers["Location"].startswith("/sign-in"):
        return "login"
    return str(response.status_code)


def _expected(entry: str) -> list[str]:
    codes = entry.split()
    return codes * len(IDENTITIES) if len(codes) == 1 else codes


def _row(outcomes: list[str]) -> str:
    return outcomes[0] if len(set(outcomes)) == 1 else " ".join(outcomes)


def test_every_route_answers_each_role_as_the_table_says(app):
    routes = _table()
    every_rule = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    rules = {rule.rule: rule for rule in every_rule}
    assert len(rules) == len(every_rule), "two endpoints share a path: the table needs a line for each"
    assert sorted(set(rules) - set(routes)) == [], f"routes with no line in {TABLE.name}: decide who may use them"
    assert sorted(set(routes) - set(rules)) == [], f"lines in {TABLE.name} for routes that are gone"

    staff = {role: make_staff(role=role, password=TEST_PASSWORD) for role in Role}
    records = _records(staff)
    browsers = {"anonymous": app.test_client()}
    for role, person in staff.items():
        browsers[role.value] = app.test_client()
        signed_in = browsers[role.value].post("/sign-in", data={"email": person.email, "password": TEST_PASSWORD})
        assert signed_in.status_code == 302
    # Signing out goes last: it ends each browser's session.
    order = sorted(rules, key=lambda path: (rules[path].endpoint == "staff.sign_out", path))
    actual: dict[str, list[list[str]]] = {path: [] for path in order}
    with user_loaded_per_request(app):
        for method in ("GET", "POST"):
            for path in order:
                url = _url(rules[path], records)
                outcomes = [_outcome(browsers[who], url, method) for who in IDENTITIES]
                actual[path].append(outcomes)

    wrong = [f"{path} | {_row(got[0])} | {_row(got[1])}    (the table says {' | '.join(routes[path])})"
             for path, got in actual.items()
             if [_expected(routes[path][0]), _expected(routes[path][1])] != got]
    assert not wrong, f"routes answering differently from {TABLE.name}:\n" + "\n".join(wrong)
