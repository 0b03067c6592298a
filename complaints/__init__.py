"""The complaints procedure: stages, clocks, letters, remedies, learning and Ombudsman referrals."""

from flask import Blueprint, Flask

bp = Blueprint("complaints", __name__, url_prefix="/complaints", cli_group="complaints")

from complaints import commands, demo, models, retention, views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
