"""Sentiment of resident feedback: TextBlob's Pattern lexicon adapted to council feedback, plus a small classifier."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from core.sentiment.features import FEATURES_REVISION, extract

LABELS = ("positive", "neutral", "negative")

MODEL_PATH = Path(__file__).with_name("model.json")


class Sentiment(NamedTuple):
    """One scored text. Polarity runs from -1 (negative) to 1 (positive); subjectivity from 0 to 1."""

    polarity: float
    subjectivity: float
    label: str
    version: str


# --- Model ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Model:
    """Multinomial logistic regression weights: one (positive, neutral, negative) triple per feature."""

    bias: tuple[float, float, float]
    weights: dict[str, tuple[float, float, float]]
    lexicon_positive: tuple[float, float, float]
    lexicon_negative: tuple[float, float, float]
    lexicon_subjectivity: tuple[float, float, float]
    version: str


def load_model(path: Path = MODEL_PATH) -> Model:
    """Read the trained weights written by `core/sentiment/train.py`."""
    raw = path.read_bytes()
    data = json.loads(raw)
    if data["features_revision"] != FEATURES_REVISION:
        raise RuntimeError(f"{path.name} was trained on feature revision {data['features_revision']}, "
                           f"this code extracts revision {FEATURES_REVISION}: run core/sentiment/train.py")
    weights = {name: tuple(triple) for name, triple in data["weights"].items()}
    real = {name: weights.pop(name, (0.0, 0.0, 0.0)) for name in ("x:positive", "x:negative", "x:subjectivity")}
    return Model(bias=tuple(data["bias"]), weights=weights, lexicon_positive=real["x:positive"],
                 lexicon_negative=real["x:negative"], lexicon_subjectivity=real["x:subjectivity"],
                 version=f"council-{FEATURES_REVISION}.{hashlib.sha256(raw).hexdigest()[:8]}")


def probabilities(text: str, model: Model) -> tuple[float, float, float, float]:
    """Softmax over the three labels, in LABELS order, then the text's lexicon subjectivity."""
    return _softmax(*extract(text), model)


def _softmax(names: dict[str, None], positive: float, negative: float, subjectivity: float,
             model: Model) -> tuple[float, float, float, float]:
    s0, s1, s2 = model.bias
    # Binary features: sum the weight triples of the known ones column by column (map, filter and zip run in C).
    columns = tuple(zip(*filter(None, map(model.weights.get, names)), strict=True))
    if columns:
        s0, s1, s2 = s0 + sum(columns[0]), s1 + sum(columns[1]), s2 + sum(columns[2])
    (p0, p1, p2), (n0, n1, n2) = model.lexicon_positive, model.lexicon_negative
    u0, u1, u2 = model.lexicon_subjectivity
    s0 += p0 * positive + n0 * negative + u0 * subjectivity
    s1 += p1 * positive + n1 * negative + u1 * subjectivity
    s2 += p2 * positive + n2 * negative + u2 * subjectivity
    top = max(s0, s1, s2)
    e0, e1, e2 = math.exp(s0 - top), math.exp(s1 - top), math.exp(s2 - top)
    total = e0 + e1 + e2
    return e0 / total, e1 / total, e2 / total, subjectivity


def classify(text: str, model: Model) -> Sentiment:
    """Score text with the given model; `score` uses the model shipped in the repository."""
    extracted = extract(text) if text else None
    if not extracted or not extracted[0]:
        # Nothing the scorer can read (empty, punctuation only, emoji, zero-width or control characters, a script
        # the lexicon does not cover): neutral, rather than the model's bias alone.
        return Sentiment(0.0, 0.0, "neutral", model.version)
    p_pos, p_neu, p_neg, subjectivity = _softmax(*extracted, model)
    if p_pos >= p_neu and p_pos >= p_neg:
        label = "positive"
    elif p_neg > p_neu:
        label = "negative"
    else:
        label = "neutral"
    return Sentiment(round(p_pos - p_neg, 4), round(subjectivity, 4), label, model.version)


_MODEL = load_model()

# The scorer version stored with every score: feature revision plus a digest of the weights, so it changes
# whenever the model is retrained or the features change, and `flask sentiment rescore` picks the items up.
VERSION = _MODEL.version


def score(text: str) -> Sentiment:
    """Score one piece of resident feedback. Empty text is neutral with zero polarity."""
    return classify(text, _MODEL)
