"""A letter as a plain A4 PDF of real text, laid out for GOV.UK Notify to print and post (a precompiled letter)."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

# Notify prints what is in the PDF, so fonts are embedded: the Bitstream Vera fonts that ship with reportlab.
REGULAR, BOLD = "Vera", "VeraBd"
WIDTH, HEIGHT = A4
# Notify reads the address from a window on the first page, 24.6 mm from the left and 39.5 mm from the top: at most
# 7 lines. Everything else keeps clear of it and of the margins, where Notify adds its own marks.
ADDRESS_LEFT, ADDRESS_TOP, ADDRESS_LINES, ADDRESS_LEADING = 25 * mm, 39.5 * mm, 7, 3.7 * mm
LEFT, RIGHT, BOTTOM = 25 * mm, 20 * mm, 20 * mm
FIRST_PAGE_TOP, LATER_PAGE_TOP = 100 * mm, 20 * mm
# 12 point text on 16 point lines: readable, as the council's standard letters are.
SIZE, LEADING = 12, 16


def _fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (REGULAR, BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, f"{name}.ttf"))


def address_lines(address: str) -> list[str]:
    """The address as Notify wants it: non-empty lines, at most 7 (the last ones are joined so none is lost)."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    if len(lines) > ADDRESS_LINES:
        lines = [*lines[:ADDRESS_LINES - 2], ", ".join(lines[ADDRESS_LINES - 2:-1]), lines[-1]]
    return lines


def render_letter(*, address: str, subject: str, body: str, author: str) -> bytes:
    """The letter as PDF bytes: the address in Notify's window, then the subject in bold and the body."""
    _fonts()
    out = BytesIO()
    pdf = Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(subject)
    pdf.setAuthor(author)
    pdf.setSubject(subject)
    pdf.setFont(REGULAR, 10)
    for number, line in enumerate(address_lines(address), start=1):
        pdf.drawString(ADDRESS_LEFT, HEIGHT - ADDRESS_TOP - number * ADDRESS_LEADING, line)
    y = HEIGHT - FIRST_PAGE_TOP
    text_width = WIDTH - LEFT - RIGHT
    lines = [(BOLD, line) for line in simpleSplit(subject, BOLD, SIZE, text_width)] + [(REGULAR, "")]
    for paragraph in body.rstrip().split("\n"):
        lines += [(REGULAR, line) for line in simpleSplit(paragraph, REGULAR, SIZE, text_width)] or [(REGULAR, "")]
    for font, line in lines:
        if y < BOTTOM:
            pdf.showPage()
            y = HEIGHT - LATER_PAGE_TOP
        pdf.setFont(font, SIZE)
        pdf.drawString(LEFT, y, line)
        y -= LEADING
    pdf.save()
    return out.getvalue()
