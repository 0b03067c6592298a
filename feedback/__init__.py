"""Residents' compliments, comments, complaints and service requests: intake, staff inbox and tracking."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, cli_group="feedback")

from feedback import api, commands, demo, models, staff_views, views  # noqa: E402,F401
