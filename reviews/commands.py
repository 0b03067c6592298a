"""Charter review commands for scripts and checks: `flask reviews evidence --year YYYY` and
`flask reviews pack --year YYYY --format html|pdf|csv|xlsx --out PATH`."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app

from channel_stats.commands import import_channel_stats_command
from reviews import bp
from reviews.cycles import councils, review_year, versions_in_force
from reviews.evidence import evidence_for
from reviews.evidence.results import CommitmentEvidence
from reviews.pack.builder import build_pack
from reviews.pack.files import csv_zip, xlsx
from reviews.pack.printing import PrintError, pdf, print_html


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


PACK_FORMATS = ("html", "pdf", "csv", "xlsx")


def _fail(message: str, status: int = 2) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)


@bp.cli.command("pack")
@click.option("--year", required=True, metavar="YYYY",
              help="The review year starting in this year (April YYYY to March YYYY+1 by default).")
@click.option("--charter", "slug", default=None, metavar="SLUG",
              help="The council's charter (its slug); default CHARTERLINE_COUNCIL.")
@click.option("--format", "output", required=True, metavar="|".join(PACK_FORMATS),
              help="html (one file, no JavaScript), pdf (A4), csv (a zip of one file per table) or xlsx.")
@click.option("--out", "path", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The file to write.")
def pack(year: str, slug: str | None, output: str, path: str) -> None:
    """Write the annual standards-review pack of a review year (opened as a review or not)."""
    if output not in PACK_FORMATS:
        _fail(f"unknown format {output!r}: use one of {', '.join(PACK_FORMATS)}")
    if not (year.isascii() and year.isdigit() and 2000 <= int(year) <= 2099):
        _fail(f"{year!r} is not a year: give the year the review year starts in, like 2025")
    slug = slug or current_app.config["CHARTERLINE_COUNCIL"]
    known = dict(councils())
    if slug not in known:
        _fail(f"no charter is loaded for {slug!r} (loaded: {', '.join(sorted(known)) or 'none'})")
    period = review_year(slug, int(year))
    if not versions_in_force(period):
        _fail(f"no version of {known[slug]}'s charter was in force in {period.title}")
    built = build_pack(period)
    renderers = {"html": lambda: print_html(built).encode("utf-8"), "pdf": lambda: pdf(built),
                 "csv": lambda: csv_zip(built), "xlsx": lambda: xlsx(built)}
    try:
        content = renderers[output]()
    except PrintError as exc:
        _fail(str(exc), 1)
    try:
        with open(path, "wb") as file:
            file.write(content)
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror}", 1)
    click.echo(f"Wrote the {output} pack for {known[slug]}, {period.title}, to {path} ({len(content):,} bytes).")


bp.cli.add_command(import_channel_stats_command)
