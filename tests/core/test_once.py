"""One-time submission tokens (core.once): how a token is hashed, issued and checked, and that it is done one way."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

from core.once import issue_token, token_hash, verified_token

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "feedback", "complaints", "surveys", "reviews", "staff", "identity")


def test_a_token_is_kept_as_its_sha256():
    assert token_hash("abc") == hashlib.sha256(b"abc").hexdigest()


def test_token_hash_is_defined_once_in_core():
    defined = [path.relative_to(ROOT).as_posix()
               for package in PACKAGES for path in (ROOT / package).rglob("*.py")
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.FunctionDef) and node.name == "token_hash"]
    assert defined == ["core/once.py"]


def test_an_issued_token_is_good_only_for_its_purpose_and_record(app):
    with app.test_request_context():
        token = issue_token("track-message", "record-1")
        assert verified_token(token, "track-message", "record-1") == token
        assert verified_token(token, "track-message", "record-2") is None
        assert verified_token(token, "track-complaint", "record-1") is None
        assert verified_token("made.up", "track-message", "record-1") is None
