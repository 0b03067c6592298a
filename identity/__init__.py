"""The council's identity on the web: its logo, its web manifest and the values every page's header and footer use.

The settings are checked when Charterline starts (``core.branding``, through ``core.config.finalise``); this package
only serves them.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Flask, current_app, send_file, url_for

from core.branding import Identity

bp = Blueprint("identity", __name__)

#: The council's icons in static/images/ (the demo council's; a council replaces the files with its own).
ICONS = [
    {"src": "images/favicon.svg", "type": "image/svg+xml", "sizes": "any", "purpose": "any"},
    {"src": "images/icon-192.png", "type": "image/png", "sizes": "192x192", "purpose": "any maskable"},
    {"src": "images/icon-512.png", "type": "image/png", "sizes": "512x512", "purpose": "any maskable"},
]


def identity() -> Identity:
    return current_app.config["CHARTERLINE_IDENTITY"]


@bp.get("/council-logo")
def logo():
    council = identity()
    return send_file(council.logo_path, mimetype=council.logo_mimetype, max_age=24 * 60 * 60)


@bp.get("/manifest.webmanifest")
def manifest():
    council = identity()
    service = current_app.config["SERVICE_NAME"]
    body = {
        "name": f"{service} – {council.council_name}",
        "short_name": council.council_name,
        "start_url": url_for("staff.home"),
        "display": "browser",
        "theme_color": council.brand_colour,
        "background_color": "#ffffff",
        "icons": [{**icon, "src": url_for("static", filename=icon["src"])} for icon in ICONS],
    }
    response = current_app.json.response(body)
    response.mimetype = "application/manifest+json"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    council: Identity = app.config["CHARTERLINE_IDENTITY"]
    # The logo's address changes with its content, so browsers may keep it for a day and never show an old one.
    version = hashlib.sha256(council.logo_path.read_bytes()).hexdigest()[:12]

    @app.context_processor
    def council_identity() -> dict:
        return {"council": council, "council_logo_url": url_for("identity.logo", v=version)}
