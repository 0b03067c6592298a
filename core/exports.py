"""Cells for CSV and spreadsheet exports that a spreadsheet opens as text, never runs as a formula."""

from __future__ import annotations

#: A text cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula, prefixed with a single quote so it shows as typed.

    Only text is changed: numbers (negative ones too) and dates stay what they are, so they can be summed and sorted.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """The text `safe_cell` was given, for programs that read an export back: the quote it added is removed.

    (A text that itself began with a quote and then one of FORMULA_STARTS loses that quote: rare enough in
    feedback to accept, where exports must open safely first.)
    """
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
