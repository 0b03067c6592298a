"""The pack for print and as one file: standalone HTML (styles inline, charts as SVG, no JavaScript), and that HTML
printed to an A4 PDF by headless Chromium with page numbers, a contents outline and tagged text. The contents give
each section's page: Chromium cannot count pages in CSS (no ``target-counter``), so the pack is printed twice, the
second time with the pages the first print put each section on."""

from __future__ import annotations

import io
import shutil
from collections.abc import Mapping
from pathlib import Path

from flask import current_app
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from reviews.pack.charts import svg_chart
from reviews.pack.model import ReviewPack, format_cell

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium tries to reach the internet at start-up.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
FOOTER = ('<div style="font-family: arial, sans-serif; font-size: 9px; width: 100%; text-align: center;">'
          'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>')


#: The first print's page number for every contents entry: as wide as any real one, so that putting the real
#: numbers in moves nothing (each sits right-aligned in a box of fixed width).
PLACEHOLDER = "000"


class PrintError(Exception):
    """The PDF could not be printed (no Chromium, or it failed)."""


def print_html(pack: ReviewPack, pages: Mapping[str, str] | None = None) -> str:
    """The standalone HTML; with ``pages`` (section key -> page number as text, "" when unknown) the contents give
    each section's page, as the PDF does. The HTML file has no pages, so no numbers."""
    css = (Path(current_app.static_folder) / "charterline.min.css").read_text(encoding="utf-8")
    # Rendered without a request (the command line prints it too): the print needs no user, session or links.
    template = current_app.jinja_env.get_template("reviews/pack_print.html")
    return template.render(pack=pack, chart=svg_chart, cell=format_cell, css=css, pages=pages)


def section_pages(content: bytes, pack: ReviewPack) -> dict[str, int | None]:
    """The page (1 for the first, as the footers count) each section's heading is on in a printed pack, or None
    where it cannot be found. Chromium keeps every link's target as a named destination: the contents link to each
    heading (``#section-<key>``), so its destination names the page. Failing that, the page that starts with the
    heading's words (each section starts a page)."""
    try:
        reader = PdfReader(io.BytesIO(content))
        destinations = reader.named_destinations
        starts: list[str] | None = None
        pages: dict[str, int | None] = {}
        for number, section in enumerate(pack.sections, start=1):
            target = destinations.get(f"/section-{section.key}")
            if target is not None:
                pages[section.key] = reader.get_destination_page_number(target) + 1
                continue
            if starts is None:
                starts = [_squeezed(page.extract_text())[:200] for page in reader.pages]
            heading = _squeezed(f"{number}. {section.title}")
            pages[section.key] = next((n for n, text in enumerate(starts, start=1) if text.startswith(heading)), None)
    except (PyPdfError, ValueError, KeyError):
        return dict.fromkeys((section.key for section in pack.sections), None)
    return {key: page if page and page > 0 else None for key, page in pages.items()}


def _squeezed(text: str) -> str:
    return "".join(text.split())


def pdf(pack: ReviewPack) -> bytes:
    """The print HTML as an A4 PDF: the document's title and language come from the HTML (tagged PDF)."""
    from playwright.sync_api import Error, sync_playwright

    if not Path(CHROMIUM).exists():
        raise PrintError("Chromium is not installed, so the PDF cannot be printed")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                tab = browser.new_page(java_script_enabled=False)
                first = _print(tab, print_html(pack, dict.fromkeys((s.key for s in pack.sections), PLACEHOLDER)))
                found = section_pages(first, pack)
                return _print(tab, print_html(pack, {key: str(page or "") for key, page in found.items()}))
            finally:
                browser.close()
    except Error as exc:
        raise PrintError(f"Chromium could not print the PDF: {exc.message.splitlines()[0]}") from exc


def _print(tab, html: str) -> bytes:
    tab.set_content(html, wait_until="load")
    return tab.pdf(format="A4", print_background=True, display_header_footer=True, header_template="<span></span>",
                   footer_template=FOOTER, tagged=True, outline=True,
                   margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"})
