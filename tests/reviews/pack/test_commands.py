"""`flask reviews pack`: the pack of a review year as HTML, PDF, a CSV zip or a spreadsheet, and its errors."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from reviews.pack.builder import build_pack
from reviews.pack.printing import CHROMIUM
from tests.reviews.conftest import YEAR
from tests.reviews.pack.test_pages import csv_files, xlsx_sheets

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")


def _pack(runner, tmp_path, output: str, *extra: str):
    out = tmp_path / f"pack.{output}"
    result = runner.invoke(args=["reviews", "pack", "--year", "2025", "--charter", "harrow", "--format", output,
                                 "--out", str(out), *extra])
    return result, out


def test_html_is_one_file_with_every_section_and_no_script(runner, emails, tmp_path):
    result, out = _pack(runner, tmp_path, "html")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Wrote the html pack for Test Council, April 2025 to March 2026")
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html and "<script" not in html
    assert "<svg" in html  # charts drawn without JavaScript
    assert re.search(r'id="performance".*?<td[^>]*>70%</td>', html, re.S)


def test_csv_and_xlsx_carry_the_same_figures(runner, emails, tmp_path):
    _, zipped = _pack(runner, tmp_path, "csv")
    _, book = _pack(runner, tmp_path, "xlsx")
    files = csv_files(zipped.read_bytes())
    sheets = xlsx_sheets(book.read_bytes())
    assert len(files) == len(sheets)
    months = next(rows for name, rows in files.items() if name.endswith("feedback-by-month.csv"))
    assert months[1] == ["June 2025", "1", "6", "5", "0", "12"]
    sheet = next(rows for name, rows in sheets.items() if name.endswith("feedback-by-month"))
    assert sheet[2] == ["June 2025", 1.0, 6.0, 5.0, 0.0, 12.0]
    assert zipfile.ZipFile(zipped).testzip() is None


def _squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.browser
@needs_chromium
def test_the_pdf_is_a4_with_its_title_language_and_the_page_of_each_section(runner, emails, tmp_path):
    result, out = _pack(runner, tmp_path, "pdf")
    assert result.exit_code == 0, result.output
    content = out.read_bytes()
    assert content.startswith(b"%PDF")
    assert b"/Lang (en-GB)" in content
    assert b"/Title (Test Council: annual standards-review pack April 2025 to March 2026)" in content
    # A4 is 595 by 842 points (210 by 297 mm); Chromium rounds to its own pixel grid.
    boxes = {tuple(float(n) for n in box.split()) for box in re.findall(rb"/MediaBox \[([^\]]+)\]", content)}
    assert boxes and all(abs(w - 595) < 2 and abs(h - 842) < 2 for _x, _y, w, h in boxes)
    # The contents (page 2) give each section's page, and the section's heading opens that page.
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    contents = pages[1].splitlines()
    assert contents[0] == "Contents" and pages[1].rstrip().endswith(f"Page 2 of {len(pages)}")
    sections = build_pack(YEAR).sections
    numbers = []
    for number, section in enumerate(sections, start=1):
        entry = next(line for line in contents if line.startswith(f"{number}. {section.title} "))
        page = int(entry.rsplit(" ", 1)[1])
        assert _squeezed(pages[page - 1]).startswith(_squeezed(f"{number}. {section.title}")), section.title
        numbers.append(page)
    assert numbers[0] == 3 and numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


@pytest.mark.parametrize(("arguments", "message"), [
    (["--year", "2025", "--format", "docx"], "Error: unknown format 'docx': use one of html, pdf, csv, xlsx"),
    (["--year", "20x5", "--format", "csv"], "Error: '20x5' is not a year: give the year the review year starts in, "
                                            "like 2025"),
    (["--year", "2019", "--format", "csv"], "Error: no version of Test Council's charter was in force in April 2019 "
                                            "to March 2020"),
    (["--year", "2025", "--format", "csv", "--charter", "atlantis"],
     "Error: no charter is loaded for 'atlantis' (loaded: harrow)"),
])
def test_bad_input_is_one_line_and_exit_status_2(runner, charter, tmp_path, arguments, message):
    default = [] if "--charter" in arguments else ["--charter", "harrow"]
    result = runner.invoke(args=["reviews", "pack", *arguments, *default, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [message]
    assert not (tmp_path / "x").exists()
