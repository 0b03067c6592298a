"""Staff and administrators' pages: the start page, sign-in, staff accounts, charters, the outbox and closure dates.

The pages live here so that ``core`` holds no pages; they stand on core's services and nothing imports them.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from staff import queue_views  # noqa: F401  its routes join the staff blueprint
    from staff.closures import bp as closures_bp
    from staff.views import bp as staff_bp

    app.register_blueprint(staff_bp)
    app.register_blueprint(closures_bp)
