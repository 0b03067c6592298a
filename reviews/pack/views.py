"""The pack's staff page and its downloads (the CSV zip, the spreadsheet and the PDF of the same ``ReviewPack``),
publishing it again, and the residents' page of the published pack, "How we did"."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from core.auth import role_required
from core.errors import attempt_or_flash
from core.extensions import db
from core.formatting import govuk_date
from core.models import Role
from reviews import bp, public_bp
from reviews.cycles import published_review
from reviews.forms import PublishForm
from reviews.models import Review
from reviews.pack.builder import build_pack
from reviews.pack.charts import plotly_chart, svg_chart
from reviews.pack.files import csv_zip, file_stem, xlsx
from reviews.pack.model import ReviewPack, format_cell
from reviews.pack.printing import PrintError, pdf
from reviews.pack.publishing import is_published, pack_for_residents, publish_again, stored_copy
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
    published = is_published(review)
    return render_template("reviews/pack.html", review=review, pack=build_pack(review), chart=plotly_chart,
                           cell=format_cell, downloads=[(key, value[0]) for key, value in FILES.items()],
                           stored=stored_copy(review) if published else None, published=published,
                           publish_form=PublishForm(), can_publish=current_user.has_role(Role.POLICY_OFFICER))


@bp.post("/<int:review_id>/publish")
@role_required(Role.POLICY_OFFICER)
def publish(review_id: int):
    review = db.get_or_404(Review, review_id)
    if PublishForm().validate_on_submit():
        stored = attempt_or_flash(lambda: publish_again(review, by=current_user))
        if stored:
            flash(f"Pack published. Residents now see the pack with the figures of {govuk_date(stored.published_at)}.",
                  "success")
    return redirect(url_for("reviews.pack", review_id=review.id))


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
    """The published pack for residents, as it was published (read from its stored copy, never rebuilt by a visit):
    the same sections, charts drawn as SVG (no plotly.js on residents' pages)."""
    review = published_review(current_app.config["CHARTERLINE_COUNCIL"])
    if review is None:
        abort(404)
    built, stored = pack_for_residents(review)
    return render_template("reviews/how_we_did.html", review=review, pack=built, published_at=stored.published_at,
                           chart=svg_chart, cell=format_cell)
