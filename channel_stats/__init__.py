"""Channel statistics: monthly telephone, web chat, visit and information-rights figures from the council's own
systems, imported by file, API or command, for the charter standards Charterline cannot measure itself."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("channel_stats", __name__, url_prefix="/channel-statistics")
#: The integration API, outside the page prefix: POST /api/v1/channel-statistics.
api = Blueprint("channel_stats_api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    """Add the import pages and the API, and register the API description and the demo step (the import command
    joins the `reviews` group: reviews/commands.py)."""
    from channel_stats import api_views, models, views  # noqa: F401  tables; routes join the blueprints
    from channel_stats.demo import load_demo_channel_stats
    from channel_stats.openapi import describe_channel_stats_api
    from core.demo import register_demo_step
    from core.extensions import csrf
    from core.openapi import register_api_section

    register_api_section(describe_channel_stats_api)
    register_demo_step("Channel statistics", load_demo_channel_stats)
    csrf.exempt(api)
    app.register_blueprint(bp)
    app.register_blueprint(api)
