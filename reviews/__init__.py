"""The annual charter review: performance per commitment, what residents said, and the published pack."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("reviews", __name__, url_prefix="/reviews")


def init_app(app: Flask) -> None:
    from reviews import models, views  # noqa: F401  its tables, and its routes join the blueprint

    app.register_blueprint(bp)
