"""`flask reviews evidence`: every commitment's verdict, figure, target and count, as a table or JSON."""

from __future__ import annotations

import json

from reviews.models import Review


def test_json_gives_one_object_per_commitment(runner, emails):
    result = runner.invoke(args=["reviews", "evidence", "--year", "2025", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["code"]: row for row in json.loads(result.output)}
    assert list(rows) == ["E-01", "L-01", "C-01", "P-01", "R-01"]
    assert {k: rows["E-01"][k] for k in ("verdict", "share", "target", "count")} == {
        "verdict": "not met", "share": 0.7, "target": 0.9, "count": 10}
    assert rows["R-01"]["verdict"] == "not measurable" and rows["R-01"]["count"] == 0
    assert rows["L-01"]["verdict"] == "no data" and rows["L-01"]["share"] is None
    assert Review.query.count() == 0  # works whether or not a review was opened


def test_the_table_has_aligned_columns(runner, emails):
    result = runner.invoke(args=["reviews", "evidence", "--year", "2025", "--charter", "harrow"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Test Council: April 2025 to March 2026"
    assert lines[1].split() == ["Code", "Verdict", "Share", "Target", "Count"]
    e01 = next(line for line in lines if line.startswith("E-01"))
    assert e01.split() == ["E-01", "not", "met", "70%", "90%", "10"]
    # Every row's count ends in the same column.
    assert len({len(line) for line in lines[1:] if not line.startswith("R-01")}) == 1


def test_an_unknown_charter_is_one_line_and_exit_status_2(runner, charter):
    result = runner.invoke(args=["reviews", "evidence", "--year", "2025", "--charter", "atlantis"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["Error: no charter is loaded for 'atlantis' (loaded: harrow)"]
