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
    # UK phone numbers as people write them: the area code in brackets, +44 with (0), dots, spaces.
    ("Ring (01632) 960123 after six", "Ring [phone number] after six"),
    ("From abroad +44 (0)1632 960123.", "From abroad [phone number]."),
    ("My mobile is 07700.900.123", "My mobile is [phone number]"),
    ("My mobile is 07700 900 123", "My mobile is [phone number]"),
    ("Ring +44 (0) 7700 900123 or 01632-960-123", "Ring [phone number] or [phone number]"),
    # Street names written in lower (or upper) case.
    ("the bins at 14 high street were missed", "the bins at [address] were missed"),
    ("22 ACACIA AVENUE again", "[address] again"),
    # A name given after "I am": only capitalised words, so how someone feels stays.
    ("I am Jane Smith and I rang twice", "I am [name] and I rang twice"),
    ("Hello, I'm Sam. The lift is broken", "Hello, I'm [name]. The lift is broken"),
    ("I am very unhappy with the service", "I am very unhappy with the service"),
    ("i am not impressed", "i am not impressed"),
    # Numbers that are not contact details stay.
    ("It took 3 weeks and 2 days, 10 calls in all", "It took 3 weeks and 2 days, 10 calls in all"),
    ("", ""),
])
def test_personal_details_are_replaced_with_what_they_were(text, expected):
    assert redact(text) == expected


def test_redacting_twice_changes_nothing_more():
    once = redact("My name is Jo Bloggs, 14 Acacia Avenue, SW1A 1AA, 01632 960123, jo@example.com, I am Jo, "
                  "(01632) 960124, 3 high street")
    assert once == ("My name is [name], [address], [postcode], [phone number], [email address], I am [name], "
                    "[phone number], [address]")
    assert redact(once) == once
