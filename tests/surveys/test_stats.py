"""Survey statistics against values worked out by hand."""

from decimal import Decimal

import pytest

from surveys.stats import (
    Tally,
    figures,
    format_net,
    net_promoter_score,
    net_satisfaction,
    proportion,
    wilson_interval,
)

# Wilson score interval, z = 1.96, worked by hand from
#   centre = (p + z²/2n) / (1 + z²/n),  half = z/(1 + z²/n) · √(p(1−p)/n + z²/4n²)
# e.g. 8 of 10: z² = 3.8415; denominator 1.38415; centre 0.99207/1.38415 = 0.71674;
# half = 1.41601 × √(0.016 + 0.0096037) = 0.22658; so 0.4902 to 0.9433 (Newcombe 1998, table I, gives the same).
WILSON_VECTORS = [
    (8, 10, 0.4902, 0.9433),
    (0, 10, 0.0000, 0.2775),  # never "0% to 0%": zero successes still leave room for up to 28%
    (10, 10, 0.7225, 1.0000),
    (50, 100, 0.4038, 0.5962),
    (1, 1, 0.2065, 1.0000),
    (81, 263, 0.2553, 0.3662),  # Newcombe 1998, table I, example (c)
    (15, 148, 0.0624, 0.1605),  # Newcombe 1998, table I, example (a)
]


@pytest.mark.parametrize(("successes", "n", "low", "high"), WILSON_VECTORS)
def test_wilson_interval_matches_hand_computed_vectors(successes, n, low, high):
    got_low, got_high = wilson_interval(successes, n)
    assert round(got_low, 4) == low
    assert round(got_high, 4) == high


def test_wilson_interval_refuses_impossible_counts():
    with pytest.raises(ValueError):
        wilson_interval(0, 0)
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


def test_proportion_formats_value_and_interval():
    share = proportion(8, 10)
    assert share.value == 0.8
    assert str(share) == "80% (49% to 94%)"


@pytest.mark.parametrize(("net_sum", "n", "expected"), [
    (6, 10, Decimal("0.60")),  # 7 good, 2 average, 1 poor: (7 − 1) / 10
    (-1, 8, Decimal("-0.13")),  # 1 good, 5 average, 2 poor: −0.125 rounds away from zero
    (1, 8, Decimal("0.13")),
    (1, 3, Decimal("0.33")),
    (2, 3, Decimal("0.67")),
    (-10, 10, Decimal("-1.00")),
    (0, 4, Decimal("0.00")),
])
def test_net_satisfaction_is_the_mean_of_plus_one_zero_minus_one_to_two_places(net_sum, n, expected):
    assert net_satisfaction(net_sum, n) == expected


def test_net_satisfaction_is_shown_with_a_sign():
    assert format_net(Decimal("0.60")) == "+0.60"
    assert format_net(Decimal("-0.13")) == "-0.13"
    assert format_net(Decimal("0.00")) == "0.00"


@pytest.mark.parametrize(("promoters", "detractors", "n", "expected"), [
    (5, 2, 10, 30),  # 50% promoters − 20% detractors
    (1, 2, 8, -13),  # 12.5% − 25% = −12.5, rounded away from zero
    (10, 0, 10, 100),
    (0, 7, 7, -100),
    (3, 3, 9, 0),
])
def test_net_promoter_score(promoters, detractors, n, expected):
    assert net_promoter_score(promoters, detractors, n) == expected


def test_net_promoter_score_refuses_impossible_counts():
    with pytest.raises(ValueError):
        net_promoter_score(6, 6, 10)


def test_groups_below_the_minimum_are_suppressed_never_shown_as_0_or_100_percent():
    all_satisfied_but_few = figures("Phone", Tally(scored=9, satisfied=9, net_sum=9, invited=9, responded=0), 10)
    assert all_satisfied_but_few.satisfaction is None
    assert all_satisfied_but_few.net is None
    assert all_satisfied_but_few.response_rate is None
    assert all_satisfied_but_few.satisfaction_suppressed
    assert all_satisfied_but_few.response_rate_suppressed

    enough = figures("Phone", Tally(scored=10, satisfied=10, net_sum=10), 10)
    assert enough.satisfaction.value == 1.0
    assert round(enough.satisfaction.low, 4) == 0.7225
    assert not enough.satisfaction_suppressed


def test_nothing_asked_is_not_called_suppressed():
    nothing = figures("Email", Tally(), 10)
    assert nothing.satisfaction is None and not nothing.satisfaction_suppressed
    assert nothing.nps is None and not nothing.nps_suppressed


def test_each_figure_is_suppressed_on_its_own_base():
    mixed = figures("Visit", Tally(scored=40, satisfied=30, net_sum=25, nps_answers=4, promoters=4), 10)
    assert mixed.satisfaction.successes == 30
    assert mixed.net == Decimal("0.63")  # 25 / 40 = 0.625, rounded half away from zero
    assert mixed.nps is None and mixed.nps_suppressed


def test_share_saying_yes_counts_not_sure_in_the_base_and_is_suppressed_on_its_own():
    kept = figures("Phone", Tally(yes_no=20, said_yes=15), 10)
    assert (kept.said_yes.successes, kept.said_yes.n) == (15, 20)
    # Wilson, 15 of 20: centre 0.84604 / 1.19207 = 0.70972; half 1.64417 × √0.011776 = 0.17842
    assert (round(kept.said_yes.low, 4), round(kept.said_yes.high, 4)) == (0.5313, 0.8881)
    few = figures("Phone", Tally(yes_no=4, said_yes=4, scored=12, satisfied=6), 10)
    assert few.said_yes is None and few.said_yes_suppressed
    assert few.satisfaction.successes == 6


def test_minimum_is_configurable():
    assert figures("x", Tally(scored=3, satisfied=2, net_sum=1), 3).satisfaction is not None
    assert figures("x", Tally(scored=3, satisfied=2, net_sum=1), 4).satisfaction is None


def test_tallies_add_up():
    total = Tally(scored=2, satisfied=1, net_sum=0, invited=5) + Tally(scored=3, satisfied=3, net_sum=3, responded=2)
    assert total == Tally(scored=5, satisfied=4, net_sum=3, invited=5, responded=2)
