"""Configuration: documented defaults, overridden by CHARTERLINE_* and FLASK_* environment variables."""

from __future__ import annotations

import os
import re
import secrets
from datetime import date
from pathlib import Path

from core.branding import BrandingError, identity_from
from core.clocks.calendar import CALENDAR_NAMES

#: Environments in which Charterline may start without an explicit SECRET_KEY.
RELAXED_ENVIRONMENTS = {"development", "testing"}
#: The project folder: a relative CHARTERLINE_LOGO is read from here.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class ConfigError(RuntimeError):
    """Raised when configuration would leave the service unsafe or unable to start."""


DEFAULTS: dict[str, object] = {
    # "production", "development" or "testing". Production refuses to start without SECRET_KEY.
    "CHARTERLINE_ENV": "production",
    # Shown in the page header and in letters.
    "SERVICE_NAME": "Contact us and give feedback",
    "COUNCIL_NAME": "Example Council",
    # The council's identity on every page (GOV.UK's crown, arms and typeface are only for services on GOV.UK).
    # The logo in the header: an SVG or PNG file, absolute or relative to the project folder; the demo council's.
    "CHARTERLINE_LOGO": "static/images/council-logo.svg",
    # The logo's alternative text; empty means "<COUNCIL_NAME> logo".
    "CHARTERLINE_LOGO_ALT": "",
    # The header's background and the footer's top border (#rrggbb). The header's text is white on it, so it
    # must have a contrast of at least 4.5:1 with white (WCAG AA); Charterline refuses a lighter one.
    "CHARTERLINE_BRAND_COLOUR": "#00625e",
    # Links to the council's own pages, after the service's own in the footer: "Text|https://address" pairs
    # separated by semicolons, e.g. "Example Council website|https://www.example.gov.uk; Contact us|/contact".
    "CHARTERLINE_FOOTER_LINKS": "",
    # The footer's copyright line; empty means "© <COUNCIL_NAME>".
    "CHARTERLINE_COPYRIGHT": "",
    # Slug of the charter (in charters/) that residents see on the feedback pages.
    "CHARTERLINE_COUNCIL": "north-norfolk",
    # Holiday policy of the council's default calendar (FOI always uses "uk").
    "CHARTERLINE_CALENDAR": "england-and-wales",
    # Public address of the service, used in links sent by email and letter.
    "CHARTERLINE_BASE_URL": "http://127.0.0.1:5000",
    # Outbox backend: "log" (write to the log, for development), "smtp" or "notify" (GOV.UK Notify).
    "CHARTERLINE_OUTBOX_BACKEND": "log",
    "CHARTERLINE_OUTBOX_FROM": "no-reply@example.gov.uk",
    "CHARTERLINE_SMTP_HOST": "localhost",
    "CHARTERLINE_SMTP_PORT": 25,
    "CHARTERLINE_SMTP_USER": "",
    "CHARTERLINE_SMTP_PASSWORD": "",
    "CHARTERLINE_SMTP_STARTTLS": False,
    # GOV.UK Notify: the API key (key name, service ID and secret, as Notify shows it), the id of an email template
    # whose subject is ((subject)) and whose message is ((body)), and the API address (tests point it elsewhere).
    "CHARTERLINE_NOTIFY_API_KEY": "",
    "CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID": "",
    "CHARTERLINE_NOTIFY_BASE_URL": "https://api.notifications.service.gov.uk",
    # Letters in the standard format go to Notify to be printed and posted, rather than waiting to be printed here.
    "CHARTERLINE_NOTIFY_LETTERS": False,
    # Failed deliveries are retried with exponential backoff up to this many attempts.
    "CHARTERLINE_OUTBOX_MAX_ATTEMPTS": 6,
    # Sign-in throttling (core/sign_in_throttle.py): one client address may get this many passwords wrong for one
    # email address within the window, then waits DELAY_SECONDS after each failure, doubling each time (up to the
    # window). Once an email address has ACCOUNT_ATTEMPTS failures in the window from all addresses together, every
    # address that has failed for it waits after each failure. An address that has not been failing is never held
    # back, so strangers cannot lock an officer out.
    "CHARTERLINE_SIGN_IN_FREE_ATTEMPTS": 5,
    "CHARTERLINE_SIGN_IN_DELAY_SECONDS": 30,
    "CHARTERLINE_SIGN_IN_WINDOW_MINUTES": 15,
    "CHARTERLINE_SIGN_IN_ACCOUNT_ATTEMPTS": 20,
    # How many proxies (your web server, a load balancer) stand in front of Charterline and add X-Forwarded-For.
    # Sign-in throttling and rate limits need each client's own address; 0 trusts no forwarded headers.
    "CHARTERLINE_PROXY_COUNT": 0,
    # Staff sessions end after this many minutes unused, and this many hours after signing in, whatever happens.
    "CHARTERLINE_SESSION_IDLE_MINUTES": 30,
    "CHARTERLINE_SESSION_MAX_HOURS": 12,
    # Rate limits for public forms and APIs (Flask-Limiter syntax).
    "CHARTERLINE_PUBLIC_RATE_LIMIT": "30 per minute",
    # Requests each API key may make (Flask-Limiter syntax); a key can carry its own rate instead.
    # Surveys: groups with fewer answers than this are suppressed ("fewer than 10 responses"), never 0% or 100%.
    "CHARTERLINE_SURVEY_MIN_RESPONSES": 10,
    # Charter reviews: the month and day a review year starts (MM-DD; 04-01 is the financial year, April to March),
    # and the share of cases a standard must meet when the charter gives no share of its own (0 to 1).
    "CHARTERLINE_REVIEW_YEAR_STARTS": "04-01",
    "CHARTERLINE_REVIEW_DEFAULT_SHARE": 0.9,
    # Homes the council lets as a landlord, for the Tenant Satisfaction Measure CH01 (complaints per 1,000 homes)
    # in the annual pack; 0 leaves CH01 out.
    "CHARTERLINE_HOMES": 0,
    # Days an invitation link works for.
    "CHARTERLINE_SURVEY_INVITATION_DAYS": 28,
    # Nobody is invited to a survey twice within this many days, whatever they contact us about.
    "CHARTERLINE_SURVEY_REINVITE_DAYS": 90,
    # Contacts older than this many days are never invited (so importing last year's calls sends nothing).
    "CHARTERLINE_SURVEY_INVITE_WITHIN_DAYS": 14,
    # New responses through an open (kiosk or QR code) link, per address (Flask-Limiter syntax).
    "CHARTERLINE_SURVEY_OPEN_RATE_LIMIT": "60 per hour",
    # Days a contact's email address and phone number are kept before `flask surveys anonymise` clears them.
    "CHARTERLINE_CONTACT_RETENTION_DAYS": 365,
    # Retention of residents' feedback: after this many days `flask feedback anonymise` removes their contact
    # details, what they wrote, messages, letters and files, and keeps the figures. Compliments and comments are
    # kept two years from the day they were received (731 days, so a leap day never shortens it).
    "CHARTERLINE_FEEDBACK_RETENTION_DAYS": 731,
    # Complaints and service requests are kept six years from the day the case closed: the usual council retention
    # schedule, which follows the six years the Limitation Act 1980 (sections 2 and 5) allows for bringing a claim.
    # 2,192 days, so that leap days never shorten it. A case still open is never anonymised, however old.
    "CHARTERLINE_COMPLAINT_RETENTION_DAYS": 2192,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Complaints: how residents reach the complaints team, printed in every complaint letter.
    "CHARTERLINE_COMPLAINTS_EMAIL": "complaints@example.gov.uk",
    "CHARTERLINE_COMPLAINTS_PHONE": "",
    # `flask complaints remind` tells the handler this many working days before each due date.
    "CHARTERLINE_COMPLAINT_REMINDER_DAYS": 2,
    # Where breach notices go; empty means every active complaints officer.
    "CHARTERLINE_BREACH_NOTICE_TO": "",
    # Restrictions on contact (unreasonable behaviour): months until the first review, and the working days
    # before a review date when the deciding officer is reminded. Councils set their own, e.g. 11 or 12 months.
    "CHARTERLINE_RESTRICTION_REVIEW_MONTHS": 6,
    "CHARTERLINE_RESTRICTION_REMINDER_DAYS": 10,
    # Where residents' evidence files are kept (never under static/); empty means instance/uploads.
    "CHARTERLINE_UPLOAD_DIR": "",
    # Fix "today" for demonstrations and tests (ISO date); empty means the real date.
    "CHARTERLINE_TODAY": "",
    "SQLALCHEMY_DATABASE_URI": "",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 8 * 60 * 60,  # seconds: one working day
    "MAX_CONTENT_LENGTH": 55 * 1024 * 1024,  # five 10 MB evidence files plus the form
}

