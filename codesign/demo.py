"""Fictional co-design demonstration: placeholder replaced below."""

from __future__ import annotations


def load_demo_codesign() -> str:
    return "nothing yet"
