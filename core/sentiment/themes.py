"""Themes residents raise in feedback: a curated council taxonomy matched offline, and emerging keyphrases."""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nltk
from textblob.base import BaseNPExtractor
from textblob.en import parse
from textblob.en.inflect import singularize

# NLTK data is built offline by scripts/setup_nltk_data.py into the project's .nltk_data folder (git-ignored);
# NLTK reads $NLTK_DATA first, so an operator's own folder still wins. Nothing is ever downloaded at run time.
PROJECT_NLTK_DATA = Path(__file__).resolve().parents[2] / ".nltk_data"
if PROJECT_NLTK_DATA.is_dir() and str(PROJECT_NLTK_DATA) not in nltk.data.path:
    nltk.data.path.append(str(PROJECT_NLTK_DATA))


@dataclass(frozen=True, slots=True)
class Theme:
    """A council theme: it applies when a phrase pattern matches, or when every keyword group has a lemma in the
    text (lemmas of words just after "not", "no", "never" or "n't" do not count)."""

    name: str
    phrases: tuple[str, ...] = ()
    keywords: tuple[frozenset[str], ...] = ()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STAFF = _words("staff officer advisor adviser lady man gentleman woman team receptionist crew engineer operative "
               "worker carer librarian plumber electrician warden person surveyor inspector caretaker driver "
               "ranger therapist contractor joiner roofer fitter registrar he she")
# Doors, windows and lifts are left out: "next door", "open a window" and "stair lift" are not repairs.
REPAIR = _words("repair boiler leak plumber joiner roofer heating roof damp mould ceiling tap toilet shower lock "
                "extractor gutter guttering radiator electrician plasterer")

THEMES: tuple[Theme, ...] = (
    Theme("call back", phrases=(r"\bcall ?-?backs?\b", r"\b(?:call|ring|phone|get|got|rang|rung|called|phoned)"
                                r"(?:ed|ing|s)? (?:me |us |you )?back\b", r"\breturn(?:ed)? (?:my |our )?calls?\b")),
    Theme("missed bin", phrases=(r"\bbins? (?:not|wasn't|weren't|never|hasn't|haven't) (?:been )?(?:collected|"
                                 r"emptied|taken|done)",),
          keywords=(_words("miss skip"), _words("bin collection recycling rubbish refuse caddy waste"))),
    Theme("missed appointment", phrases=(r"\b(?:no|didn't|did not|never|nobody) (?:show|turn(?:ed)? up|came|come)\b",
                                         r"\bno[- ]show\b", r"\bwaited in all (?:day|morning|afternoon)\b",
                                         r"\bsorry we missed you\b"),
          keywords=(_words("miss cancel"), _words("appointment visit inspection"))),
    Theme("repairs delay", keywords=(REPAIR, _words("wait delay still chase outstanding overdue yet"))),
    Theme("housing repairs", keywords=(REPAIR,)),
    Theme("damp and mould", keywords=(_words("damp mould mouldy condensation"),)),
    Theme("chasing", phrases=(r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many) times\b",
                              r"\b(?:second|third|fourth|fifth|sixth) (?:time|email|letter|call)\b"),
          keywords=(_words("chase"),)),
    Theme("rude staff", phrases=(r"\brolled (?:her|his|their) eyes\b", r"\bspoke to me like\b", r"\bhung up on\b"),
          keywords=(_words("rude abrupt dismissive patronising condescending unprofessional arrogant sarcastic "
                           "impolite disrespectful unhelpful shout"),)),
    Theme("helpful staff", phrases=(r"\babove and beyond\b", r"\bout of (?:her|his|their|the) way\b",
                                    r"\bextra mile\b"),
          keywords=(_words("helpful kind patient polite friendly courteous knowledgeable caring understanding "
                           "lovely reassuring compassionate professional brilliant amazing fantastic wonderful "
                           "star gem legend"), STAFF)),
    Theme("waiting time", phrases=(r"\bon hold\b", r"\bin (?:the|a) (?:phone |call )?queue\b",
                                   r"\b\d+ (?:minutes|mins|hours) (?:on hold|waiting|in the queue)\b",
                                   r"\bwait(?:ed|ing)? (?:for )?(?:over |nearly |almost )?\d+ (?:minutes|mins)\b",
                                   r"\bhigh (?:call )?(?:volumes?|demand)\b", r"\bnumber \d+ in the queue\b"),
          keywords=(_words("queue"),)),
    Theme("communication", phrases=(r"\bkept (?:me |us )?(?:informed|updated|in the loop)\b",
                                    r"\b(?:nobody|no one|wasn't|weren't|never) told\b"),
          keywords=(_words("communication update explanation acknowledgement acknowledge reply response "
                           "informed letter"),)),
    Theme("council tax bill", phrases=(r"\bcouncil tax\b", r"\bsingle person discount\b", r"\bsummons\b",
                                       r"\bbailiffs?\b")),
    Theme("benefits", phrases=(r"\bhousing benefit\b", r"\bcouncil tax (?:support|reduction)\b",
                               r"\buniversal credit\b", r"\bfree school meals\b", r"\bdiscretionary housing\b",
                               r"\bwelfare\b", r"\bhardship fund\b")),
    Theme("parking fine", phrases=(r"\bpcns?\b", r"\bpenalty charge", r"\bparking (?:ticket|fine|penalty)",
                                   r"\bticketed\b"),
          keywords=(_words("ticket fined"), _words("park parking warden car"))),
    Theme("parking permit", phrases=(r"\b(?:resident|residents|visitor|parking|blue) (?:parking )?(?:permit|badge)",),),
    Theme("noise", phrases=(r"\bmusic\b", r"\bparties\b"),
          keywords=(_words("noise noisy loud bark barking drilling"),)),
    Theme("anti-social behaviour", phrases=(r"\banti[- ]?social\b", r"\basb\b"),),
    Theme("website", phrases=(r"\bweb ?sites?\b", r"\bweb ?chat\b", r"\bonline (?:form|account|payment)"),
          keywords=(_words("online app portal chatbot webpage login password"),)),
    Theme("potholes and pavements", keywords=(_words("pothole resurface resurfacing tarmac pavement footpath kerb"),)),
    Theme("streetlights", phrases=(r"\bstreet ?lights?\b", r"\bstreet ?lamps?\b", r"\blamp ?posts?\b"),
          keywords=(_words("streetlight streetlamp"),)),
    Theme("fly-tipping", phrases=(r"\bfly[- ]?tip",), keywords=(_words("dumped dumping"),)),
    Theme("street cleaning", keywords=(_words("litter graffiti sweep swept cleanliness"),)),
    Theme("social care", phrases=(r"\bsocial (?:worker|care|services)\b", r"\bcare (?:package|home|plan|visits?)\b",
                                  r"\badult services\b", r"\boccupational therapist\b"),
          keywords=(_words("carer reablement respite"),)),
    Theme("libraries", keywords=(_words("library librarian"),)),
    Theme("planning", phrases=(r"\bplanning\b", r"\bbuilding control\b", r"\bplanning enforcement\b"),),
    Theme("complaint handling", phrases=(r"\bstage (?:1|2|one|two)\b", r"\bombudsman\b",
                                         r"\bmy complaint\b", r"\bcomplaints? (?:process|procedure|team)\b")),
)

