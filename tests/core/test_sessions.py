"""Staff sessions end when they should, and sign-in neither reveals accounts nor lets strangers lock officers out."""

import time
from datetime import timedelta

import pytest

import core.auth
from core.auth import SEEN_AT, SIGNED_IN_AT
from core.models import Role
from core.sign_in_throttle import SignInFailure
from tests.conftest import TEST_PASSWORD
from tests.helpers import make_staff, page, user_loaded_per_request

OFFICER = "officer@example.gov.uk"
WRONG = "not the password at all"


@pytest.fixture(autouse=True)
def _load_user_on_every_request(app):
    with user_loaded_per_request(app):
        yield


def _browser(app, address: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _sign_in(client, email: str = OFFICER, password: str = TEST_PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password})


def _signed_in(app, user, address: str = "127.0.0.1"):
    client = _browser(app, address)
    assert _sign_in(client, user.email).status_code == 302
    assert client.get("/staff").status_code == 200
    return client


def _copy_of_cookie(app, client):
    """Another browser holding the same session cookie (a cookie kept by an attacker, say)."""
    copy = _browser(app)
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def _reaches_staff_page(client) -> bool:
    response = client.get("/staff")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/sign-in")
        return False
    assert response.status_code == 200
    return True


# Sessions that end ------------------------------------------------------------------------------------------------


def test_sign_out_is_post_only(app):
    client = _signed_in(app, make_staff(email=OFFICER, password=TEST_PASSWORD))
    assert client.get("/sign-out").status_code == 405
    assert _reaches_staff_page(client)


def test_sign_out_ends_every_session_of_the_user_and_the_old_cookie_with_it(app):
    user = make_staff(email=OFFICER, password=TEST_PASSWORD)
    laptop, phone = _signed_in(app, user), _signed_in(app, user)
    kept = _copy_of_cookie(app, laptop)
    response = laptop.post("/sign-out")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert not _reaches_staff_page(laptop)
    assert not _reaches_staff_page(kept)
    assert not _reaches_staff_page(phone)
    assert _reaches_staff_page(_signed_in(app, user))


def test_sign_out_needs_the_form_token(app, monkeypatch):
    user = make_staff(email=OFFICER, password=TEST_PASSWORD)
    client = _signed_in(app, user)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    soup = page(client.get("/staff"))
    form = soup.select_one("form[action='/sign-out']")
    assert form["method"] == "post" and form.select_one("button").get_text(strip=True) == "Sign out"
    assert client.post("/sign-out").status_code == 400
    assert _reaches_staff_page(client)
    token = form.select_one("input[name=csrf_token]")["value"]
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert not _reaches_staff_page(client)


def test_a_password_reset_ends_the_users_sessions(app, db):
    user = make_staff(email=OFFICER, password=TEST_PASSWORD)
    victim = _signed_in(app, user)
    admin = _signed_in(app, make_staff(role=Role.ADMIN, password=TEST_PASSWORD))
    new_password = "a brand new password"
    assert admin.post(f"/admin/users/{user.id}/password", data={"password": new_password}).status_code == 302
    assert not _reaches_staff_page(victim)
    assert _reaches_staff_page(admin)
    assert _sign_in(_browser(app), password=new_password).status_code == 302


def test_an_administrator_resetting_their_own_password_stays_signed_in_only_where_they_did_it(app):
    admin = make_staff(role=Role.ADMIN, email=OFFICER, password=TEST_PASSWORD)
    here, elsewhere = _signed_in(app, admin), _signed_in(app, admin)
    assert here.post(f"/admin/users/{admin.id}/password", data={"password": "a brand new password"}).status_code == 302
    assert _reaches_staff_page(here)
    assert not _reaches_staff_page(elsewhere)


def test_disabling_ends_the_users_sessions_and_they_stay_ended_when_the_account_is_turned_back_on(app):
    user = make_staff(email=OFFICER, password=TEST_PASSWORD)
    victim = _signed_in(app, user)
    admin = _signed_in(app, make_staff(role=Role.ADMIN, password=TEST_PASSWORD))
    admin.post(f"/admin/users/{user.id}/active")
    assert not _reaches_staff_page(victim)
    admin.post(f"/admin/users/{user.id}/active")
    assert not _reaches_staff_page(victim)
    assert _reaches_staff_page(_signed_in(app, user))


