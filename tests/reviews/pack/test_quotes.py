"""Quotes chosen by staff in the pack's "What residents said": the table of the year's quotes with each item's type
and commitments, the same words on the staff page, in print, in the CSV files and the spreadsheet, and on the
residents' "How we did" page, never the words before they were anonymised."""

from __future__ import annotations

from datetime import date

import pytest

from core.extensions import db
from core.models import Role
from feedback.quotes import choose_quote
from reviews.pack.builder import build_pack
from reviews.pack.printing import print_html
from tests.helpers import make_feedback, make_service_area, make_staff, page
from tests.reviews.conftest import MONDAY, YEAR
from tests.reviews.pack.test_pages import _review, csv_files, xlsx_sheets

WORDS = "My name is Jo Bloggs, ring 01632 960123. The crew left the bins at 14 Acacia Avenue open in the rain."
QUOTED = "My name is [name], ring [phone number]. The crew left the bins at [address] open in the rain."
SHORT = "The crew left the bins open in the rain."


@pytest.fixture
def quoted(charter):
    """Two quotes on items received in the year (one shortened by staff), one on an item from the year before."""
    officer = make_staff(role=Role.POLICY_OFFICER)
    e01, r01 = (next(c for c in charter.commitments if c.code == code) for code in ("E-01", "R-01"))
    waste = make_service_area(name="Waste")
    complaint = make_feedback(kind="complaint", channel="email", received_on=date(2025, 6, 2), description=WORDS,
                              service_area=waste, commitments=[r01, e01], sentiment_override_label="negative")
    compliment = make_feedback(kind="compliment", channel="phone", received_on=date(2026, 3, 31),
                               description="Thank you, the crew came back the same day.")
    before = make_feedback(kind="comment", channel="email", received_on=date(2025, 3, 31), description="Too slow.")
    choose_quote(complaint, WORDS, by=officer)
    choose_quote(compliment, "Thank you, the crew came back the same day.", by=officer)
    choose_quote(before, "Too slow.", by=officer)
    return complaint


def test_the_years_quotes_with_their_type_and_commitments(app, quoted):
    section = build_pack(YEAR).section("residents-said")
    assert section.table("feedback-quotes").rows == (
        ("June 2025", "Complaint", "Waste", "E-01, R-01", QUOTED),
        ("March 2026", "Compliment", "No service given", None, "Thank you, the crew came back the same day."),
    )
    # The compliment is left out of sentiment; the complaint was marked negative.
    assert section.text == ("1 of the 1 comments, complaints and service requests read as negative.",
                            "2 quotes were chosen by staff as representative of what residents told us; names, "
                            "contact details and addresses are removed.")


def test_a_year_of_compliments_alone_still_shows_its_quote(app, charter):
    item = make_feedback(kind="compliment", received_on=MONDAY, description="Lovely crew.")
    choose_quote(item, "Lovely crew.", by=make_staff(role=Role.COMPLAINTS_OFFICER))
    section = build_pack(YEAR).section("residents-said")
    assert section.text == ("1 quote was chosen by staff as representative of what residents told us; names, "
                            "contact details and addresses are removed.",)
    assert [table.key for table in section.tables] == ["feedback-quotes"]


def test_the_same_words_on_the_page_in_print_in_the_csv_and_in_the_spreadsheet(client, login_as, quoted):
    review = _review(db)
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get(f"/reviews/{review.id}/pack"))
    rows = [[c.get_text(strip=True) for c in row.select("th, td")] for row in soup.select("#feedback-quotes tbody tr")]
    assert rows[0] == ["June 2025", "Complaint", "Waste", "E-01, R-01", QUOTED]
    assert rows[1][4] == "Thank you, the crew came back the same day."

    files = csv_files(client.get(f"/reviews/{review.id}/pack/csv").data)
    quotes_csv = next(rows for name, rows in files.items() if name.endswith("-feedback-quotes.csv"))
    assert quotes_csv[0] == ["Month received", "Type", "Service", "Commitments", "Quote"]
    assert quotes_csv[1] == ["June 2025", "Complaint", "Waste", "E-01, R-01", QUOTED]
    assert quotes_csv[2][3:] == ["", "Thank you, the crew came back the same day."]

    book = xlsx_sheets(client.get(f"/reviews/{review.id}/pack/xlsx").data)
    sheet = next(rows for name, rows in book.items() if name.endswith("feedback-quotes"))
    assert sheet[2] == ["June 2025", "Complaint", "Waste", "E-01, R-01", QUOTED]

    printed = print_html(build_pack(review))
    assert QUOTED in printed and 'id="feedback-quotes"' in printed
    for text in (soup.get_text(), printed, str(files), str(book)):
        assert "Jo Bloggs" not in text and "01632" not in text and "Acacia" not in text
        assert quoted.reference not in text


def test_residents_read_the_quotes_and_never_the_words_before_anonymising(client, quoted):
    review = _review(db)
    review.stage = "adopted"
    db.session.commit()
    response = client.get("/our-charter/how-we-did")
    soup = page(response)
    rows = [[c.get_text(strip=True) for c in row.select("th, td")] for row in soup.select("#feedback-quotes tbody tr")]
    assert [row[4] for row in rows] == [QUOTED, "Thank you, the crew came back the same day."]
    html = response.get_data(as_text=True)
    for private in ("Jo Bloggs", "01632 960123", "14 Acacia Avenue", quoted.reference, "Too slow."):
        assert private not in html


def test_staff_shortening_a_quote_is_what_the_pack_shows(app, quoted):
    choose_quote(quoted, SHORT, by=make_staff(role=Role.COMPLAINTS_OFFICER))
    assert build_pack(YEAR).table("feedback-quotes").column("Quote")[0] == SHORT
