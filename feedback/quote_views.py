"""Staff pages for an item's quote in the annual review: choosing or editing it, and removing it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from core.auth import role_required
from core.errors import attempt, attempt_or_flash
from core.once import save_or_find_first
from feedback import bp
from feedback.forms import ConfirmForm, QuoteForm
from feedback.quotes import MAX_LENGTH, QUOTERS, choose_quote, quote_of, remove_quote, suggested_text
from feedback.staff_views import item_or_404, item_to_change


@bp.route("/staff/feedback/<reference>/quote", methods=["GET", "POST"])
@role_required(*QUOTERS)
def quote(reference: str):
    found = item_to_change(reference)
    chosen = quote_of(found)
    form = QuoteForm(data={"text": chosen.text if chosen else suggested_text(found)})
    if form.validate_on_submit():
        # The same form sent twice at once: the unique key keeps the first, and this one shows what it saved.
        saved, first = save_or_find_first(
            lambda: attempt(form, "text", lambda: choose_quote(found, form.text.data, by=current_user)),
            lambda: quote_of(found))
        if saved or first:
            flash("Quote saved. It will appear in the annual review of the year this was received.", "success")
            return redirect(url_for("feedback.item", reference=found.reference))
    return render_template("feedback/quote.html", form=form, item=found, chosen=chosen,
                           max_length=MAX_LENGTH)


@bp.post("/staff/feedback/<reference>/quote/remove")
@role_required(*QUOTERS)
def remove_quote_from_review(reference: str):
    found = item_or_404(reference)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if attempt_or_flash(lambda: remove_quote(found, by=current_user)) is not None:
        flash("The quote is no longer in the annual review.", "success")
    return redirect(url_for("feedback.item", reference=found.reference))
