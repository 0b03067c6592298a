"""The complaints procedure: stages, clocks, letters, remedies, learning and Ombudsman referrals.

``init_app(app)`` is the one way to wire it in: importing the package defines its blueprint, pages and commands,
and connects or registers nothing else.
"""

from flask import Blueprint, Flask

bp = Blueprint("complaints", __name__, url_prefix="/complaints", cli_group="complaints")

from complaints import commands, models, views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    """Register the blueprint, connect the signal receivers and add complaints' part to what the packages below
    it run: the tracking page's section, the demo step and the retention part. Safe to call for a second app."""
    from complaints import demo, retention
    from complaints.services import receivers
    from complaints.views.resident import tracking_section
    from core.demo import register_demo_step
    from core.events import register_tracking_section
    from feedback.retention import register_retention_part

    app.register_blueprint(bp)
    receivers.connect()
    register_tracking_section(tracking_section)
    register_demo_step("Complaints", demo.load_demo_complaints)
    register_retention_part(retention.ComplaintRetention())
