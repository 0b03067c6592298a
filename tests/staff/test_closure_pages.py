"""Closure-date pages: administrators list, add and remove the days the council is closed."""

from datetime import date

import pytest

from complaints.models import Complaint
from core.clocks import closures as clock_service
from core.clocks.models import ClosureDate
from core.models import AuditEvent
from core.timesource import set_today
from tests.helpers import make_complaint, page

D = date.fromisoformat


def date_parts(day: str) -> dict:
    """A GOV.UK date input posts its day, month and year parts under the one field name."""
    year, month, dom = day.split("-")
    return {"day": [dom, month, year]}


@pytest.mark.parametrize("role", ["complaints_officer", "case_handler", "policy_officer", "viewer"])
def test_only_administrators_see_closure_dates(client, login_as, role):
    login_as(role)
    assert client.get("/admin/closures").status_code == 403
    assert client.get("/admin/closures/new").status_code == 403


def test_closure_pages_need_sign_in(client):
    response = client.get("/admin/closures")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_list_splits_coming_up_and_past(client, login_as, db):
    admin = login_as("admin")
    set_today(D("2026-12-01"))
    clock_service.add_closure(day=D("2026-12-24"), name="Christmas Eve closure", by=admin)
    clock_service.add_closure(day=D("2026-11-20"), name="Staff training day", by=admin)
    soup = page(client.get("/admin/closures"))
    assert soup.h1.get_text() == "Closure dates"
    upcoming, past = soup.select("table.govuk-table")
    assert upcoming.caption.get_text() == "Coming up"
    assert "Thursday 24 December 2026" in upcoming.get_text() and "Christmas Eve closure" in upcoming.get_text()
    assert "Staff training day" in past.get_text()
    assert soup.select_one("a.govuk-button")["href"] == "/admin/closures/new"
    assert "Closure dates" in [a.get_text(strip=True) for a in soup.select(".govuk-service-navigation a")]


def test_add_a_closure_moves_open_complaint_deadlines_and_says_how_many(client, login_as, db):
    login_as("admin")
    set_today(D("2026-12-22"))
    complaint = make_complaint(received_on=D("2026-12-21"))  # acknowledgement due Wednesday 30 December
    untouched = make_complaint(received_on=D("2027-01-04"))
    assert complaint.due_on == D("2026-12-30")
    data = {**date_parts("2026-12-24"), "name": "Christmas Eve closure"}
    response = client.post("/admin/closures/new", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/closures"
    soup = page(client.get("/admin/closures"))
    banner = soup.select_one(".govuk-notification-banner").get_text(" ", strip=True)
    assert "Christmas Eve closure on 24 December 2026 is now a closure date." in banner
    assert "1 open due date has moved; each case's history says why." in banner
    assert db.session.get(Complaint, complaint.id).due_on == D("2026-12-31")
    assert db.session.get(Complaint, untouched.id).due_on == D("2027-01-11")
    closure = db.session.scalar(db.select(ClosureDate))
    assert (closure.day, closure.name) == (D("2026-12-24"), "Christmas Eve closure")
    assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.target_type == "closure_date")) == (
        "closure.added")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"day": ["", "", ""], "name": "Closed"}, "day",
         "Enter the date the council is closed"),
        ({**date_parts("2026-02-30"), "name": "Closed"}, "day", "The date the council is closed must be a real date"),
        ({**date_parts("2026-12-24"), "name": ""}, "name", "Enter what the closure is for"),
        ({**date_parts("2026-12-24"), "name": "x" * 121}, "name", "What the closure is for must be 120 characters"),
        ({**date_parts("2026-12-26"), "name": "Closed"}, "day",
         "Saturday 26 December 2026 is already not a working day: Saturday"),
    ],
)
def test_add_closure_errors_are_govuk_style(client, login_as, db, data, field, message):
    login_as("admin")
    soup = page(client.post("/admin/closures/new", data=data))
    assert soup.title.get_text().startswith("Error: Add a closure date")
    link = soup.select_one(".govuk-error-summary a")
    assert link.get_text(strip=True).startswith(message)
    assert soup.find(id=link["href"].lstrip("#")) is not None
    assert field in link["href"]
    assert db.session.scalar(db.select(db.func.count()).select_from(ClosureDate)) == 0


def test_remove_a_closure_after_confirming(client, login_as, db):
    admin = login_as("admin")
    closure = clock_service.add_closure(day=D("2026-12-24"), name="Christmas Eve closure", by=admin).closure
    soup = page(client.get(f"/admin/closures/{closure.id}/remove"))
    assert soup.h1.get_text() == "Remove this closure date?"
    assert "Christmas Eve closure: Thursday 24 December 2026." in soup.get_text()
    response = client.post(f"/admin/closures/{closure.id}/remove", data={})
    assert response.status_code == 302
    assert db.session.get(ClosureDate, closure.id).removed_at is not None
    assert "There are no closure dates coming up." in page(client.get("/admin/closures")).get_text()
    assert client.get(f"/admin/closures/{closure.id}/remove").status_code == 404
    assert client.get("/admin/closures/999/remove").status_code == 404


def test_closure_form_keeps_csrf_protection(app, client, login_as):
    login_as("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/admin/closures/new", data={**date_parts("2026-12-24"), "name": "Closed"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