_NEGATORS = frozenset(("not", "no", "never", "nobody", "without"))
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
_PHRASES = tuple((theme, re.compile("|".join(theme.phrases)) if theme.phrases else None) for theme in THEMES)

# Irregular forms common in council feedback, for when WordNet is not installed.
_IRREGULAR = {"went": "go", "gone": "go", "rang": "ring", "rung": "ring", "sent": "send", "told": "tell",
              "came": "come", "left": "leave", "paid": "pay", "broke": "break", "broken": "break", "kept": "keep",
              "took": "take", "taken": "take", "gave": "give", "given": "give", "said": "say", "brought": "bring",
              "bought": "buy", "felt": "feel", "lost": "lose", "swept": "sweep", "spoke": "speak", "fined": "fine"}


class Lemmatiser:
    """Base forms of words: WordNet's lemmatiser when its data is installed, otherwise TextBlob's bundled
    singulariser plus regular verb endings. Results are cached per word."""

    def __init__(self, use_wordnet: bool = True) -> None:
        self._wordnet = _wordnet_lemmatizer() if use_wordnet else None
        self._cache: dict[str, frozenset[str]] = {}

    @property
    def uses_wordnet(self) -> bool:
        return self._wordnet is not None

    def lemmas(self, word: str) -> frozenset[str]:
        """The word and its candidate base forms as a noun, verb and adjective."""
        found = self._cache.get(word)
        if found is None:
            found = self._cache[word] = frozenset(self._forms(word))
        return found

    def _forms(self, word: str) -> set[str]:
        # The bundled singulariser also knows council words WordNet lacks ("carers").
        forms = {word, _IRREGULAR.get(word, word), singularize(word)}
        if self._wordnet is not None:
            forms.update(self._wordnet.lemmatize(word, pos) for pos in "nva")
            return forms
        for suffix, replacements in (("ing", ("", "e")), ("ied", ("y",)), ("ed", ("", "e")), ("ies", ("y",)),
                                     ("es", ("",)), ("s", ("",))):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                stem = word[: -len(suffix)]
                forms.update(stem + ending for ending in replacements)
                if suffix in ("ing", "ed") and len(stem) > 2 and stem[-1] == stem[-2]:
                    forms.add(stem[:-1])  # "missed" has stem "miss"; "stopped" gives "stop"
        return forms


