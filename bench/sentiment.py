"""Throughput of the sentiment scorer against plain TextBlob, over generated council feedback of 10-80 words."""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

# Run from a checkout as `python bench/sentiment.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textblob import TextBlob  # noqa: E402

from core.sentiment.scoring import score  # noqa: E402

SERVICES = ("bin", "recycling", "boiler", "council tax bill", "parking permit", "planning application", "library",
            "housing benefit claim", "noise complaint", "pothole", "care package", "streetlight", "repair")
PEOPLE = ("the officer", "the crew", "the advisor", "the engineer", "the social worker", "the warden", "nobody",
          "the lady on the phone", "the contractor", "your team")
TEMPLATES = (
    "I reported the {s} {n} weeks ago and {p} has done nothing about it.",
    "Still waiting for the {s} to be sorted, chased {n} times now.",
    "Thank you to {p} who went above and beyond with my {s}.",
    "Can you tell me when the {s} will be looked at?",
    "{P} was polite and helpful and the {s} was fixed the same day.",
    "Not happy at all, the {s} has been missed again.",
    "Nobody called me back about the {s} like they promised.",
    "Please could someone update me on the {s}, reference {r}.",
    "Great service, {p} kept me informed all the way through.",
    "The {s} is still broken and the website keeps crashing when I try to report it.",
    "I'd like to know whether I need to be in for the {s} visit on Tuesday.",
    "Really pleased with how quickly {p} dealt with the {s}.",
    "Absolutely shocking, {n} phone calls and {p} still can't explain the {s}.",
    "Not bad, the {s} took a while but {p} sorted it in the end.",
)


def generate_texts(count: int, seed: int = 8) -> list[str]:
    """Deterministic synthetic feedback, each text between 10 and 80 words long."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        target = rng.randint(10, 80)
        words: list[str] = []
        while len(words) < target:
            person = rng.choice(PEOPLE)
            sentence = rng.choice(TEMPLATES).format(s=rng.choice(SERVICES), p=person, P=person.capitalize(),
                                                    n=rng.randint(2, 9), r=rng.randint(1000, 99999))
            words.extend(sentence.split())
        texts.append(" ".join(words[:target]))
    return texts


def rate(function, texts: list[str], passes: int) -> tuple[float, float]:
    """Texts per second over `texts`, best of `passes` passes: by the wall clock, and by this process's CPU time
    (the one-core figure, less disturbed by other work on the machine)."""
    walls, cpus = [], []
    for _ in range(passes):
        wall, cpu = time.perf_counter(), time.process_time()
        for text in texts:
            function(text)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return len(texts) / min(walls), len(texts) / min(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=100_000, help="texts scored by score() (default 100,000)")
    parser.add_argument("--textblob-texts", type=int, default=20_000,
                        help="texts timed for plain TextBlob; its rate is extrapolated to the full set")
    parser.add_argument("--passes", type=int, default=3, help="timed passes; the best is reported")
    args = parser.parse_args(argv)
    texts = generate_texts(args.texts)
    words = sum(len(text.split()) for text in texts) / len(texts)
    score(texts[0])  # load lexicon and model before timing
    ours_wall, ours_cpu = rate(score, texts, args.passes)
    subset = texts[: args.textblob_texts]
    plain_wall, plain_cpu = rate(lambda text: TextBlob(text).sentiment, subset, args.passes)
    print(f"texts: {len(texts):,} generated, 10-80 words, mean {words:.1f} words; best of {args.passes} passes")
    print(f"core.sentiment.score():   {ours_wall:9,.0f} texts/s wall, {ours_cpu:9,.0f} texts/s CPU "
          f"({len(texts) / ours_wall:.1f} s for {len(texts):,})")
    print(f"TextBlob(text).sentiment: {plain_wall:9,.0f} texts/s wall, {plain_cpu:9,.0f} texts/s CPU "
          f"(timed on the first {len(subset):,}; extrapolated {len(texts) / plain_wall:.1f} s for {len(texts):,})")
    print(f"speed-up over plain TextBlob: {ours_cpu / plain_cpu:.1f}x")
    print(f"target >= 10,000 texts/s on one core: {'met' if ours_cpu >= 10_000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