_BOOL_WORDS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _coerce(default: object, raw: str) -> object:
    if isinstance(default, bool):
        if raw.lower() not in _BOOL_WORDS:
            raise ConfigError(f"{raw!r} is not a yes/no value")
        return _BOOL_WORDS[raw.lower()]
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"{raw!r} is not a whole number") from exc
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError as exc:
            raise ConfigError(f"{raw!r} is not a number") from exc
    return raw


def from_environment(environ: os._Environ[str] | dict[str, str] | None = None) -> dict[str, object]:
    """Read settings from the environment: each default key, plus SECRET_KEY and DATABASE_URL."""
    env = os.environ if environ is None else environ
    settings: dict[str, object] = {}
    for key, default in DEFAULTS.items():
        if key in env and not isinstance(default, dict):
            try:
                settings[key] = _coerce(default, env[key])
            except ConfigError as exc:
                raise ConfigError(f"{key} is not valid: {exc}.") from exc
    if env.get("SECRET_KEY") or env.get("FLASK_SECRET_KEY"):
        settings["SECRET_KEY"] = env.get("SECRET_KEY") or env.get("FLASK_SECRET_KEY")
    if env.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(env["DATABASE_URL"])
    return settings


def normalise_database_url(url: str) -> str:
    """Accept the URL forms hosting platforms hand out and pin PostgreSQL to psycopg 3."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def check_database_url(url: str) -> None:
    """Refuse database URLs Charterline cannot use, with one clear sentence."""
    if not (url.startswith("sqlite:") or url.startswith("postgresql+psycopg://")):
        raise ConfigError(
            "DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host/name) "
            f"or a SQLite URL (sqlite:///path), not {url.split(':', 1)[0]!r}."
        )


#: Retention periods in days: the shortest allowed, and why; none longer than a century.
_RETENTION_LIMITS = {
    "CHARTERLINE_FEEDBACK_RETENTION_DAYS": (1, ""),
    # Housing Ombudsman Scheme: a complaint is not normally considered 12 months or more after the final response, so
    # the Ombudsman can ask about a closed case for that long; it is kept at least 12 months, leap day included.
    "CHARTERLINE_COMPLAINT_RETENTION_DAYS": (366, ": a resident can go to the Ombudsman up to 12 months after "
                                                  "our final response"),
}
_LONGEST_RETENTION = 36_525


def finalise(config: dict, instance_path: Path) -> None:
    """Fill in derived settings and refuse unsafe ones."""
    env_name = config["CHARTERLINE_ENV"]
    if env_name not in {"production", "development", "testing"}:
        raise ConfigError("CHARTERLINE_ENV must be production, development or testing.")
    if config.get("TESTING"):
        env_name = config["CHARTERLINE_ENV"] = "testing"
    if not config.get("SECRET_KEY"):
        if env_name not in RELAXED_ENVIRONMENTS:
            raise ConfigError(
                "SECRET_KEY is not set: set it to a long random value before starting Charterline in production."
            )
        config["SECRET_KEY"] = _development_secret(instance_path)
    for key, (shortest, why) in _RETENTION_LIMITS.items():
        if not shortest <= config.get(key, DEFAULTS[key]) <= _LONGEST_RETENTION:
            raise ConfigError(f"{key} must be a number of days from {shortest:,} to {_LONGEST_RETENTION:,}{why}.")
    if config["CHARTERLINE_CALENDAR"] not in CALENDAR_NAMES:
        raise ConfigError(f"CHARTERLINE_CALENDAR must be one of {', '.join(CALENDAR_NAMES)}.")
    check_outbox(config)
    check_review_settings(config)
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'charterline.db'}"
    check_database_url(config["SQLALCHEMY_DATABASE_URI"])
    config["SESSION_COOKIE_SECURE"] = env_name == "production"
    try:
        config["CHARTERLINE_IDENTITY"] = identity_from({**DEFAULTS, **config}, PROJECT_ROOT)
    except BrandingError as exc:
        raise ConfigError(str(exc)) from exc


def review_year_start(config) -> tuple[int, int]:
    """The month and day each review year starts (``CHARTERLINE_REVIEW_YEAR_STARTS``, checked at start-up)."""
    month, _, day = str(config.get("CHARTERLINE_REVIEW_YEAR_STARTS", DEFAULTS["CHARTERLINE_REVIEW_YEAR_STARTS"]))\
        .partition("-")
    return int(month), int(day)


def review_year_of(config, day: date) -> int:
    """The calendar year in which the review year holding ``day`` starts (2025 for 1 March 2026, by default)."""
    month, start = review_year_start(config)
    return day.year if (day.month, day.day) >= (month, start) else day.year - 1


def check_review_settings(config: dict) -> None:
    """Refuse a review year start that is not a day of the year, or a default share outside 0 to 1."""
    starts = str(config.get("CHARTERLINE_REVIEW_YEAR_STARTS", DEFAULTS["CHARTERLINE_REVIEW_YEAR_STARTS"]))
    month, _, day = starts.partition("-")
    try:
        # Any year that is not a leap year: a review year cannot start on 29 February.
        date(2025, int(month), int(day))
    except ValueError as exc:
        raise ConfigError("CHARTERLINE_REVIEW_YEAR_STARTS must be a month and day as MM-DD, like 04-01.") from exc
    share = config.get("CHARTERLINE_REVIEW_DEFAULT_SHARE", DEFAULTS["CHARTERLINE_REVIEW_DEFAULT_SHARE"])
    if not isinstance(share, int | float) or not 0 < share <= 1:
        raise ConfigError("CHARTERLINE_REVIEW_DEFAULT_SHARE must be a number above 0 and at most 1, like 0.9.")
    homes = config.get("CHARTERLINE_HOMES", DEFAULTS["CHARTERLINE_HOMES"])
    if not isinstance(homes, int) or isinstance(homes, bool) or homes < 0:
        raise ConfigError("CHARTERLINE_HOMES must be a whole number of homes, 0 or more, like 5200.")


OUTBOX_BACKENDS = ("log", "smtp", "notify")
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: A Notify API key is the key's name, the service ID and the secret, joined by hyphens.
_NOTIFY_KEY = re.compile(rf"\S+-{_UUID}-{_UUID}", re.IGNORECASE)


def check_outbox(config: dict) -> None:
    """Refuse an outbox backend that cannot send: an unknown one, or Notify without a usable key or template."""
    backend = config.get("CHARTERLINE_OUTBOX_BACKEND", DEFAULTS["CHARTERLINE_OUTBOX_BACKEND"])
    if backend not in OUTBOX_BACKENDS:
        raise ConfigError(f"CHARTERLINE_OUTBOX_BACKEND must be one of {', '.join(OUTBOX_BACKENDS)}.")
    if backend != "notify":
        return
    for key in ("CHARTERLINE_NOTIFY_API_KEY", "CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID"):
        config[key] = str(config.get(key, "")).strip()
    for key, what in (("CHARTERLINE_NOTIFY_API_KEY", "an API key"),
                      ("CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID", "the ID of an email template")):
        if not config[key]:
            raise ConfigError(f"{key} is not set: sending through GOV.UK Notify needs {what}.")
    # Never echo the key: it is a secret.
    if not _NOTIFY_KEY.fullmatch(config["CHARTERLINE_NOTIFY_API_KEY"]):
        raise ConfigError(
            "CHARTERLINE_NOTIFY_API_KEY is not a GOV.UK Notify API key: copy the whole key from Notify's API "
            "integration page (the key name, your service ID and the secret, joined by hyphens).")
    if not re.fullmatch(_UUID, config["CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID"], re.IGNORECASE):
        raise ConfigError(
            "CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID must be the ID of your Notify email template (copy it from the "
            "template's page in Notify), because emails are sent through that template.")


def _development_secret(instance_path: Path) -> str:
    """A key kept in instance/ so development sessions survive restarts; never used in production."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "development-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
    return key_file.read_text().strip()