@cache
def _wordnet_lemmatizer() -> nltk.stem.WordNetLemmatizer | None:
    """NLTK's WordNet lemmatiser, loaded once, or None when the WordNet data is not installed."""
    try:
        nltk.data.find("corpora/wordnet")
    except LookupError:
        return None
    lemmatizer = nltk.stem.WordNetLemmatizer()
    lemmatizer.lemmatize("loading")  # read the WordNet files now rather than on the first real text
    return lemmatizer


@cache
def default_lemmatiser() -> Lemmatiser:
    return Lemmatiser()


def themes_for(text: str, lemmatiser: Lemmatiser | None = None) -> list[str]:
    """Names of the taxonomy themes the text raises, in taxonomy order."""
    lowered = text.lower().translate(_APOSTROPHES)
    lemmatiser = lemmatiser or default_lemmatiser()
    lemmas: set[str] = set()
    recent: list[str] = []
    for word in _WORD.findall(lowered):
        # Lemmas after a negation do not count: "not helpful" is not the "helpful staff" theme.
        if not any(w in _NEGATORS or w.endswith("n't") for w in recent):
            lemmas |= lemmatiser.lemmas(word)
        recent = [*recent[-1:], word]
    found = []
    for theme, pattern in _PHRASES:
        if (pattern is not None and pattern.search(lowered)) or (
                theme.keywords and all(group & lemmas for group in theme.keywords)):
            found.append(theme.name)
    return found


def count_themes(texts: Iterable[str], lemmatiser: Lemmatiser | None = None) -> list[tuple[str, int]]:
    """(theme, number of texts raising it), most frequent first, then by name."""
    counts = Counter(name for text in texts for name in themes_for(text, lemmatiser))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


# --- Keyphrases ------------------------------------------------------------------------------------------------

# Words inside a noun phrase that carry no meaning on their own: determiners, pronouns, numbers.
_DROP_TAGS = frozenset(("DT", "PRP", "PRP$", "CD", "WDT", "WP", "WP$", "EX", "PDT", "POS", "CC", "IN", "TO"))
# Single nouns too general to be a theme on their own.
GENERIC_NOUNS = _words("council thing time day week month year lot people person someone anyone anything something "
                       "everything nothing everyone nobody way bit today yesterday tomorrow morning afternoon evening "
                       "night hour minute number name address area place part end kind sort thanks thank please hi "
                       "hello sir madam need")


@cache
def _parser_ready() -> bool:
    # TextBlob's bundled Pattern tables leave their data files for the garbage collector to close, which raises
    # ResourceWarning; load them all once here, where that warning is expected, so later calls stay clean.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        parse("The Council's new bins arrived quickly in Smalltown.", chunks=True, relations=False)
    return True


class PatternNPExtractor(BaseNPExtractor):
    """Noun phrases from TextBlob's bundled Pattern tagger and chunker, which need no NLTK data; also usable as
    `TextBlob(text, np_extractor=PatternNPExtractor()).noun_phrases`. Plural nouns are made singular, and a
    phrase needs at least one noun that is not in GENERIC_NOUNS ("first time" and "same day" are dropped)."""

    def extract(self, text: str) -> list[str]:
        _parser_ready()
        phrases: list[str] = []
        for sentence in parse(text, chunks=True, relations=False, lemmata=False).split("\n"):
            chunk: list[tuple[str, str]] = []
            for token in sentence.split(" "):
                word, tag, tag_chunk = (token.split("/") + ["", "", ""])[:3]
                if tag_chunk != "I-NP":
                    self._close(chunk, phrases)
                    chunk = []
                if tag_chunk.endswith("-NP") and tag not in _DROP_TAGS and word.isalpha():
                    chunk.append((singularize(word.lower()) if tag == "NNS" else word.lower(), tag))
            self._close(chunk, phrases)
        return phrases

    @staticmethod
    def _close(chunk: list[tuple[str, str]], phrases: list[str]) -> None:
        if any(tag.startswith("NN") and word not in GENERIC_NOUNS and len(word) > 2 for word, tag in chunk):
            phrases.append(" ".join(word for word, _ in chunk))


def top_keyphrases(texts: Iterable[str], n: int) -> list[tuple[str, int]]:
    """The n noun phrases raised by the most texts, with how many texts raise each (ties broken by phrase)."""
    extractor = PatternNPExtractor()
    counts = Counter(phrase for text in texts for phrase in set(extractor.extract(text)))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
