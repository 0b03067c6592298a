"""Themes: the council taxonomy with and without WordNet, negation, keyphrases and the NLTK data path."""

from __future__ import annotations

import nltk
import pytest
from textblob import TextBlob

from core.sentiment import themes
from core.sentiment.themes import (
    THEMES,
    Lemmatiser,
    PatternNPExtractor,
    count_themes,
    default_lemmatiser,
    themes_for,
    top_keyphrases,
)

FALLBACK = Lemmatiser(use_wordnet=False)
LEMMATISERS = [pytest.param(FALLBACK, id="without-wordnet"),
               pytest.param(None, id="default", marks=pytest.mark.skipif(
                   not default_lemmatiser().uses_wordnet, reason="WordNet data not installed"))]

CASES = [
    ("Nobody called me back like they promised.", {"call back"}),
    ("I was promised a callback within 48 hours.", {"call back"}),
    ("Bins not collected again on Elm Road, third missed collection this month.", {"missed bin"}),
    ("They missed my recycling bin.", {"missed bin"}),
    ("Still waiting for the plumber to fix the leak.", {"repairs delay", "housing repairs"}),
    ("The advisor was rude and hung up on me.", {"rude staff"}),
    ("The lady on the phone was so patient and helpful.", {"helpful staff"}),
    ("The engineer went above and beyond.", {"helpful staff"}),
    ("I was on hold for 45 minutes.", {"waiting time"}),
    ("My council tax bill has the wrong band.", {"council tax bill"}),
    ("Got a parking ticket outside my own house.", {"parking fine"}),
    ("The dog next door barks all night and the music is too loud.", {"noise"}),
    ("The website kept crashing when I tried to pay online.", {"website"}),
    ("Nobody kept me informed and I never had an update.", {"communication"}),
    ("Mould is growing in the bedroom because of the damp.", {"damp and mould", "housing repairs"}),
    ("The carers arrive late every morning.", {"social care"}),
    ("Can I renew my library books by phone?", {"libraries"}),
    ("There is a pothole outside the school.", {"potholes and pavements"}),
    ("Chased four times and rang again today.", {"chasing"}),
    ("What time does the tip open?", set()),
]


@pytest.mark.parametrize("lemmatiser", LEMMATISERS)
@pytest.mark.parametrize(("text", "expected"), CASES)
def test_themes_for(text, expected, lemmatiser):
    assert set(themes_for(text, lemmatiser)) == expected


@pytest.mark.parametrize("lemmatiser", LEMMATISERS)
def test_negated_words_do_not_raise_a_theme(lemmatiser):
    assert "helpful staff" not in themes_for("The officer was not helpful at all.", lemmatiser)
    assert "rude staff" not in themes_for("The crew were never rude.", lemmatiser)


def test_themes_come_in_taxonomy_order():
    order = [theme.name for theme in THEMES]
    found = themes_for("Rude staff on the web chat, and my council tax bill is wrong.", FALLBACK)
    assert found == sorted(found, key=order.index) and len(found) == 3


def test_theme_names_are_unique():
    assert len({theme.name for theme in THEMES}) == len(THEMES)


def test_fallback_lemmatiser_handles_regular_and_irregular_forms():
    assert {"miss"} <= FALLBACK.lemmas("missed")
    assert {"reply"} <= FALLBACK.lemmas("replied")
    assert {"complaint"} <= FALLBACK.lemmas("complaints")
    assert {"ring"} <= FALLBACK.lemmas("rang")
    assert {"chase"} <= FALLBACK.lemmas("chasing")


def test_count_themes_counts_texts():
    texts = ["Nobody called me back.", "Still no call back.", "The website is down."]
    assert count_themes(texts, FALLBACK) == [("call back", 2), ("website", 1)]


def test_noun_phrases_drop_determiners_numbers_and_generic_nouns():
    phrases = PatternNPExtractor().extract("The housing repair team ignored my boiler for three weeks. "
                                           "The first time was fine.")
    assert "housing repair team" in phrases and "boiler" in phrases
    assert not any(word in phrase.split() for phrase in phrases for word in ("the", "my", "three", "time"))


def test_extractor_plugs_into_textblob():
    blob = TextBlob("The new bins are great and the bin crew were lovely.", np_extractor=PatternNPExtractor())
    assert list(blob.noun_phrases) == ["new bin", "bin crew"]


def test_top_keyphrases_counts_each_text_once_and_orders_ties_by_phrase():
    texts = ["The bin crew missed us. The bin crew never came.", "Thanks to the bin crew.", "The garden waste bin."]
    assert top_keyphrases(texts, 2) == [("bin crew", 2), ("garden waste bin", 1)]
    assert top_keyphrases([], 5) == []


def test_project_nltk_data_is_on_the_search_path_when_built():
    on_path = str(themes.PROJECT_NLTK_DATA) in nltk.data.path
    assert on_path == themes.PROJECT_NLTK_DATA.is_dir()
