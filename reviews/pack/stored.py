"""A ``ReviewPack`` as JSON and back, exactly: how a published pack is kept (``reviews.models.PublishedPack``).

Text, whole numbers and empty cells are JSON's own; a number with a fraction is a JSON number (Python writes the
shortest text that reads back as the same float); a Decimal, a date and a float JSON cannot hold (NaN, infinity)
are each an object with one key naming the type, so every cell reads back as the type it was written."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

from reviews.pack.model import Cell, Chart, Column, Kind, ReviewPack, Section, Table

#: The layout of the stored JSON; a reader meeting another one refuses it rather than guess.
VERSION = 1


def to_json(pack: ReviewPack) -> dict:
    """The pack as JSON-ready data (dicts, lists, text and numbers)."""
    return {"version": VERSION, "council_slug": pack.council_slug, "council_name": pack.council_name,
            "title": pack.title, "starts_on": pack.starts_on.isoformat(), "ends_on": pack.ends_on.isoformat(),
            "sections": [_section_json(section) for section in pack.sections]}


def from_json(data: dict) -> ReviewPack:
    """The pack ``to_json`` wrote."""
    if data.get("version") != VERSION:
        raise ValueError(f"A stored pack of layout {data.get('version')!r} cannot be read (expected {VERSION})")
    return ReviewPack(council_slug=data["council_slug"], council_name=data["council_name"], title=data["title"],
                      starts_on=date.fromisoformat(data["starts_on"]), ends_on=date.fromisoformat(data["ends_on"]),
                      sections=tuple(_section(item) for item in data["sections"]))


def _section_json(section: Section) -> dict:
    return {"key": section.key, "title": section.title, "text": list(section.text),
            "tables": [{"key": table.key, "name": table.name,
                        "columns": [{"heading": column.heading, "kind": column.kind.value} for column in table.columns],
                        "rows": [[_cell_json(value) for value in row] for row in table.rows]}
                       for table in section.tables],
            "charts": [{"table_key": chart.table_key, "title": chart.title, "kind": chart.kind,
                        "series": list(chart.series), "summary": chart.summary} for chart in section.charts]}


def _section(data: dict) -> Section:
    tables = tuple(Table(key=table["key"], name=table["name"],
                         columns=tuple(Column(column["heading"], Kind(column["kind"])) for column in table["columns"]),
                         rows=tuple(tuple(_cell(value) for value in row) for row in table["rows"]))
                   for table in data["tables"])
    charts = tuple(Chart(table_key=chart["table_key"], title=chart["title"], kind=chart["kind"],
                         series=tuple(chart["series"]), summary=chart["summary"]) for chart in data["charts"])
    return Section(key=data["key"], title=data["title"], text=tuple(data["text"]), tables=tables, charts=charts)


def _cell_json(value: Cell):
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, date) and not isinstance(value, datetime):
        return {"date": value.isoformat()}
    raise TypeError(f"A pack cell cannot be {type(value).__name__}: {value!r}")


def _cell(value) -> Cell:
    if not isinstance(value, dict):
        return value
    (kind, text), = value.items()
    return {"float": float, "decimal": Decimal, "date": date.fromisoformat}[kind](text)
