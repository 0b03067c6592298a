"""The pack as data files: a zip of one CSV per table and a spreadsheet of one sheet per table, with numbers as
numbers (shares from 0 to 1, formatted as percentages in the spreadsheet) and every text cell made safe."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import xlsxwriter

from core.exports import safe_cell
from reviews.pack.model import Cell, Kind, ReviewPack, Table

#: Excel's limit on a sheet's name.
SHEET_NAME_LIMIT = 31


def file_stem(pack: ReviewPack) -> str:
    return f"{pack.council_slug}-standards-review-{pack.starts_on.year}"


def _csv_value(value: Cell, kind: Kind) -> object:
    if value is None:
        return ""
    if kind == Kind.SHARE:
        return round(float(value), 4)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(heading) for heading in table.headings])
    for row in table.rows:
        writer.writerow([_csv_value(value, column.kind) for value, column in zip(row, table.columns, strict=True)])
    return out.getvalue()


def csv_zip(pack: ReviewPack) -> bytes:
    """One CSV file per table, named by the table's key and numbered in the pack's order (UTF-8 with a byte-order
    mark, so spreadsheet programs read the £ and accents right)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, table in enumerate(pack.tables, start=1):
            archive.writestr(f"{number:02d}-{table.key}.csv", "\ufeff" + table_csv(table))
    return buffer.getvalue()


def sheet_name(number: int, table: Table) -> str:
    return f"{number:02d} {table.key}"[:SHEET_NAME_LIMIT]


def xlsx(pack: ReviewPack) -> bytes:
    """One sheet per table: the table's name, its headings, then its rows with real number and date cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": f"{pack.council_name}: standards review {pack.title}"})
    bold = book.add_format({"bold": True})
    formats = {kind: book.add_format({"num_format": pattern}) for kind, pattern in (
        (Kind.SHARE, "0.0%"), (Kind.MONEY, "£#,##0.00"), (Kind.DECIMAL, "0.0"), (Kind.DATE, "d mmmm yyyy"))}
    for number, table in enumerate(pack.tables, start=1):
        sheet = book.add_worksheet(sheet_name(number, table))
        sheet.write_string(0, 0, table.name, bold)
        for col, heading in enumerate(table.headings):
            sheet.write_string(1, col, heading, bold)
            sheet.set_column(col, col, max(12, min(len(heading) + 2, 60)))
        for r, row in enumerate(table.rows, start=2):
            for col, (value, column) in enumerate(zip(row, table.columns, strict=True)):
                if value is None:
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(r, col, value, formats[Kind.DATE])
                elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    sheet.write_number(r, col, float(value), formats.get(column.kind))
                else:
                    sheet.write_string(r, col, str(safe_cell(value)))
    book.close()
    return buffer.getvalue()
