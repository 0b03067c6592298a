"""Finding the page of each section in a printed pack, for the contents, without printing one: a PDF that keeps no
link targets, and one that cannot be read."""

from __future__ import annotations

import io
from datetime import date

from reportlab.pdfgen.canvas import Canvas

from reviews.pack.model import ReviewPack, Section
from reviews.pack.printing import print_html, section_pages

PACK = ReviewPack("harrow", "Test Council", "April 2025 to March 2026", date(2025, 4, 1), date(2026, 3, 31),
                  (Section("summary", "Summary"), Section("feedback", "Feedback"), Section("learning", "Learning")))


def _pdf(*pages: str) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    for text in pages:
        canvas.drawString(72, 720, text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_without_link_targets_a_section_is_on_the_page_its_heading_opens():
    content = _pdf("Contents", "1. Summary", "Kept and missed", "2. Feedback", "Received by month")
    # "3. Learning" opens no page: its entry is left without a number rather than failing.
    assert section_pages(content, PACK) == {"summary": 2, "feedback": 4, "learning": None}


def test_a_pdf_that_cannot_be_read_gives_no_pages():
    assert section_pages(b"%PDF-1.7 not really", PACK) == dict.fromkeys(("summary", "feedback", "learning"))


def test_the_contents_show_the_pages_given_and_the_html_file_none(app):
    printed = print_html(PACK, {"summary": "3", "feedback": "12", "learning": ""})
    assert '<span class="govuk-visually-hidden">page </span>12</span>' in printed
    assert printed.count('class="app-print-page"') == 3 and printed.count(">page </span>") == 2
    assert 'class="app-print-page"' not in print_html(PACK)
