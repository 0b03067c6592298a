"""The one kind of refusal and the one helper that puts refusals on the page."""

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from core.accounts import StaffError
from core.auth import SignInError
from core.charters import CharterRuleError
from core.clocks.rules import ClockError
from core.errors import RuleError, attempt, attempt_or_flash, show_on_form
from core.sentiment.service import SentimentOverrideError
from feedback.rules import Problem
from feedback.services import FeedbackError
from feedback.uploads import UploadError
from surveys.services import SurveyRuleError


class TwoFields(FlaskForm):
    name = StringField("Name")
    reason = StringField("Reason")


@pytest.fixture
def form(app):
    with app.test_request_context(method="POST"):
        yield TwoFields(meta={"csrf": False})


@pytest.mark.parametrize("kind", [StaffError, SignInError, CharterRuleError, ClockError, SentimentOverrideError,
                                  FeedbackError, UploadError, SurveyRuleError])
def test_every_package_refuses_with_the_one_rule_error(kind):
    assert issubclass(kind, RuleError)
    assert kind("No").message == "No"


def test_a_refusal_goes_against_its_own_field_or_the_one_given(form):
    assert show_on_form(form, RuleError("Enter a reason", field="reason"), "name") is False
    assert list(form.reason.errors) == ["Enter a reason"] and not form.name.errors
    show_on_form(form, RuleError("Not allowed"), "name")
    assert form.name.errors == ["Not allowed"]
    show_on_form(form, RuleError("Not allowed"), "name")  # shown once, however often it is refused
    assert form.name.errors == ["Not allowed"]


def test_problems_found_by_a_check_go_on_the_page_the_same_way(form):
    assert show_on_form(form, []) is True
    assert show_on_form(form, [Problem("name", "Enter your name"), Problem("reason", "Too long")]) is False
    assert (form.name.errors, form.reason.errors) == (["Enter your name"], ["Too long"])


def test_a_refusal_no_field_can_show_is_a_mistake_in_the_page(form):
    with pytest.raises(ValueError, match="No field on the form can show: Lost"):
        show_on_form(form, RuleError("Lost", field="nowhere"))


def test_attempt_returns_the_result_or_shows_the_refusal(form):
    assert attempt(form, "name", lambda: 42) == 42
    assert attempt(form, "name", lambda: None) is True

    def refuse():
        raise RuleError("Try again tomorrow")

    assert attempt(form, "reason", refuse) is None
    assert form.reason.errors == ["Try again tomorrow"]


def test_attempt_or_flash_returns_the_result_or_flashes_the_refusal(app):
    with app.test_request_context(method="POST"):
        assert attempt_or_flash(lambda: 42) == 42
        assert attempt_or_flash(lambda: None) is True

        def refuse():
            raise SurveyRuleError("This survey is already live")

        assert attempt_or_flash(refuse) is None
        assert get_flashed_messages(with_categories=True) == [("error", "This survey is already live")]
