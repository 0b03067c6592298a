"""How the pack's cells read on the page and in print, and the printed charts' axes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reviews.pack.charts import _nice_top, svg_chart
from reviews.pack.model import Chart, Column, Kind, Table, format_cell


@pytest.mark.parametrize(("value", "kind", "shown"), [
    (0.7, Kind.SHARE, "70%"),
    (0.897, Kind.SHARE, "89.7%"),  # never rounded up to look like a 90% target
    (1 / 3, Kind.SHARE, "33.3%"),
    (Decimal("1025"), Kind.MONEY, "£1,025.00"),
    (12.5, Kind.DECIMAL, "12.5"),
    (7157, Kind.COUNT, "7,157"),
    (date(2025, 8, 20), Kind.DATE, "20 August 2025"),
    (None, Kind.SHARE, "–"),
    ("Email", Kind.TEXT, "Email"),
])
def test_cells_read_as_people_expect(value, kind, shown):
    assert format_cell(value, kind) == shown


@pytest.mark.parametrize(("largest", "top"), [(46, 60), (18, 20), (0, 1), (7157, 8000), (100, 100)])
def test_the_printed_axis_reaches_the_largest_value_in_four_round_steps(largest, top):
    assert _nice_top(largest) == top


def test_a_printed_chart_is_an_svg_with_its_summary_and_no_script():
    table = Table("t", "T", (Column("Month"), Column("Items", Kind.COUNT)), (("June 2025", 12), ("July 2025", 3)))
    svg = str(svg_chart(Chart("t", "Items by month", "bar", ("Items",), "June had most: 12."), table))
    assert svg.startswith("<svg") and 'aria-label="June had most: 12."' in svg and "<script" not in svg
    assert svg.count("<rect") == 2 + 1  # two bars and the legend's key
