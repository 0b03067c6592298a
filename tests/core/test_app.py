"""The app factory: configuration rules, error pages, security headers."""

import pytest

from app import create_app
from core.config import ConfigError, finalise, from_environment, normalise_database_url
from tests.helpers import page


def test_production_refuses_to_start_without_a_secret_key(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        create_app({"CHARTERLINE_ENV": "production", "SECRET_KEY": "", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Charterline cannot start: SECRET_KEY is not set")
    assert "Traceback" not in err


def test_development_makes_and_keeps_a_secret_key(tmp_path):
    config = {"CHARTERLINE_ENV": "development", "CHARTERLINE_CALENDAR": "uk", "SQLALCHEMY_DATABASE_URI": ""}
    finalise(config, tmp_path)
    again = {"CHARTERLINE_ENV": "development", "CHARTERLINE_CALENDAR": "uk", "SQLALCHEMY_DATABASE_URI": ""}
    finalise(again, tmp_path)
    assert len(config["SECRET_KEY"]) > 40
    assert config["SECRET_KEY"] == again["SECRET_KEY"]
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


@pytest.mark.parametrize("url", ["mysql://u@h/db", "nonsense"])
def test_bad_database_url_is_one_clear_sentence(url):
    with pytest.raises(ConfigError, match="DATABASE_URL must be a PostgreSQL URL"):
        finalise({"CHARTERLINE_ENV": "testing", "SECRET_KEY": "x", "CHARTERLINE_CALENDAR": "uk",
                  "SQLALCHEMY_DATABASE_URI": url}, None)


def test_database_urls_are_pinned_to_psycopg3():
    assert normalise_database_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_environment_values_are_typed():
    settings = from_environment({"CHARTERLINE_SIGN_IN_FREE_ATTEMPTS": "3", "CHARTERLINE_SMTP_STARTTLS": "yes",
                                 "DATABASE_URL": "postgres://h/db", "SECRET_KEY": "s"})
    assert settings == {"CHARTERLINE_SIGN_IN_FREE_ATTEMPTS": 3, "CHARTERLINE_SMTP_STARTTLS": True,
                        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://h/db", "SECRET_KEY": "s"}
    with pytest.raises(ConfigError, match="CHARTERLINE_SIGN_IN_FREE_ATTEMPTS is not valid"):
        from_environment({"CHARTERLINE_SIGN_IN_FREE_ATTEMPTS": "lots"})


def test_unknown_page_is_the_govuk_404(client):
    soup = page(client.get("/no-such-page"), 404)
    assert soup.h1.get_text(strip=True) == "Page not found"
    assert "govuk-template" in soup.html["class"]


def test_api_404_is_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {"errors": [{"message": "Page not found"}]}


def test_unexpected_error_shows_the_govuk_500_page():
    fresh = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                        "PROPAGATE_EXCEPTIONS": False})

    @fresh.get("/test-explodes")
    def explode():
        raise RuntimeError("boom")

    with fresh.app_context():
        soup = page(fresh.test_client().get("/test-explodes"), 500)
    assert soup.h1.get_text(strip=True) == "Sorry, there is a problem with the service"


def test_security_headers_and_script_nonce(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_start_page_has_header_footer_phase_banner_and_skip_link(client):
    soup = page(client.get("/"))
    assert soup.select_one("a.govuk-skip-link")["href"] == "#main-content"
    assert soup.select_one(".govuk-phase-banner")
    assert soup.select_one(".govuk-footer")
    assert soup.select_one(".govuk-service-navigation__service-name").get_text(strip=True) == \
        "Contact us and give feedback"
    assert soup.title.get_text().startswith("Contact us, give feedback or make a complaint")
