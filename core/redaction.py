"""Anonymising a resident's comment before it is quoted: email addresses, phone numbers, postcodes, house numbers
with street names and names given after "my name is" are replaced with a description in square brackets."""

from __future__ import annotations

import re

_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email address]"),
    # UK postcodes (the Royal Mail format: outward code, space optional, inward code).
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE), "[postcode]"),
    (re.compile(r"(?<!\w)(?:\+44\s?|0)\d(?:[\s-]?\d){8,9}\b"), "[phone number]"),
    (re.compile(r"\b\d{1,4}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Road|Street|Lane|Avenue|Close|Drive|Way|Court|Place|"
                r"Gardens|Crescent|Terrace|Hill|Grove|Rd|St|Ave)\b"), "[address]"),
    (re.compile(r"\b(my name is|i am called|i'm called)\s+[A-Z][\w'-]+(\s+[A-Z][\w'-]+)?", re.IGNORECASE),
     r"\1 [name]"),
]


def redact(text: str) -> str:
    """The text with personal details replaced, e.g. 'Call me on 01632 960 123' -> 'Call me on [phone number]'."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
