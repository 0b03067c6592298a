"""Policy officers' pages: import channel statistics, download the template, see what is imported and the rows
behind a figure."""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePath

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from channel_stats import bp
from channel_stats.columns import MEASURES, threshold_words
from channel_stats.forms import ImportForm
from channel_stats.importing import import_csv, stats_channels
from channel_stats.models import COUNT_COLUMNS
from channel_stats.queries import imported_months, listed_rows
from channel_stats.template import template_csv
from core.auth import role_required
from core.charters import published_charter
from core.models import Channel, Role
from core.timesource import today

#: Who may read the figures: those who read the charter review.
READERS = (Role.POLICY_OFFICER, Role.COMPLAINTS_OFFICER, Role.VIEWER)
#: Warnings shown after an import; a file missing one column for many channels and services says so often enough.
MAX_WARNINGS = 10
_PERIOD = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def _charter():
    return published_charter(current_app.config["CHARTERLINE_COUNCIL"])


def _previous_month(day: date) -> date:
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


@bp.get("/")
@role_required(*READERS)
def index():
    return render_template("channel_stats/index.html", imported=imported_months(),
                           can_import=current_user.has_role(Role.POLICY_OFFICER))


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.POLICY_OFFICER)
def import_file():
    form = ImportForm()
    charter = _charter()
    problems = []
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.file.errors.append("Select a CSV file")
        else:
            name = PurePath(upload.filename.replace("\\", "/")).name or "upload.csv"
            try:
                result, problems = import_csv(upload.stream, charter, by=current_user, source=name)
            except IntegrityError:
                result, problems = None, []
                form.file.errors.append("Another import of the same months finished at the same moment: upload the "
                                        "file again")
            if result is not None:
                flash(f"{result.summary()}.", "success")
                for warning in result.warnings[:MAX_WARNINGS]:
                    flash(f"{warning[:1].upper()}{warning[1:]}.", "warning")
                return redirect(url_for("channel_stats.index"))
            if problems:
                count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
                form.file.errors.append(f"The file has {count}, listed below: nothing was imported. Correct the "
                                        "file and upload it again")
    return render_template("channel_stats/import.html", form=form, problems=problems, charter=charter,
                           channels=stats_channels(charter))


@bp.get("/template.csv")
@role_required(Role.POLICY_OFFICER)
def template():
    text = template_csv(_charter(), _previous_month(today()))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=channel-statistics-template.csv"})


def _period_value(raw: str | None, *, end: bool) -> date | None:
    found = _PERIOD.match((raw or "").strip())
    if not found:
        return None
    year, month, day = int(found.group(1)), int(found.group(2)), found.group(3)
    try:
        if day:
            return date(year, month, int(day))
        return _last_day(year, month) if end else date(year, month, 1)
    except ValueError:
        return None


def _last_day(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


@bp.get("/rows")
@role_required(*READERS)
def rows():
    errors = []
    latest = today()
    start, end = date(latest.year - 1, latest.month, 1), latest
    for name in ("from", "to"):
        raw = request.args.get(name)
        if raw:
            value = _period_value(raw, end=name == "to")
            if value is None:
                errors.append((name, f"Enter the {'start' if name == 'from' else 'end'} as a real date or month, "
                                     "like 2026-04-01 or 2026-04"))
            elif name == "from":
                start = value
            else:
                end = value
    if start > end:
        errors.append(("from", "The start must be on or before the end"))
    channel = (request.args.get("channel") or "").strip()
    if channel and channel not in {c.value for c in Channel}:
        errors.append(("channel", "Select a channel from the list"))
        channel = ""
    # The rows behind a whole-council figure of the charter review (the link from its evidence says so).
    council = request.args.get("scope") == "council"
    found = [] if errors else listed_rows(channel or None, start, end, council=council)
    counts = [name for name in COUNT_COLUMNS if any(getattr(row, name) is not None for row in found)]
    thresholds = sorted({(t.measure, t.seconds) for row in found for t in row.thresholds},
                        key=lambda t: (list(MEASURES).index(t[0]), t[1]))
    heads = ["Month", "Channel", "Service",
             *({"text": name.replace("_", " ").capitalize(), "numeric": True} for name in counts),
             *({"text": threshold_words(*key), "numeric": True} for key in thresholds), "Imported from"]
    return render_template("channel_stats/rows.html", rows=found, counts=counts, thresholds=thresholds, heads=heads,
                           channel=channel, start=start, end=end, errors=errors, whole_council=council,
                           channels=[c for c in Channel if c != Channel.ANY] + [Channel.ANY])

