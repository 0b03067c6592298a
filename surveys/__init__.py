"""Post-contact surveys and consultations tied to charter commitments, and their results."""

from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/surveys")

from surveys import views  # noqa: E402,F401
