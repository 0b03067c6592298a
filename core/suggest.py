"""Which charter commitments a resident's words most likely concern: a small naive Bayes scorer that runs offline.

It learns from two things the council already has: the charter's own wording (each commitment's words count as a
few examples of it) and the council's past tagging (the texts staff tagged to each commitment). A text is scored
against every commitment by the words it shares with what that commitment was tagged with before, so a suggestion
can say which words led to it. The way the resident got in touch counts as one more word ("by phone"): a phone call
is more often about a promise on phone calls. Nothing is stored: the scorer is built for the page that needs it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

#: Words that say nothing about which promise a text concerns.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing done down during each even ever every few for from further get got had has have
having he her here hers him his how however i if in into is it its itself just let me more most much my myself no
nor not now of off on once only or other our ours out over own please really same she should since so some still
such than that the their theirs them then there these they this those through to too under until up upon us very
was way we well were what when where which while who whom why will with would yet you your yours yourself council
councils told tell thank thanks said say says would will shall within
""".split())

_WORD = re.compile(r"[a-z]+")

#: How many tagged texts the charter's own wording of a commitment counts as.
WORDING_WEIGHT = 3
#: Additive smoothing: a word never seen with a commitment still has a small chance.
ALPHA = 0.5


def stem(word: str) -> str:
    """A light stem, so "bins", "collected" and "replies" meet "bin", "collect" and "reply"."""
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ion", ""), ("ed", ""), ("es", ""),
                                ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


def words(text: str | None, channel: str | None = None) -> list[str]:
    """The words of a text that can point to a commitment, lower-cased and stemmed, and the channel it came by
    (as "by <channel>", which no word of a text can be)."""
    found = [stem(w) for w in _WORD.findall((text or "").lower()) if len(w) > 2 and w not in STOPWORDS]
    if channel and channel != "any":
        found.append(f"by {channel.replace('_', ' ')}")
    return found


@dataclass(frozen=True)
class Suggestion:
    """A commitment a text may concern: its code, how likely (0-1, over the commitments scored) and the words that
    pointed to it, most telling first."""

    code: str
    likelihood: float
    because: tuple[str, ...]


class Suggester:
    """Multinomial naive Bayes over words, each word weighted by how few commitments it is seen with, and the
    charter's wording as extra examples of each commitment."""

    def __init__(self, wordings: dict[str, str], examples: Iterable[tuple[str, str, str | None]] = (), *,
                 channels: dict[str, str] | None = None, wording_weight: int = WORDING_WEIGHT,
                 alpha: float = ALPHA) -> None:
        """``wordings``: each commitment's code and wording; ``examples``: (code, text, channel) tagged before;
        ``channels``: the channel each commitment is about, if not every channel. Examples for a code not in
        ``wordings`` (a commitment no longer in the charter) are left out."""
        self.codes = list(wordings)
        self.alpha = alpha
        self.counts: dict[str, Counter] = {code: Counter() for code in self.codes}
        self.documents: Counter = Counter()
        for code, wording in wordings.items():
            for _ in range(wording_weight):
                self.counts[code].update(words(wording, (channels or {}).get(code)))
        for code, text, channel in examples:
            if code in self.counts:
                self.counts[code].update(words(text, channel))
                self.documents[code] += 1
        self.vocabulary = set().union(*self.counts.values()) if self.counts else set()
        # A word seen with every commitment says nothing about which one a text concerns, however often it comes
        # ("weeks", "called"): each word counts by its inverse commitment frequency, as in TF-IDF.
        spread = Counter(word for counter in self.counts.values() for word in counter)
        self.weights = {word: math.log((len(self.codes) + 1) / (spread[word] + 1)) for word in self.vocabulary}
        self.totals = {code: sum(counter.values()) for code, counter in self.counts.items()}
        documents = sum(self.documents.values())
        # Commitments tagged more often are a little more likely; every commitment keeps a share.
        self.priors = {code: math.log((self.documents[code] + 1) / (documents + len(self.codes)))
                       for code in self.codes}

    def _log_likelihood(self, code: str, word: str) -> float:
        smoothed = self.totals[code] + self.alpha * len(self.vocabulary)
        return math.log((self.counts[code][word] + self.alpha) / smoothed)

    def suggest(self, text: str | None, n: int = 3, channel: str | None = None) -> list[Suggestion]:
        """The ``n`` commitments ``text`` (which came by ``channel``) most likely concerns, most likely first (ties in
        charter order)."""
        if not self.codes:
            return []
        known = [w for w in words(text, channel) if w in self.vocabulary]
        scores = {code: self.priors[code] + sum(self.weights[w] * self._log_likelihood(code, w) for w in known)
                  for code in self.codes}
        top = max(scores.values())
        weights = {code: math.exp(score - top) for code, score in scores.items()}
        whole = sum(weights.values())
        order = sorted(self.codes, key=lambda code: (-scores[code], self.codes.index(code)))
        return [Suggestion(code, weights[code] / whole, self._because(code, known)) for code in order[:n]]

    def _because(self, code: str, known: list[str], most: int = 3) -> tuple[str, ...]:
        """The words of the text seen with this commitment, by how much more often than with the others."""
        def lift(word: str) -> float:
            elsewhere = [self._log_likelihood(other, word) for other in self.codes if other != code]
            return self._log_likelihood(code, word) - (max(elsewhere) if elsewhere else 0.0)

        seen = sorted({w for w in known if self.counts[code][w] > 0}, key=lambda w: (-lift(w), w))
        return tuple(w for w in seen if lift(w) > 0)[:most]