def test_a_role_change_ends_the_users_sessions(app):
    user = make_staff(email=OFFICER, password=TEST_PASSWORD, role=Role.CASE_HANDLER)
    victim = _signed_in(app, user)
    admin = _signed_in(app, make_staff(role=Role.ADMIN, password=TEST_PASSWORD))
    admin.post(f"/admin/users/{user.id}/role", data={"role": Role.VIEWER.value})
    assert not _reaches_staff_page(victim)


def test_a_session_unused_for_the_idle_timeout_ends(app):
    client = _signed_in(app, make_staff(email=OFFICER, password=TEST_PASSWORD))
    idle = app.config["CHARTERLINE_SESSION_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session[SEEN_AT] = int(time.time()) - idle + 60
    assert _reaches_staff_page(client)  # and being used moves the idle clock on
    with client.session_transaction() as session:
        assert session[SEEN_AT] >= int(time.time()) - 5
        session[SEEN_AT] = int(time.time()) - idle - 1
    assert not _reaches_staff_page(client)


def test_a_session_ends_at_the_absolute_timeout_however_busy(app):
    client = _signed_in(app, make_staff(email=OFFICER, password=TEST_PASSWORD))
    longest = app.config["CHARTERLINE_SESSION_MAX_HOURS"] * 3600
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = int(time.time()) - longest + 60
    assert _reaches_staff_page(client)
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = int(time.time()) - longest - 1
    assert not _reaches_staff_page(client)


def test_a_cookie_without_a_session_generation_no_longer_works(app):
    user = make_staff(email=OFFICER, password=TEST_PASSWORD)
    client = _browser(app)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # how sessions were kept before they could be ended
        session[SIGNED_IN_AT] = session[SEEN_AT] = int(time.time())
    assert not _reaches_staff_page(client)


# No account discovery, no lock-out of others -----------------------------------------------------------------------


def _error(response) -> str:
    return page(response).select_one(".govuk-error-summary").get_text(" ", strip=True)


def test_unknown_known_and_throttled_addresses_get_the_same_answer(app):
    make_staff(email=OFFICER, password=TEST_PASSWORD)
    attacker = _browser(app, "203.0.113.9")
    unknown = _error(_sign_in(attacker, "nobody@example.gov.uk", WRONG))
    known = _error(_sign_in(attacker, OFFICER, WRONG))
    assert unknown == known
    assert "locked" not in known and "Enter a correct email address and password" in known
    for _ in range(app.config["CHARTERLINE_SIGN_IN_FREE_ATTEMPTS"]):
        _sign_in(attacker, OFFICER, WRONG)
    assert _error(_sign_in(attacker, OFFICER, TEST_PASSWORD)) == known  # throttled: even the right password


def test_an_unknown_address_costs_a_password_check_like_a_known_one(app, monkeypatch):
    make_staff(email=OFFICER, password=TEST_PASSWORD)
    checked = []
    real_check = core.auth.check_password_hash
    monkeypatch.setattr(core.auth, "check_password_hash",
                        lambda stored, given: checked.append(stored) or real_check(stored, given))
    client = _browser(app)
    _sign_in(client, "nobody@example.gov.uk", WRONG)
    _sign_in(client, OFFICER, WRONG)
    assert len(checked) == 2
    assert checked[0].split("$")[0] == checked[1].split("$")[0]  # the same scrypt parameters: the same work


def test_a_strangers_wrong_passwords_do_not_stop_the_officer_signing_in(app):
    officer = make_staff(email=OFFICER, password=TEST_PASSWORD)
    stranger = _browser(app, "203.0.113.9")
    for _ in range(app.config["CHARTERLINE_SIGN_IN_FREE_ATTEMPTS"] * 2):
        _sign_in(stranger, OFFICER, WRONG)
    assert _reaches_staff_page(_signed_in(app, officer, "198.51.100.20"))


def test_an_attacker_waits_longer_after_each_failure_once_the_free_attempts_are_used(app, db):
    make_staff(email=OFFICER, password=TEST_PASSWORD)
    attacker = _browser(app, "203.0.113.9")
    free, delay = app.config["CHARTERLINE_SIGN_IN_FREE_ATTEMPTS"], app.config["CHARTERLINE_SIGN_IN_DELAY_SECONDS"]
    for _ in range(free):
        _sign_in(attacker, OFFICER, WRONG)
    assert _sign_in(attacker, OFFICER, TEST_PASSWORD).status_code == 200  # refused while it waits
    assert db.session.scalar(db.select(db.func.count()).select_from(SignInFailure)) == free  # refusals not counted

    def wind_back(seconds: int) -> None:
        for failure in db.session.scalars(db.select(SignInFailure)):
            failure.failed_at -= timedelta(seconds=seconds)
        db.session.commit()

    wind_back(delay + 1)
    assert _sign_in(attacker, OFFICER, WRONG).status_code == 200  # allowed a try again, and it fails
    wind_back(delay + 1)
    assert _sign_in(attacker, OFFICER, TEST_PASSWORD).status_code == 200  # the wait has doubled
    wind_back(delay)
    assert _sign_in(attacker, OFFICER, TEST_PASSWORD).status_code == 302


def test_a_guessing_attack_from_many_addresses_is_throttled_but_a_fresh_address_is_not(app, monkeypatch):
    officer = make_staff(email=OFFICER, password=TEST_PASSWORD)
    machines = [_browser(app, f"203.0.113.{n}") for n in range(1, 4)]
    limit = 6  # each machine stays within its own free attempts
    monkeypatch.setitem(app.config, "CHARTERLINE_SIGN_IN_ACCOUNT_ATTEMPTS", limit)
    assert limit // len(machines) < app.config["CHARTERLINE_SIGN_IN_FREE_ATTEMPTS"]
    for n in range(limit):
        _sign_in(machines[n % len(machines)], OFFICER, WRONG)
    assert _sign_in(machines[0], OFFICER, TEST_PASSWORD).status_code == 200
    assert _reaches_staff_page(_signed_in(app, officer, "198.51.100.20"))


def test_failures_are_kept_without_the_email_address(app, db):
    _sign_in(_browser(app), OFFICER, WRONG)
    failure = db.session.scalar(db.select(SignInFailure))
    assert OFFICER not in failure.account and failure.address == "127.0.0.1"


def test_behind_a_proxy_the_throttle_counts_each_clients_own_address(app, db):
    from app import create_app

    # A second app of its own, on an in-memory database, so nothing of it outlives the test.
    proxied = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": "sqlite://", "CHARTERLINE_PROXY_COUNT": 1})
    with proxied.app_context():
        db.create_all()
        officer = make_staff(email=OFFICER, password=TEST_PASSWORD)
        client = proxied.test_client()
        client.environ_base["REMOTE_ADDR"] = "127.0.0.1"  # every request reaches us from the web server
        for _ in range(app.config["CHARTERLINE_SIGN_IN_FREE_ATTEMPTS"] + 1):
            client.post("/sign-in", data={"email": OFFICER, "password": WRONG},
                        headers={"X-Forwarded-For": "203.0.113.9"})
        assert db.session.scalar(db.select(SignInFailure.address).limit(1)) == "203.0.113.9"
        response = client.post("/sign-in", data={"email": officer.email, "password": TEST_PASSWORD},
                               headers={"X-Forwarded-For": "198.51.100.20"})
        assert response.status_code == 302
        db.session.remove()
        db.engine.dispose()


def test_an_administrator_changing_their_own_role_stays_signed_in_only_where_they_did_it(app):
    make_staff(role=Role.ADMIN, password=TEST_PASSWORD)  # so they are not the last administrator
    admin = make_staff(role=Role.ADMIN, email=OFFICER, password=TEST_PASSWORD)
    here, elsewhere = _signed_in(app, admin), _signed_in(app, admin)
    response = here.post(f"/admin/users/{admin.id}/role", data={"role": Role.POLICY_OFFICER.value})
    assert response.status_code == 302 and response.headers["Location"] == "/staff"  # no longer an administrator
    assert _reaches_staff_page(here)
    assert not _reaches_staff_page(elsewhere)
