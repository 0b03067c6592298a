"""The pack's staff page and downloads: the same figures on the page, in the CSV files and in the spreadsheet."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile

from core.models import Role
from reviews.models import Review
from tests.helpers import page
from tests.reviews.conftest import YEAR

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _review(db) -> Review:
    review = Review(council_slug="harrow", title=YEAR.title, starts_on=YEAR.starts_on, ends_on=YEAR.ends_on)
    db.session.add(review)
    db.session.commit()
    return review


def _column(index: str) -> int:
    number = 0
    for letter in index:
        number = number * 26 + ord(letter) - 64
    return number - 1


def xlsx_sheets(content: bytes) -> dict[str, list[list]]:
    """Each sheet's cells by row: numbers as floats, text as text (read from the file's XML, no library needed)."""
    book = zipfile.ZipFile(io.BytesIO(content))
    strings = [si.findtext("m:t", namespaces=NS) or "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
               for si in ET.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", NS)]
    names = [s.get("name") for s in ET.fromstring(book.read("xl/workbook.xml")).find("m:sheets", NS)]
    sheets = {}
    for number, name in enumerate(names, start=1):
        rows: list[list] = []
        for row in ET.fromstring(book.read(f"xl/worksheets/sheet{number}.xml")).iter(f"{{{NS['m']}}}row"):
            cells: list = []
            for c in row.findall("m:c", NS):
                col = _column(re.match(r"[A-Z]+", c.get("r")).group())
                cells += [None] * (col - len(cells) + 1)
                value = c.findtext("m:v", namespaces=NS)
                cells[col] = strings[int(value)] if c.get("t") == "s" else float(value)
            rows.append(cells)
        sheets[name] = rows
    return sheets


def csv_files(content: bytes) -> dict[str, list[list[str]]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))) for name in archive.namelist()}


def test_the_pack_page_shows_every_section_with_its_tables_and_links_the_files(client, login_as, db, emails):
    review = _review(db)
    login_as(Role.VIEWER)
    home = page(client.get(f"/reviews/{review.id}"))
    assert home.select_one("#pack-link")["href"] == f"/reviews/{review.id}/pack"
    soup = page(client.get(f"/reviews/{review.id}/pack"))
    contents = [a.get_text(strip=True) for a in soup.select("nav.app-pack-contents a")]
    assert contents == ["Summary", "Performance against every commitment", "Feedback", "Complaints", "Satisfaction",
                        "What residents said", "Learning from complaints", "Co-design of the charter with residents",
                        "Equalities: feedback, complaints and surveys",
                        "Equalities: who took part in the consultation",
                        "Complaint Handling Code self-assessment (draft)"]
    assert "No data for this year" in soup.select_one("#section-complaints").find_parent("section").get_text()
    e01 = soup.select_one("#performance tbody tr")
    assert [c.get_text(strip=True) for c in e01.select("th, td")][3:8] == ["Not met", "70%", "90%", "7", "10"]
    assert soup.select_one(".app-chart[role=img]") is not None
    links = [a["href"] for a in soup.select("#downloads a")]
    assert links == [f"/reviews/{review.id}/pack/{format}" for format in ("csv", "xlsx", "pdf")]


def test_the_same_figure_is_on_the_page_in_the_csv_and_in_the_spreadsheet(client, login_as, db, emails):
    review = _review(db)
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get(f"/reviews/{review.id}/pack"))
    on_page = [c.get_text(strip=True) for c in soup.select_one("#feedback-by-channel tbody tr").select("th, td")]
    share_on_page = soup.select_one("#performance tbody tr").select("td")[3].get_text(strip=True)

    zipped = client.get(f"/reviews/{review.id}/pack/csv")
    assert zipped.mimetype == "application/zip"
    assert 'filename="harrow-standards-review-2025.zip"' in zipped.headers["Content-Disposition"]
    files = csv_files(zipped.data)
    channel_csv = next(rows for name, rows in files.items() if name.endswith("feedback-by-channel.csv"))
    performance_csv = next(rows for name, rows in files.items() if name.endswith("-performance.csv"))

    book = xlsx_sheets(client.get(f"/reviews/{review.id}/pack/xlsx").data)
    channel_sheet = next(rows for name, rows in book.items() if name.endswith("feedback-by-channel"))
    performance_sheet = next(rows for name, rows in book.items() if name.endswith(" performance"))

    # Email: 1 compliment, 6 comments, 3 complaints, no service requests: 10 (hand-counted from the fixture).
    assert on_page == ["Email", "1", "6", "3", "0", "10"]
    assert channel_csv[1] == ["Email", "1", "6", "3", "0", "10"]
    assert channel_sheet[2] == ["Email", 1.0, 6.0, 3.0, 0.0, 10.0]
    # E-01: 7 of 10 acknowledged on time.
    assert share_on_page == "70%"
    assert performance_csv[1][4] == "0.7"
    assert performance_sheet[2][4] == 0.7


def test_an_unknown_file_format_is_not_found(client, login_as, db, charter):
    review = _review(db)
    login_as(Role.POLICY_OFFICER)
    assert client.get(f"/reviews/{review.id}/pack/docx").status_code == 404


def test_residents_see_the_latest_adopted_pack_linked_from_the_charter_page(client, db, emails):
    assert client.get("/our-charter/how-we-did").status_code == 404
    assert page(client.get("/our-charter")).select_one("#how-we-did") is None
    review = _review(db)
    review.stage = "adopted"
    db.session.commit()
    charter_page = page(client.get("/our-charter"))
    assert charter_page.select_one("#how-we-did")["href"] == "/our-charter/how-we-did"
    response = client.get("/our-charter/how-we-did")
    soup = page(response)
    assert soup.select_one("h1").get_text(strip=True) == "How we did: April 2025 to March 2026"
    # The same figures as the staff page, charts drawn without plotly.js.
    e01 = soup.select_one("#performance tbody tr")
    assert [c.get_text(strip=True) for c in e01.select("th, td")][3:8] == ["Not met", "70%", "90%", "7", "10"]
    assert "plotly" not in response.get_data(as_text=True) and soup.select_one("figure svg") is not None
    assert len(response.data) < 150_000


def test_a_pdf_that_cannot_be_printed_is_explained_on_the_pack_page(client, login_as, db, charter, monkeypatch):
    monkeypatch.setattr("reviews.pack.printing.CHROMIUM", "/nonexistent/chromium")
    review = _review(db)
    login_as(Role.POLICY_OFFICER)
    response = client.get(f"/reviews/{review.id}/pack/pdf")
    assert response.status_code == 302 and response.headers["Location"] == f"/reviews/{review.id}/pack"
    soup = page(client.get(response.headers["Location"]))
    assert "Chromium is not installed, so the PDF cannot be printed." in soup.get_text(" ")
