"""Suggested commitments: obvious texts get the right commitment in the top 3, the words that led there, and the
channel counts; worked out by hand on a small charter."""

import math

import pytest

from core.suggest import Suggester, stem, words

WORDINGS = {
    "BINS": "We will collect your bins and recycling on the day we say.",
    "PHONE": "We will answer your phone call within five rings.",
    "EMAIL": "We will reply to your email within 3 working days.",
    "RESPECT": "We will treat you with courtesy and respect.",
    "FOI": "We will answer your freedom of information request within 20 working days.",
}
CHANNELS = {"PHONE": "phone", "EMAIL": "email"}
EXAMPLES = [
    ("BINS", "My green bin was missed again", "web_form"),
    ("BINS", "The crew left rubbish all over the pavement", "phone"),
    ("PHONE", "I was on hold for forty minutes and then cut off", "phone"),
    ("EMAIL", "I emailed twice and nobody wrote back", "email"),
    ("RESPECT", "The officer was rude and shouted at me", "visit"),
]


@pytest.fixture(scope="module")
def suggester():
    return Suggester(WORDINGS, EXAMPLES, channels=CHANNELS)


@pytest.mark.parametrize(("text", "channel", "expected"), [
    ("Bin not collected on Tuesday", "web_form", "BINS"),
    ("Nobody picked up the recycling", None, "BINS"),
    ("Kept on hold for ages", "phone", "PHONE"),
    ("Still waiting for a reply to my email", "email", "EMAIL"),
    ("Your staff member was very rude to me", "visit", "RESPECT"),
    ("My freedom of information request is late", "letter", "FOI"),
])
def test_obvious_texts_get_the_right_commitment_in_the_top_three(suggester, text, channel, expected):
    top = suggester.suggest(text, 3, channel)
    assert expected in [s.code for s in top]
    assert top[0].code == expected


def test_likelihoods_add_up_over_the_commitments_and_the_words_explain_the_first(suggester):
    every = suggester.suggest("The bins were not collected", n=len(WORDINGS))
    assert math.isclose(sum(s.likelihood for s in every), 1.0)
    assert every[0].code == "BINS" and every[0].likelihood > 0.5
    assert every[0].because == ("bin", "collect")


def test_the_channel_alone_points_to_the_promise_about_that_channel(suggester):
    assert suggester.suggest("Not happy", 1, "phone")[0].code == "PHONE"
    assert suggester.suggest("Not happy", 1, "email")[0].code == "EMAIL"
    assert "by phone" in suggester.suggest("Not happy", 1, "phone")[0].because


def test_the_score_is_weighted_naive_bayes_by_hand():
    # Two commitments, no examples: A's words are {bin}x3, B's {phone}x3; vocabulary 2, alpha 0.5, equal priors.
    # "bin": P(bin|A) = 3.5/4, P(bin|B) = 0.5/4, a ratio of 7; "bin" is seen with 1 of the 2 commitments, so it
    # counts ln(3/2) times: A scores 7 ** ln(1.5) (2.2012) to B's 1, that is 0.6876 and 0.3124.
    scorer = Suggester({"A": "bin", "B": "phone"})
    first, second = scorer.suggest("bin", 2)
    assert (first.code, second.code) == ("A", "B")
    assert math.isclose(first.likelihood, 0.6876, abs_tol=1e-4) and math.isclose(second.likelihood, 0.3124,
                                                                                   abs_tol=1e-4)


def test_a_word_seen_with_every_commitment_counts_for_nothing():
    scorer = Suggester({"A": "bin weeks", "B": "phone weeks"}, [("A", "weeks weeks weeks weeks", None)])
    assert scorer.weights["week"] == 0
    assert [s.code for s in scorer.suggest("weeks and weeks", 2)] == ["A", "B"]  # the prior alone: A was tagged


def test_unknown_words_leave_the_charter_order_and_examples_for_old_commitments_are_ignored():
    scorer = Suggester({"A": "bin", "B": "phone"}, [("GONE", "bin bin bin", None)])
    assert [s.code for s in scorer.suggest("zebra", 2)] == ["A", "B"]
    assert Suggester({}).suggest("bin") == []


def test_words_are_stemmed_and_stopwords_dropped():
    assert words("The bins were collected, replies and recycling") == ["bin", "collect", "reply", "recycl"]
    assert stem("address") == "address"
    assert words("We phoned", "web_chat") == ["phon", "by web chat"]
