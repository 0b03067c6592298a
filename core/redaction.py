"""Anonymising a resident's comment before it is quoted: email addresses, phone numbers, postcodes, house numbers
with street names and names given after "my name is" or "I am" are replaced with a description in square brackets."""

from __future__ import annotations

import re

_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email address]"),
    # UK postcodes (the Royal Mail format: outward code, space optional, inward code).
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE), "[postcode]"),
    # UK phone numbers as people write them: 0 and 9 or 10 more digits, or +44 (perhaps "(0)") and 9 or 10; the
    # area code perhaps in brackets, the digits grouped by spaces, hyphens or dots: "(01632) 960123",
    # "+44 (0)1632 960123", "07700.900.123".
    (re.compile(r"(?<!\w)(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d(?:(?:\)\s?|[\s.-])?\d){8,9}\b"), "[phone number]"),
    # A house number and up to three words ending in a street word, in any case ("14 high street"); a phrase such
    # as "2 days to close" is taken for an address too, which only hides more than it need.
    (re.compile(r"\b\d{1,4}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Road|Street|Lane|Avenue|Close|Drive|Way|Court|Place|"
                r"Gardens|Crescent|Terrace|Hill|Grove|Rd|St|Ave)\b", re.IGNORECASE), "[address]"),
    (re.compile(r"\b(my name is|i am called|i[’']m called)\s+[A-Z][\w'-]+(\s+[A-Z][\w'-]+)?", re.IGNORECASE),
     r"\1 [name]"),
    # "I am Jane Smith": only capitalised words after "I am", so "I am very unhappy" stays; a capitalised word that
    # is not a name ("I am Disappointed") is hidden too, which is safe.
    (re.compile(r"\b((?i:i am|i[’']m))\s+[A-Z][\w'-]+(\s+[A-Z][\w'-]+)?"), r"\1 [name]"),
]


def redact(text: str) -> str:
    """The text with personal details replaced, e.g. 'Call me on 01632 960 123' -> 'Call me on [phone number]'."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
