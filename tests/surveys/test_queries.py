"""Results: per question counts and shares, figures by month, channel and commitment, response rates, suppression."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from core.contacts import record_contact
from core.extensions import db
from core.models import Charter
from surveys import commitment_figures, queries
from surveys.models import Invitation
from tests.helpers import make_charter
from tests.surveys.factories import make_response, make_survey

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)


def _invitations(survey, *, sent: int, used: int, month=OCT, channel="phone"):
    """`sent` invitations for the survey, the first `used` of them answered."""
    for n in range(sent):
        contact = record_contact(channel=channel, occurred_at=datetime(month.year, month.month, 2), source="form")
        db.session.add(Invitation(survey_id=survey.id, contact=contact, status="sent", channel=channel,
                                  sent_at=datetime(month.year, month.month, 3), sent_month=month,
                                  used_at=datetime(month.year, month.month, 4) if n < used else None))
    db.session.commit()


@pytest.fixture
def charter(db):
    return make_charter()


@pytest.fixture
def survey(charter):
    survey = make_survey([
        {"type": "good_average_poor", "text": "How did we do?", "commitments": [charter.commitments[1]]},
        {"type": "yes_no", "text": "Did you know who you were dealing with?"},
        {"type": "multiple_choice", "text": "What helped?", "options": ["Speed", "Kindness", "Clarity"],
         "required": False},
        {"type": "nps", "text": "Would you recommend us?"},
        {"type": "free_text", "text": "Anything else?", "required": False},
    ])
    # October, phone: 7 good, 3 average, 2 poor; NPS 5 × 10, 3 × 8, 4 × 3.
    q1 = ["good"] * 7 + ["average"] * 3 + ["poor"] * 2
    q4 = ["10"] * 5 + ["8"] * 3 + ["3"] * 4
    for n in range(12):
        ticks = [["Speed", "Kindness"], ["Kindness"], None][n % 3]
        make_response(survey, [q1[n], "yes" if n < 9 else "no", ticks, q4[n], "Thanks" if n == 0 else None])
    # November, email: three more, all good.
    for _ in range(3):
        make_response(survey, ["good", "yes", None, "9", None], channel="email", month=NOV)
    return survey


def test_per_question_counts_and_shares_with_intervals(survey):
    results = queries.survey_results(survey)
    assert results.responses == 15
    how = results.questions[0]
    assert how.answered == 15
    assert [(o.label, o.count) for o in how.options] == [("Good", 10), ("Average", 3), ("Poor", 2)]
    good = how.options[0].share
    assert (good.successes, good.n) == (10, 15)
    assert (round(good.low, 4), round(good.high, 4)) == (0.4171, 0.8482)  # Wilson, 10 of 15
    assert how.figures.satisfaction.successes == 10
    assert how.figures.net == Decimal("0.53")  # (10 − 2) / 15 = 0.533
    assert how.figures.nps is None


def test_multiple_choice_shares_are_of_the_people_who_answered(survey):
    helped = queries.survey_results(survey).questions[2]
    assert helped.answered == 8  # 4 ticked two options, 4 ticked one, 7 skipped the question
    assert helped.suppressed  # fewer than 10 people answered: shares are not shown
    assert [o.share for o in helped.options] == [None, None, None]
    assert [(o.label, o.count) for o in helped.options] == [("Speed", 4), ("Kindness", 8), ("Clarity", 0)]


def test_share_saying_yes(survey):
    knew = queries.survey_results(survey).questions[1]
    assert [(o.label, o.count) for o in knew.options] == [("Yes", 12), ("No", 3), ("Not sure", 0)]
    assert (knew.figures.said_yes.successes, knew.figures.said_yes.n) == (12, 15)
    assert knew.figures.satisfaction is None


def test_nps_where_it_was_asked(survey):
    nps = queries.survey_results(survey).questions[3]
    # 8 promoters (5 × 10, 3 × 9), 4 detractors of 15: 100 × (8 − 4) / 15 = 26.7
    assert nps.figures.nps == 27
    assert nps.figures.satisfaction is None


def test_free_text_counts_and_sentiment(survey):
    text = queries.survey_results(survey).questions[4]
    assert text.answered == 1
    assert text.sentiment == {"positive": 1}  # "Thanks", scored when it was written


def test_months_and_channels_below_the_minimum_are_suppressed(survey):
    results = queries.survey_results(survey)
    october, november = results.by_month
    assert october.label == "October 2026" and october.tally.scored == 12
    assert october.satisfaction.successes == 7
    assert october.net == Decimal("0.42")  # (7 − 2) / 12 = 0.4167
    assert october.nps == 8  # 100 × (5 − 4) / 12 = 8.3
    assert november.tally.scored == 3
    assert november.satisfaction is None and november.satisfaction_suppressed  # 3 of 3 good, never "100%"
    assert [f.label for f in results.by_channel] == ["Email", "Phone"]


def test_filters_by_period_and_channel(survey):
    october = queries.survey_results(survey, period=queries.Period(OCT, OCT))
    assert october.responses == 12 and october.questions[0].answered == 12
    email = queries.survey_results(survey, channel="email")
    assert email.responses == 3 and email.questions[0].suppressed


def test_response_rate_against_invitations(survey):
    _invitations(survey, sent=40, used=12)
    results = queries.survey_results(survey)
    rate = results.by_month[0].response_rate
    assert (rate.successes, rate.n) == (12, 40)
    # Wilson, 12 of 40: centre 0.34802 / 1.09604 = 0.31753; half 1.78823 × √0.0058502 = 0.13678
    assert (round(rate.low, 4), round(rate.high, 4)) == (0.1807, 0.4543)
    assert results.overall.response_rate.n == 40


def test_minimum_is_taken_from_configuration(app, survey, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_SURVEY_MIN_RESPONSES", 3)
    results = queries.survey_results(survey)
    assert results.by_month[1].satisfaction.successes == 3
    assert results.questions[2].options[1].share.successes == 8


def test_commitment_figures_follow_a_code_across_surveys_and_charter_versions(charter, survey):
    newer = make_charter(version=2, commitments=[{"code": "T-02", "wording": "We will always treat you with respect.",
                                                 "channel": "any"}])
    charter.status = "retired"
    db.session.commit()
    other = make_survey([{"type": "rating", "text": "Were we polite?", "commitments": [newer.commitments[0]]}])
    for value in ["5", "4", "3", "2", "1", "5", "4", "4", "5", "1"]:
        make_response(other, [value], channel="visit", month=NOV)
    _invitations(survey, sent=30, used=10)
    _invitations(other, sent=20, used=10, month=NOV, channel="visit")
    results = commitment_figures.commitment_results()
    [t02] = results.commitments
    assert t02.code == "T-02"
    assert t02.wording == "We will always treat you with respect."  # the newest charter's wording
    # 15 answers from the first survey (10 good) and 10 ratings (6 of them 4 or 5).
    assert (t02.figures.tally.scored, t02.figures.satisfaction.successes) == (25, 16)
    # net: (10 − 2) from good/poor plus (6 − 3) from the 1-5 ratings, over 25 = 0.44
    assert t02.figures.net == Decimal("0.44")
    # The response rate of the invitations to both surveys that ask about T-02.
    assert (t02.figures.response_rate.successes, t02.figures.response_rate.n) == (20, 50)
    assert [f.label for f in results.by_channel] == ["Email", "Phone", "Visit to our offices"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Charter)) == 2
    # One commitment's figures, read from its own questions' answers only, are the same.
    assert commitment_figures.figures_for_commitments(["T-02", "T-99"]) == {"T-02": t02.figures}


def test_commitment_figures_filter_by_period(survey):
    results = commitment_figures.commitment_results(period=queries.Period(NOV, None))
    [t02] = results.commitments
    assert t02.figures.tally.scored == 3
    assert t02.figures.satisfaction is None and t02.figures.satisfaction_suppressed
    narrowed = commitment_figures.figures_for_commitments(["T-02"], period=queries.Period(NOV, None))
    assert narrowed == {"T-02": t02.figures}


def test_answer_months_run_from_first_to_last_response(survey):
    assert queries.answer_months(survey) == [OCT, NOV]
    assert queries.answer_months() == [OCT, NOV]
