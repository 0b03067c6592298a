"""Residents' compliments, comments, complaints and service requests: intake, staff inbox and tracking."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

from feedback import models, views  # noqa: E402,F401
