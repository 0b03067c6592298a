"""The annual standards-review pack as data: sections of tables (typed cells), charts drawn from those tables and
text. The web page, the PDF, the CSV files and the spreadsheet are all renderings of one ``ReviewPack``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

#: A cell: text, a whole number, a number (a share from 0 to 1, an amount, an average), a date, or empty.
Cell = str | int | float | Decimal | date | None

NO_DATA = "No data for this year"


class Kind(StrEnum):
    """How a column's numbers read: the files keep the number, pages and print show it in words."""

    TEXT = "text"
    COUNT = "count"
    SHARE = "share"
    MONEY = "money"
    DECIMAL = "decimal"
    DATE = "date"

    @property
    def numeric(self) -> bool:
        return self in (Kind.COUNT, Kind.SHARE, Kind.MONEY, Kind.DECIMAL)


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Table:
    #: Unique in the pack: the CSV file's and the sheet's name, and the page's id.
    key: str
    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(column.heading for column in self.columns)

    def column(self, heading: str) -> list[Cell]:
        index = self.headings.index(heading)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Chart:
    """A bar or line chart of some of a table's columns against its first column."""

    table_key: str
    title: str
    kind: str  # "bar" or "line"
    series: tuple[str, ...]
    #: What the chart shows, in words, for those who do not see it.
    summary: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    #: Paragraphs of text; "No data for this year" when the section is empty.
    text: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.tables

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


@dataclass(frozen=True)
class ReviewPack:
    council_slug: str
    council_name: str
    title: str
    starts_on: date
    ends_on: date
    sections: tuple[Section, ...]

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(table for section in self.sections for table in section.tables)

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def empty_section(key: str, title: str) -> Section:
    return Section(key, title, (NO_DATA,))


def format_cell(value: Cell, kind: Kind) -> str:
    """A cell as the page and the print show it."""
    if value is None:
        return "–"
    if kind == Kind.SHARE:
        # One decimal place unless the share is a whole percentage, so 89.7% never reads as a target of 90%.
        whole = round(float(value) * 100, 1) == round(float(value) * 100)
        return f"{float(value):.0%}" if whole else f"{float(value):.1%}"
    if kind == Kind.MONEY:
        return f"£{Decimal(value):,.2f}"
    if kind == Kind.DECIMAL:
        return f"{float(value):.1f}"
    if kind == Kind.COUNT:
        return f"{int(value):,}"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)
