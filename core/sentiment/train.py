"""Training of the sentiment classifier on the council feedback corpus; writes core/sentiment/model.json."""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from core.exports import unsafe_cell
from core.sentiment.features import FEATURES_REVISION, features

DATA_DIR = Path(__file__).with_name("data")
TRAIN_PATH = DATA_DIR / "train.tsv"
HELDOUT_PATH = DATA_DIR / "heldout.tsv"
MODEL_PATH = Path(__file__).with_name("model.json")
LABELS = ("positive", "neutral", "negative")

# Chosen by 5-fold cross-validation on the training split only (`--cv 5`); the held-out split plays no part.
EPOCHS = 12
LEARNING_RATE = 0.05
L2 = 1e-4
MIN_COUNT = 2
SEED = 20261122


def load_corpus(path: Path) -> list[tuple[str, str]]:
    """(label, text) rows of a `label<TAB>text` file."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        label, sep, text = line.partition("\t")
        if not sep or label not in LABELS or not text.strip():
            raise ValueError(f"{path.name}:{number}: expected 'label<TAB>text' with a label in {LABELS}")
        rows.append((label, text))
    return rows


def load_corrections(path: Path) -> list[tuple[str, str]]:
    """(label, text) rows of a corrections CSV written by `flask sentiment corrections`."""
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        if next(reader, None) != ["label", "text"]:
            raise ValueError(f"{path.name}: expected a 'label,text' header")
        rows = []
        for number, row in enumerate(reader, start=2):
            if len(row) != 2 or row[0] not in LABELS or not row[1].strip():
                raise ValueError(f"{path.name}:{number}: expected a label in {LABELS} and a text")
            rows.append((row[0], unsafe_cell(row[1])))
    return rows


def without_heldout(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop any text that is in the held-out split: the measurement must stay on unseen text."""
    heldout = {" ".join(text.casefold().split()) for _, text in load_corpus(HELDOUT_PATH)}
    return [(label, text) for label, text in rows if " ".join(text.casefold().split()) not in heldout]


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Unweighted mean of the per-label F1 scores over the three labels."""
    scores = []
    for label in LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def _vocabulary(samples: list[dict[str, float]]) -> set[str]:
    """Features seen in at least MIN_COUNT texts, plus every rule and lexicon feature."""
    counts = Counter(name for feats in samples for name in feats)
    return {name for name, count in counts.items() if count >= MIN_COUNT or name[:2] in ("r:", "x:")}


def train(rows: list[tuple[str, str]]) -> dict:
    """Fit the weights by deterministic stochastic gradient descent (AdaGrad steps, L2 penalty)."""
    samples = [features(text) for _, text in rows]
    vocabulary = _vocabulary(samples)
    samples = [{name: value for name, value in feats.items() if name in vocabulary} for feats in samples]
    targets = [LABELS.index(label) for label, _ in rows]
    weights: dict[str, list[float]] = {name: [0.0, 0.0, 0.0] for name in sorted(vocabulary)}
    squares: dict[str, list[float]] = {name: [1e-8, 1e-8, 1e-8] for name in weights}
    bias, bias_squares = [0.0, 0.0, 0.0], [1e-8, 1e-8, 1e-8]
    order = list(range(len(samples)))
    shuffler = random.Random(SEED)
    for _ in range(EPOCHS):
        shuffler.shuffle(order)
        for index in order:
            feats, target = samples[index], targets[index]
            errors = _errors(feats, target, weights, bias)
            for c in range(3):
                bias_squares[c] += errors[c] ** 2
                bias[c] -= LEARNING_RATE * errors[c] / math.sqrt(bias_squares[c])
            for name, value in feats.items():
                w, g2 = weights[name], squares[name]
                for c in range(3):
                    gradient = errors[c] * value + L2 * w[c]
                    g2[c] += gradient * gradient
                    w[c] -= LEARNING_RATE * gradient / math.sqrt(g2[c])
    kept = {name: [round(v, 5) for v in w] for name, w in weights.items() if max(abs(v) for v in w) >= 1e-4}
    return {"features_revision": FEATURES_REVISION, "labels": list(LABELS),
            "bias": [round(v, 5) for v in bias], "weights": kept}


def _errors(feats: dict[str, float], target: int, weights: dict[str, list[float]], bias: list[float]) -> list[float]:
    """Predicted probability minus the one-hot target, per label."""
    scores = list(bias)
    for name, value in feats.items():
        w = weights[name]
        for c in range(3):
            scores[c] += w[c] * value
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [exps[c] / total - (1.0 if c == target else 0.0) for c in range(3)]


def predict(model: dict, text: str) -> str:
    """Label of one text under an in-memory model (used for cross-validation)."""
    scores = list(model["bias"])
    for name, value in features(text).items():
        w = model["weights"].get(name)
        if w:
            for c in range(3):
                scores[c] += w[c] * value
    return LABELS[max(range(3), key=scores.__getitem__)]


def cross_validate(rows: list[tuple[str, str]], folds: int) -> float:
    """Mean macro-F1 over stratified-by-position folds of the training split."""
    results = []
    for fold in range(folds):
        fit = [row for i, row in enumerate(rows) if i % folds != fold]
        check = [row for i, row in enumerate(rows) if i % folds == fold]
        model = train(fit)
        results.append(macro_f1([label for label, _ in check], [predict(model, text) for _, text in check]))
    return sum(results) / len(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the council feedback sentiment classifier.")
    parser.add_argument("--cv", type=int, metavar="K", help="report K-fold cross-validated macro-F1 and exit")
    parser.add_argument("--extra", type=Path, action="append", default=[], metavar="CSV",
                        help="officers' corrections exported by `flask sentiment corrections` (repeatable)")
    args = parser.parse_args(argv)
    rows = load_corpus(TRAIN_PATH)
    try:
        extra = [row for path in args.extra for row in load_corrections(path)]
    except (OSError, ValueError) as exc:
        print(f"core.sentiment.train: {exc}", file=sys.stderr)
        return 2
    kept = without_heldout(extra)
    if len(kept) < len(extra):
        print(f"left out {len(extra) - len(kept)} corrections whose text is in {HELDOUT_PATH.name}")
    rows += kept
    if args.cv:
        print(f"{args.cv}-fold cross-validated macro-F1 on {TRAIN_PATH.name}: {cross_validate(rows, args.cv):.3f}")
        return 0
    model = train(rows)
    MODEL_PATH.write_text(json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_PATH.name}: {len(model['weights'])} features from {len(rows)} training texts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
