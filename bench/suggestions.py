"""Accuracy of the suggested commitments (core.suggest) on the demo council's tagged feedback, on a held-out split.

Loads the demo data into a scratch SQLite database, takes every feedback item tagged to a commitment of the
council's published charter, splits them into training and held-out items by a fixed seed, trains the scorer on the
charter's wording and the training items (as the queue does with the council's past tagging), and prints how often
a commitment an item is tagged to comes first (top-1) or in the first three (top-3) for the held-out items. A
baseline puts the figures in context: always the three most tagged commitments.

The demo's feedback is tagged at random among the commitments about the channel it came by, whatever it says, so
its words cannot teach much. ``--generated N`` adds N generated items whose words do concern the commitment they are
tagged to: a few words of the commitment's wording, some swapped for what a resident might say instead, inside a
sentence about something else (a demo complaint), so the scorer must find the promise among the noise.

    python bench/suggestions.py [--held-out 0.2] [--seed 18] [--generated 3000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

# Run from a checkout as `python bench/suggestions.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from core.charters import published_charter  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Commitment  # noqa: E402
from core.suggest import Suggester  # noqa: E402
from feedback.models import FeedbackItem, feedback_commitment  # noqa: E402


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", type=float, default=0.2, help="share of tagged items held out (default 0.2)")
    parser.add_argument("--seed", type=int, default=18, help="seed of the split (default 18)")
    parser.add_argument("--generated", type=int, default=3000,
                        help="also measure on this many generated items whose words concern their commitment (0: not)")
    return parser.parse_args()


def _tagged_items(council: str) -> tuple[list[Commitment], list[tuple[str, str, set[str]]]]:
    """The charter's commitments, and (text, channel, codes tagged) for each item tagged to one of them."""
    charter = published_charter(council)
    commitments = list(charter.commitments)
    codes = {c.id: c.code for c in commitments}
    items: dict[int, tuple[str, str, set[str]]] = {}
    rows = db.session.execute(
        select(FeedbackItem.id, FeedbackItem.description, FeedbackItem.channel, feedback_commitment.c.commitment_id)
        .join(feedback_commitment, feedback_commitment.c.feedback_id == FeedbackItem.id)
        .order_by(FeedbackItem.id))
    for item_id, text, channel, commitment_id in rows:
        if commitment_id in codes:
            items.setdefault(item_id, (text, channel, set()))[2].add(codes[commitment_id])
    return commitments, list(items.values())


def _accuracy(ranked: list[list[str]], truth: list[set[str]]) -> tuple[float, float]:
    top1 = sum(bool(r[:1] and r[0] in t) for r, t in zip(ranked, truth, strict=True)) / len(truth)
    top3 = sum(bool(set(r[:3]) & t) for r, t in zip(ranked, truth, strict=True)) / len(truth)
    return top1, top3


#: What a resident might say instead of the charter's word.
RESIDENT_WORDS = {
    "reply": "get back to me", "respond": "answer", "telephone": "phone", "call": "ring", "acknowledge": "confirm",
    "receipt": "getting it", "working": "business", "days": "week", "within": "by", "email": "e-mail",
    "letter": "post", "visit": "appointment", "complaint": "problem", "information": "details",
    "request": "asked", "staff": "officer", "website": "online", "enquiry": "question", "answer": "pick up",
    "appointment": "booking", "seconds": "ages", "minutes": "ages", "courteous": "polite", "clearly": "plainly",
}
OPENINGS = ("I was promised that you would {}.", "Your charter says you {} but that did not happen.",
            "Nobody seemed to {}.", "I expected you to {} and you did not.", "Why do you not {}?")


def generated_items(commitments: list[Commitment], count: int, rng: random.Random) -> list[tuple[str, str, set[str]]]:
    """``count`` items, each about one commitment (chosen at random), worded partly as a resident would put it."""
    from core.suggest import STOPWORDS
    from feedback.demo import PROBLEMS

    noise = [problem for problems in PROBLEMS.values() for problem, _wanted in problems]
    channels = ["phone", "email", "web_form", "letter", "visit"]
    items = []
    for _ in range(count):
        commitment = rng.choice(commitments)
        content = [w.strip(".,;:()").lower() for w in commitment.wording.split()]
        content = [w for w in content if len(w) > 2 and w not in STOPWORDS and w.isalpha()]
        chosen = rng.sample(content, k=min(len(content), rng.randint(2, 4)))
        said = [RESIDENT_WORDS.get(w, w) if rng.random() < 0.4 else w for w in chosen]
        filler = rng.choice(noise).replace("{", "").replace("}", "")
        text = f"{filler} {rng.choice(OPENINGS).format(' '.join(said))}"
        channel = commitment.channel if commitment.channel != "any" else rng.choice(channels)
        items.append((text, channel, {commitment.code}))
    return items


def measure(label: str, commitments: list[Commitment], items: list[tuple[str, str, set[str]]],
            args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    items = list(items)
    rng.shuffle(items)
    cut = int(len(items) * (1 - args.held_out))
    train, held_out = items[:cut], items[cut:]
    wordings = {c.code: c.wording for c in commitments}
    channels = {c.code: c.channel for c in commitments}
    examples = [(code, text, channel) for text, channel, codes in train for code in codes]
    truth = [codes for _text, _channel, codes in held_out]

    print(f"\n{label}: {len(commitments)} commitments, {len(items)} tagged items; trained on {len(train)}, "
          f"{len(held_out)} held out (seed {args.seed})")
    scorer = Suggester(wordings, examples, channels=channels)
    figures = {
        "words and channel (as the queue)": [[s.code for s in scorer.suggest(t, 3, ch)] for t, ch, _ in held_out],
        "words only": [[s.code for s in scorer.suggest(t, 3)] for t, _ch, _ in held_out],
    }
    charter_only = Suggester(wordings, channels=channels)
    figures["charter wording only, no past tagging"] = [[s.code for s in charter_only.suggest(t, 3, ch)]
                                                         for t, ch, _ in held_out]
    most_tagged = [code for code, _ in Counter(code for *_rest, codes in train for code in codes).most_common(3)]
    figures["baseline: the 3 most tagged commitments"] = [most_tagged for _ in held_out]
    for name, ranked in figures.items():
        top1, top3 = _accuracy(ranked, truth)
        print(f"  {name:<42} top-1 {top1:6.1%}   top-3 {top3:6.1%}")


def main() -> None:
    args = _arguments()
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(scratch) / 'suggestions.db'}"})
        app.instance_path = scratch  # the demo's account list goes here, not into the checkout
        with app.app_context():
            db.create_all()
            print("Loading the demo data ...", file=sys.stderr)
            result = app.test_cli_runner().invoke(args=["demo", "load"])
            if result.exit_code != 0:
                sys.exit(f"The demo data did not load: {result.output.strip().splitlines()[-1:]}")
            council = app.config["CHARTERLINE_COUNCIL"]
            commitments, items = _tagged_items(council)
            db.session.remove()
            db.engine.dispose()

            measure(f"Demo data, {council}", commitments, items, args)
            if args.generated:
                generated = generated_items(commitments, args.generated, random.Random(args.seed + 1))
                measure(f"Generated items, {council}", commitments, generated, args)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
