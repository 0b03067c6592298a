"""Charterline's application factory: configuration, extensions, templates, blueprints, commands and error pages."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from core import config as config_module
from core.extensions import csrf, db, limiter, login_manager, migrate
from core.text import use_storable_text

ROOT = Path(__file__).resolve().parent


def create_app(config: dict | None = None) -> Flask:
    """Build a Charterline app; `config` overrides the environment (tests pass a dict)."""
    app = Flask(
        __name__,
        static_url_path="/assets",  # GOV.UK Frontend's CSS refers to /assets/fonts and /assets/images
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    use_storable_text(app)  # answers and URLs never carry characters the database refuses
    try:
        app.config.update(config_module.DEFAULTS)
        app.config.update(config_module.from_environment())
        app.config.update(config or {})
        config_module.finalise(app.config, Path(app.instance_path))
    except config_module.ConfigError as exc:
        # One clear sentence for the operator, not a traceback (flask CLI, gunicorn and tests alike).
        print(f"Charterline cannot start: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc

    _trust_proxies(app)
    _init_extensions(app)
    _init_templates(app)
    _register_blueprints(app)
    _register_commands(app)
    _register_error_pages(app)
    _add_security_headers(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind a web server every request comes from the proxy: take the client's address from the headers the
    configured number of proxies add, so sign-in throttling and rate limits count per client."""
    proxies = app.config["CHARTERLINE_PROXY_COUNT"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    import core.auth  # noqa: F401  registers the user loader


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite: write-ahead logging for concurrent readers, and enforced foreign keys."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def _init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([
        app.jinja_loader,
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    from core import formatting

    formatting.register(app)


def _register_blueprints(app: Flask) -> None:
    """Each package adds its pages, connects its signal receivers and registers its parts (``init_app``)."""
    import channel_stats
    import codesign
    import complaints
    import feedback
    import identity
    import reviews
    import staff
    import surveys

    for package in (identity, staff, feedback, complaints, surveys, channel_stats, reviews, codesign):
        package.init_app(app)


def _register_commands(app: Flask) -> None:
    from core.clocks.commands import clocks
    from core.commands import CLI_GROUPS

    for group in (*CLI_GROUPS, clocks):
        app.cli.add_command(group)


def _register_error_pages(app: Flask) -> None:
    def render_error(status: int, title: str, template: str):
        return render_template(f"errors/{template}.html", page_title=title), status

    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        return render_error(400, "Your session has expired", "session_expired")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        titles = {
            400: ("Sorry, there is a problem with your request", "400"),
            403: ("You do not have permission to see this page", "403"),
            404: ("Page not found", "404"),
            405: ("Page not found", "404"),
            413: ("The files you sent are too large", "413"),
            429: ("Too many requests", "429"),
        }
        title, template = titles.get(exc.code, ("Sorry, there is a problem with the service", "500"))
        if request.path.startswith("/api/"):
            return {"errors": [{"message": title}]}, exc.code
        return render_error(exc.code, title, template)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        app.logger.exception("Unhandled error: %s", exc)
        db.session.rollback()
        if request.path.startswith("/api/"):
            return {"errors": [{"message": "Sorry, there is a problem with the service"}]}, 500
        return render_error(500, "Sorry, there is a problem with the service", "500")


def _add_security_headers(app: Flask) -> None:
    @app.before_request
    def make_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def headers(response):
        nonce = getattr(g, "csp_nonce", "")
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["CHARTERLINE_ENV"] == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
