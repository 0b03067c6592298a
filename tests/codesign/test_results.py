"""Results per proposal against hand-computed figures: support and opposition by channel and together, with 95%
Wilson intervals, small groups suppressed, and by equality group."""

from __future__ import annotations

from datetime import date

import pytest

from codesign import services
from codesign.queries import consultation_results
from codesign.services.consultation import ShowOfSupport
from tests.codesign.factories import (
    answers,
    equality_answer,
    published_consultation,
    respond_on_paper,
    respond_online,
)


@pytest.fixture
def minimum_three(app, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_SURVEY_MIN_RESPONSES", 3)


def _sex(consultation, label):
    return equality_answer(consultation, "What is your sex?", label)


def test_support_and_opposition_by_channel_and_together(minimum_three):
    consultation, proposals, officer = published_consultation()
    first = proposals[0]
    # Online: 5, 4, 2, 3 -> 4 answered, 2 support (4-5), 1 opposition (1-2).
    for key, scale, sex in (("a", 5, "Female"), ("b", 4, "Female"), ("c", 2, "Male"), ("d", 3, "Female")):
        respond_online(consultation, key, {**answers(first, scale), **_sex(consultation, sex)})
    # Paper: 5 and 1 -> 2 answered, below the minimum of 3: suppressed.
    respond_on_paper(consultation, {**answers(first, 5), **_sex(consultation, "Female")}, officer)
    respond_on_paper(consultation, answers(first, 1, "Too slow already"), officer)
    # Event: 6 for, 2 against, 2 neither -> 10 hands.
    services.record_event(consultation, kind="drop_in", held_on=date(2026, 6, 8), place="Town hall", attendance=12,
                          support={first.id: ShowOfSupport(6, 2, 2, "Most liked it")}, by=officer)

    results = consultation_results(consultation)
    assert results.responses == {"web_form": 4, "letter": 2}
    assert (results.events, results.event_attendance) == (1, 12)
    row = results.proposals[0]
    online, paper, events = row.by_channel
    assert (online.answered, online.supported, online.opposed) == (4, 2, 1)
    assert (online.support.low, online.support.high) == pytest.approx((0.1500, 0.8500), abs=1e-4)  # 2 of 4
    assert paper.suppressed and paper.support is None and paper.opposition is None
    assert (paper.answered, paper.supported, paper.opposed) == (2, 1, 1)
    assert (events.answered, events.supported, events.opposed) == (10, 6, 2)
    together = row.together
    assert (together.answered, together.supported, together.opposed) == (16, 9, 4)
    # Wilson, 9 of 16 by hand: p = 0.5625, z² = 3.8415, centre = (0.5625 + 0.1200) / 1.2401 = 0.5504,
    # half-width = 1.5805 × √(0.015381 + 0.003751) = 0.2186, so 33.2% to 76.9%.
    assert together.support.value == 0.5625
    assert (together.support.low, together.support.high) == pytest.approx((0.3318, 0.7690), abs=1e-4)
    assert (together.opposition.low, together.opposition.high) == pytest.approx((0.1018, 0.4950), abs=1e-4)
    assert [text for _event, text in row.event_notes] == ["Most liked it"]
    assert [c.text for c in row.comments] == ["Too slow already"]
    assert sum(row.sentiment.values()) == 1

    # By sex: Female 5, 4, 3 (online) and 5 (paper) -> 4 answered, 3 support; Male 2 -> 1 answered, suppressed.
    by_sex = {s.label: s for s in row.by_equality["What is your sex?"]}
    assert set(by_sex) == {"Female", "Male"}
    female, male = by_sex["Female"], by_sex["Male"]
    assert (female.answered, female.supported, female.opposed) == (4, 3, 0)
    assert (female.support.low, female.support.high) == pytest.approx((0.3006, 0.9544), abs=1e-4)
    assert male.suppressed and male.support is None


def test_a_proposal_nobody_answered_has_no_figures_and_is_not_called_suppressed(minimum_three):
    consultation, proposals, _officer = published_consultation()
    respond_online(consultation, "a", answers(proposals[0], 4))
    row = consultation_results(consultation).proposals[3]
    assert row.together.answered == 0 and not row.together.suppressed and row.together.support is None
    assert row.by_equality == {}


def test_support_is_not_counted_as_satisfaction_in_the_surveys_figures():
    from surveys.commitment_figures import commitment_results

    consultation, proposals, _officer = published_consultation()
    respond_online(consultation, "a", answers(proposals[0], 5))
    figures = commitment_results()
    assert figures.by_channel == [] and figures.by_month == [] and figures.commitments == []


def test_consultation_comments_are_not_comments_waiting_to_be_tagged_to_a_promise():
    """A consultation's comments are about its proposals: they are neither in the share of survey comments tagged
    to a commitment nor in the queue of comments on none."""
    from surveys import comments

    consultation, proposals, _officer = published_consultation()
    respond_online(consultation, "a", answers(proposals[0], 4, comment="Yes, answer the phone faster please."))
    period = (date(2026, 1, 1), date(2026, 12, 31))
    assert comments.tagged_share(*period).total == 0
    assert comments.untagged_page(*period).total == 0
