"""The annual charter review: review cycles, the evidence for every commitment, and its pages and commands."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("reviews", __name__, url_prefix="/reviews", cli_group="reviews")
#: Residents' pages: the published pack ("How we did").
public_bp = Blueprint("reviews_public", __name__)


def init_app(app: Flask) -> None:
    from reviews import commands, models, views  # noqa: F401  its tables; its routes and commands join the blueprint
    from reviews.pack import views as pack_views  # noqa: F401  the pack's page and files

    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
