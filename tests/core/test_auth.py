"""Staff sign-in, staff accounts, and what each role may see."""

import pytest

from core.models import AuditEvent, Role, StaffUser
from tests.conftest import TEST_PASSWORD
from tests.helpers import make_staff, page


def test_sign_in_form_errors_are_govuk_style(client):
    soup = page(client.post("/sign-in", data={"email": "", "password": ""}))
    assert soup.title.get_text().startswith("Error: Sign in")
    messages = [a.get_text(strip=True) for a in soup.select(".govuk-error-summary a")]
    assert messages == ["Enter your email address", "Enter your password"]


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    make_staff(email="a@example.gov.uk", password=TEST_PASSWORD)
    soup = page(client.post("/sign-in", data={"email": "a@example.gov.uk", "password": "wrong password!"}))
    assert "Enter a correct email address and password." in soup.select_one(".govuk-error-summary").get_text()


def test_sign_in_is_case_insensitive_and_redirects_to_staff_home(client):
    make_staff(email="mixed@example.gov.uk", password=TEST_PASSWORD)
    response = client.post("/sign-in", data={"email": " Mixed@Example.gov.uk ", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff"


def test_sign_in_only_follows_local_next_links(client):
    make_staff(email="n@example.gov.uk", password=TEST_PASSWORD)
    response = client.post("/sign-in?next=//evil.example/", data={"email": "n@example.gov.uk",
                                                                  "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/staff"


def test_disabled_account_cannot_sign_in(client):
    make_staff(email="d@example.gov.uk", password=TEST_PASSWORD, active=False)
    soup = page(client.post("/sign-in", data={"email": "d@example.gov.uk", "password": TEST_PASSWORD}))
    assert "disabled" in soup.select_one(".govuk-error-summary").get_text()


def test_passwords_are_hashed_with_scrypt(db):
    user = make_staff(password=TEST_PASSWORD)
    assert user.password_hash.startswith("scrypt:")
    assert TEST_PASSWORD not in user.password_hash


def test_staff_pages_need_sign_in(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


# (url, roles allowed besides admin)
ROLE_MATRIX = [
    ("/staff", set(Role)),
    ("/admin/users", set()),
    ("/admin/users/new", set()),
    ("/charters", set(Role)),
    ("/outbox", {Role.COMPLAINTS_OFFICER, Role.CASE_HANDLER}),
]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("url", "allowed"), ROLE_MATRIX)
def test_each_role_sees_only_what_it_may(client, login_as, role, url, allowed):
    login_as(role)
    response = client.get(url)
    expected = 200 if role == Role.ADMIN or role in allowed else 403
    assert response.status_code == expected
    if expected == 403:
        assert page(response, 403).h1.get_text(strip=True) == "You do not have permission to see this page"


def test_admin_adds_a_staff_member_and_it_is_audited(client, login_as, db):
    admin = login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data={"name": "New Person", "email": "new@example.gov.uk",
                                                     "role": "viewer", "password": "twelve chars!!"})
    assert response.status_code == 302
    person = db.session.scalar(db.select(StaffUser).where(StaffUser.email == "new@example.gov.uk"))
    assert person.role == "viewer"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.target_id == person.id,
                                                          AuditEvent.target_type == "staff_user"))
    assert event.actor_id == admin.id and event.action == "staff.created"
    soup = page(client.get(response.headers["Location"]))
    assert "Account created as viewer (read only)" in soup.select_one("#history ~ div table").get_text()


def test_add_staff_errors(client, login_as):
    login_as(Role.ADMIN)
    make_staff(email="taken@example.gov.uk")
    soup = page(client.post("/admin/users/new", data={"name": "", "email": "not-an-email", "role": "",
                                                      "password": "short"}))
    messages = [a.get_text(strip=True) for a in soup.select(".govuk-error-summary a")]
    assert messages == ["Enter their full name", "Enter an email address in the correct format, like name@example.com",
                        "Select a role", "Password must be 12 characters or more"]
    soup = page(client.post("/admin/users/new", data={"name": "X", "email": "taken@example.gov.uk", "role": "viewer",
                                                      "password": "long enough password"}))
    assert "already a staff account" in soup.select_one(".govuk-error-summary").get_text()
    assert soup.select_one("#name")["value"] == "X"


def test_change_role_and_disable_are_audited(client, login_as, db):
    login_as(Role.ADMIN)
    person = make_staff(role="case_handler")
    client.post(f"/admin/users/{person.id}/role", data={"role": "complaints_officer"})
    client.post(f"/admin/users/{person.id}/active")
    db.session.refresh(person)
    assert person.role == "complaints_officer" and person.active is False
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))
               if e.target_id == person.id]
    assert actions[-2:] == ["staff.role_changed", "staff.disabled"]


def test_last_admin_cannot_be_demoted_or_disable_themselves(client, login_as, db):
    admin = login_as(Role.ADMIN)
    soup = page(client.post(f"/admin/users/{admin.id}/role", data={"role": "viewer"}))
    assert "at least one active administrator" in soup.select_one(".govuk-error-summary").get_text()
    client.post(f"/admin/users/{admin.id}/active")
    db.session.refresh(admin)
    assert admin.active is True


def test_sign_out(client, login_as):
    login_as(Role.VIEWER)
    client.post("/sign-out")
    assert client.get("/staff").status_code == 302


def test_an_administrator_cannot_disable_themselves_and_is_told_why(client, login_as):
    admin = login_as(Role.ADMIN)
    soup = page(client.post(f"/admin/users/{admin.id}/active", follow_redirects=True))
    assert "You cannot disable your own account" in soup.select_one(".govuk-notification-banner").get_text()
    assert admin.active
