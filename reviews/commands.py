"""Charter review commands for scripts and checks: `flask reviews evidence --year YYYY`."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app

from channel_stats.commands import import_channel_stats_command
from reviews import bp
from reviews.cycles import councils, review_year
from reviews.evidence import evidence_for
from reviews.evidence.results import CommitmentEvidence


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _row(item: CommitmentEvidence) -> dict:
    """One commitment's headline figure: the measure a summary shows (the first missed, else the first counted)."""
    measure = item.headline
    return {
        "code": item.code,
        "verdict": item.verdict.value,
        "share": None if measure is None or measure.share is None else round(measure.share, 4),
        "target": None if measure is None or measure.target_share is None else round(measure.target_share, 4),
        "count": 0 if measure is None else measure.total,
        "standard": None if measure is None else measure.words,
        "measures": [{"standard": m.words, "verdict": m.verdict.value, "met": m.met, "count": m.total,
                      "share": None if m.share is None else round(m.share, 4),
                      "target": None if m.target_share is None else round(m.target_share, 4),
                      "last_year_share": None if m.last_year_share is None else round(m.last_year_share, 4)}
                     for m in item.measures],
    }


@bp.cli.command("evidence")
@click.option("--year", type=click.IntRange(2000, 2099), required=True,
              help="The review year starting in this year (April YYYY to March YYYY+1 by default).")
@click.option("--charter", "slug", default=None, metavar="SLUG",
              help="The council's charter (its slug); default CHARTERLINE_COUNCIL.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
def evidence(year: int, slug: str | None, output: str) -> None:
    """Print every commitment's verdict, figure, target and count for a review year (opened as a review or not)."""
    slug = slug or current_app.config["CHARTERLINE_COUNCIL"]
    known = dict(councils())
    if slug not in known:
        choices = ", ".join(sorted(known)) or "none is loaded"
        click.echo(f"Error: no charter is loaded for {slug!r} (loaded: {choices})", err=True)
        sys.exit(2)
    result = evidence_for(review_year(slug, year), voice=False)
    rows = [_row(item) for item in result.commitments]
    if output == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(f"{known[slug]}: {result.title}")
    table = [("Code", "Verdict", "Share", "Target", "Count")] + [
        (item.code, item.verdict.value, item.headline.share_text if item.headline and item.headline.total else "",
         _percent(row["target"]), str(row["count"]))
        for item, row in zip(result.commitments, rows, strict=True)]
    widths = [max(len(line[i]) for line in table) for i in range(5)]
    for line in table:
        click.echo("  ".join(cell.rjust(width) if i >= 2 else cell.ljust(width)
                             for i, (cell, width) in enumerate(zip(line, widths, strict=True))).rstrip())


bp.cli.add_command(import_channel_stats_command)
