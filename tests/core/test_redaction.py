"""Anonymising a resident's words before they are quoted (core.redaction), used by co-design and feedback."""

import pytest

from core.redaction import redact


@pytest.mark.parametrize(("text", "expected"), [
    ("Email me at jo.bloggs+bins@example.co.uk please", "Email me at [email address] please"),
    ("I live at SW1A 1AA, or sw1a1aa as I write it", "I live at [postcode], or [postcode] as I write it"),
    ("Ring 01632 960123 or +44 7700 900123", "Ring [phone number] or [phone number]"),
    ("Call 0800 123 4567 today", "Call [phone number] today"),
    ("The bins at 14 Acacia Avenue were missed", "The bins at [address] were missed"),
    ("Flat 2, 7b High Street", "Flat 2, [address]"),
    ("My name is Jo Bloggs and I waited", "My name is [name] and I waited"),
    ("i'm called Sam", "i'm called [name]"),
    # Numbers that are not contact details stay.
    ("It took 3 weeks and 2 days, 10 calls in all", "It took 3 weeks and 2 days, 10 calls in all"),
    ("", ""),
])
def test_personal_details_are_replaced_with_what_they_were(text, expected):
    assert redact(text) == expected


def test_redacting_twice_changes_nothing_more():
    once = redact("My name is Jo Bloggs, 14 Acacia Avenue, SW1A 1AA, 01632 960123, jo@example.com")
    assert once == "My name is [name], [address], [postcode], [phone number], [email address]"
    assert redact(once) == once
