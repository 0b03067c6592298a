"""Text with no words the scorer reads (punctuation, emoji, zero-width and control characters, other scripts) is
scored neutral and themed as nothing: never an error."""

import pytest

from core.sentiment.features import features
from core.sentiment.scoring import VERSION, Sentiment, score
from core.sentiment.themes import Lemmatiser, PatternNPExtractor, count_themes, themes_for, top_keyphrases
from tests.hostile_strings import NO_WORDS

CASES = [pytest.param(text, id=name) for name, text in NO_WORDS]


@pytest.mark.parametrize("text", CASES)
def test_text_without_words_scores_neutral(text):
    result = score(text)
    assert isinstance(result, Sentiment) and result.version == VERSION
    assert -1.0 <= result.polarity <= 1.0 and 0.0 <= result.subjectivity <= 1.0
    assert result.label in ("positive", "neutral", "negative")


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in NO_WORDS
                                  if name not in ("punctuation", "question-marks", "formula")])
def test_nothing_readable_is_neutral_with_zero_polarity(text):
    # Without this, the model's bias alone would label an emoji "negative".
    assert score(text)[:3] == (0.0, 0.0, "neutral")


@pytest.mark.parametrize("text", CASES)
def test_features_of_text_without_words(text):
    assert isinstance(features(text), dict)


@pytest.mark.parametrize("lemmatiser", [Lemmatiser(use_wordnet=False), None], ids=["without-wordnet", "default"])
@pytest.mark.parametrize("text", CASES)
def test_text_without_words_raises_no_theme(text, lemmatiser):
    assert themes_for(text, lemmatiser) == []
    assert count_themes([text, "The bin wasn't collected"], lemmatiser) == [("missed bin", 1)]
    # Words in other scripts may be noun phrases; what matters is an answer, not an error.
    assert all(isinstance(phrase, str) for phrase in PatternNPExtractor().extract(text))
    assert all(count == 1 for _phrase, count in top_keyphrases([text], 5))


def test_words_around_unreadable_characters_still_count():
    text = "\u200bMy bin was\x00 missed 😡 again!!!"
    assert themes_for(text) == ["missed bin"]
    assert score(text).label == "negative"
