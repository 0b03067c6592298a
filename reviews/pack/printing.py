"""The pack for print and as one file: standalone HTML (styles inline, charts as SVG, no JavaScript), and that HTML
printed to an A4 PDF by headless Chromium with page numbers, a contents outline and tagged text."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import current_app

from reviews.pack.charts import svg_chart
from reviews.pack.model import ReviewPack, format_cell

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium tries to reach the internet at start-up.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
FOOTER = ('<div style="font-family: arial, sans-serif; font-size: 9px; width: 100%; text-align: center;">'
          'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>')


class PrintError(Exception):
    """The PDF could not be printed (no Chromium, or it failed)."""


def print_html(pack: ReviewPack) -> str:
    css = (Path(current_app.static_folder) / "charterline.min.css").read_text(encoding="utf-8")
    # Rendered without a request (the command line prints it too): the print needs no user, session or links.
    template = current_app.jinja_env.get_template("reviews/pack_print.html")
    return template.render(pack=pack, chart=svg_chart, cell=format_cell, css=css)


def pdf(pack: ReviewPack) -> bytes:
    """The print HTML as an A4 PDF: the document's title and language come from the HTML (tagged PDF)."""
    from playwright.sync_api import Error, sync_playwright

    if not Path(CHROMIUM).exists():
        raise PrintError("Chromium is not installed, so the PDF cannot be printed")
    html = print_html(pack)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                tab = browser.new_page(java_script_enabled=False)
                tab.set_content(html, wait_until="load")
                return tab.pdf(format="A4", print_background=True, display_header_footer=True,
                               header_template="<span></span>", footer_template=FOOTER, tagged=True, outline=True,
                               margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"})
            finally:
                browser.close()
    except Error as exc:
        raise PrintError(f"Chromium could not print the PDF: {exc.message.splitlines()[0]}") from exc
