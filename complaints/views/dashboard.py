"""The complaints dashboard, my cases, the CSV export and complaints not yet in the procedure."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from complaints import bp, queries, services
from complaints.forms import ConfirmForm
from complaints.models import Complaint
from complaints.views._shared import WORKERS, _me, _to_case
from core.auth import ANY_STAFF, role_required
from core.errors import attempt_or_flash
from core.exports import safe_cell
from core.extensions import db
from core.formatting import govuk_date
from core.models import Channel
from core.timesource import today
from feedback.models import FeedbackItem


def _dashboard(filters: queries.Filters, *, mine: bool):
    on = today()
    data = queries.dashboard(filters, on)
    filters = data.filters  # the page, kept within the pages there are
    return render_template(
        "complaints/dashboard.html", data=data, filters=filters, mine=mine, today=on,
        soon_limit=queries.due_soon_limit(on), counts=data.counts,
        handlers=queries.handlers(), services=queries.service_areas(), commitments=queries.commitments_in_use(),
        sorts=queries.SORTS, page_title="My cases" if mine else "Complaints",
        # Every value of a filter given more than once (channels), so the pages and the export keep them all; only
        # the filters' names, so a word url_for reads itself (_anchor, endpoint) is never passed to it.
        query_args={k: request.args.getlist(k) for k in queries.FILTER_NAMES if k in request.args},
        channels=[(c, Channel(c).label) for c in queries.CHANNEL_FILTERS],
        page_numbers=page_numbers(filters.page, data.pages),
    )


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The first, the last and two either side of the current page; None where pages are left out."""
    shown = sorted({1, pages, *range(max(page - 2, 1), min(page + 2, pages) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


@bp.get("/")
@role_required(*ANY_STAFF)
def dashboard():
    return _dashboard(queries.parse_filters(request.args), mine=False)


@bp.get("/mine")
@role_required(*ANY_STAFF)
def my_cases():
    return _dashboard(queries.parse_filters(request.args, mine=current_user.id), mine=True)


CSV_COLUMNS = ["Reference", "Code", "Service", "Stage", "State", "Handler", "Received", "Due", "Due status",
               "Contact restricted"]


def _cell(value: object) -> object:
    """Spreadsheet programs run text cells that start with = + - @, a tab or a return as formulas: such text is
    quoted."""
    return "" if value is None else safe_cell(value)


@bp.get("/export.csv")
@role_required(*ANY_STAFF)
def export_csv():
    filters = queries.parse_filters(request.args, mine=current_user.id if request.args.get("mine") else None)
    on = today()
    soon = queries.due_soon_limit(on)

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        batch: list[Complaint] = []
        for complaint in queries.export_rows(filters, on):
            batch.append(complaint)
            if len(batch) == 500:
                yield from _csv_batch(batch, writer, buffer, on, soon)
                batch = []
        yield from _csv_batch(batch, writer, buffer, on, soon)

    # The rows are read while the response streams, so the request's context must stay open.
    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=complaints-{on.isoformat()}.csv"})


def _csv_batch(batch, writer, buffer, on, soon):
    restricted = queries.restricted_residents({c.feedback.resident_id for c in batch if c.feedback.resident_id})
    for c in batch:
        tag = queries.due_tag(c.due_on, on, soon)
        writer.writerow([_cell(v) for v in (
            c.reference, c.regime.upper(), c.feedback.service_area.name if c.feedback.service_area else "",
            c.stage, c.state_label, c.handler.name if c.handler else "", c.feedback.received_on.isoformat(),
            c.due_on.isoformat() if c.due_on else "", tag[0] if tag else "",
            "Yes" if c.feedback.resident_id in restricted else "")])
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()


@bp.get("/not-yet-opened")
@role_required(*ANY_STAFF)
def not_opened():
    return render_template("complaints/not_opened.html", items=queries.complaints_not_opened(),
                           page_title="Complaints not yet in the procedure", can_open=_me().has_role(*WORKERS))


@bp.post("/open/<int:feedback_id>")
@role_required(*WORKERS)
def open_case(feedback_id: int):
    item = db.get_or_404(FeedbackItem, feedback_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if item.anonymised_at is not None:
        # A case opened now could never be worked on: an anonymised item can no longer be changed.
        flash(f"Complaint {item.reference} was anonymised on {govuk_date(item.anonymised_at)} under the retention "
              "policy, so it cannot be put into the complaints procedure.", "error")
        return redirect(url_for("complaints.not_opened"))
    complaint = attempt_or_flash(lambda: services.open_complaint(item, by=_me()))
    if complaint is None:
        return redirect(url_for("complaints.dashboard"))
    return _to_case(complaint, "The complaint is now under the complaints procedure at stage 1.")
