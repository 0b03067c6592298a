"""The annual charter review: performance per commitment, what residents said, and the published pack."""

from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

from reviews import views  # noqa: E402,F401
