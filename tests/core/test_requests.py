"""Form fields and query strings reach the views without NUL characters, which PostgreSQL cannot store."""

from datetime import date

from sqlalchemy import select

from core.charters import load_charter_file
from core.timesource import set_today
from feedback.models import FeedbackItem
from tests.feedback.conftest import HARROW
from tests.feedback.journey import walk


def test_nul_characters_are_dropped_from_what_a_resident_sends(client, db):
    load_charter_file(HARROW)
    set_today(date(2026, 3, 6))
    response = walk(client, description="My bin\x00 was missed.",
                    contact={"name": "Ada\x00", "email": "ada@example.com"})
    assert response.status_code == 302
    item = db.session.scalar(select(FeedbackItem))
    assert (item.description, item.resident.name) == ("My bin was missed.", "Ada")


def test_nul_characters_are_dropped_from_query_strings(app):
    with app.test_request_context("/complaints/?stage=1\x00&q%00=a%00b"):
        from flask import request

        assert request.args.to_dict() == {"stage": "1", "q": "ab"}
