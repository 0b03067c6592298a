"""The pack's staff page and its downloads (the CSV zip, the spreadsheet and the PDF of the same ``ReviewPack``),
and the residents' page of the published pack, "How we did"."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for

from core.auth import role_required
from core.extensions import db
from reviews import bp, public_bp
from reviews.cycles import published_review
from reviews.models import Review
from reviews.pack.builder import build_pack
from reviews.pack.charts import plotly_chart, svg_chart
from reviews.pack.files import csv_zip, file_stem, xlsx
from reviews.pack.model import ReviewPack, format_cell
from reviews.pack.printing import PrintError, pdf
from reviews.views import READERS

#: Each download: (format, link text, media type, file extension).
FILES = {
    "csv": ("The figures as CSV files (zip)", "application/zip", "zip", csv_zip),
    "xlsx": ("The figures as a spreadsheet (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "xlsx", xlsx),
    "pdf": ("The pack to print (PDF)", "application/pdf", "pdf", pdf),
}


@bp.get("/<int:review_id>/pack")
@role_required(*READERS)
def pack(review_id: int):
    review = db.get_or_404(Review, review_id)
    return render_template("reviews/pack.html", review=review, pack=build_pack(review), chart=plotly_chart,
                           cell=format_cell, downloads=[(key, value[0]) for key, value in FILES.items()])


@bp.get("/<int:review_id>/pack/<format>")
@role_required(*READERS)
def pack_file(review_id: int, format: str):
    review = db.get_or_404(Review, review_id)
    if format not in FILES:
        abort(404)
    _label, media_type, extension, render = FILES[format]
    built: ReviewPack = build_pack(review)
    try:
        content = render(built)
    except PrintError as exc:
        flash(f"{exc}. The web page and the data files have the same figures.", "error")
        return redirect(url_for("reviews.pack", review_id=review.id))
    return Response(content, mimetype=media_type, headers={
        "Content-Disposition": f'attachment; filename="{file_stem(built)}.{extension}"'})


@public_bp.get("/our-charter/how-we-did")
def how_we_did():
    """The published pack for residents: the same sections, charts drawn as SVG (no plotly.js on residents' pages)."""
    review = published_review(current_app.config["CHARTERLINE_COUNCIL"])
    if review is None:
        abort(404)
    built = build_pack(review)
    return render_template("reviews/how_we_did.html", review=review, pack=built, chart=svg_chart, cell=format_cell)
