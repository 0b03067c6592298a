"""The queue of items on no commitment: the list with suggestions, and tagging the ticked items in bulk."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from core.auth import role_required
from core.errors import attempt
from core.formatting import pluralise
from core.text import storable_int
from core.timesource import today
from staff import tagging
from staff.forms import TagItemsForm
from staff.views import bp


def _accepted(form: TagItemsForm) -> tuple[list[int], int | None] | None:
    """The item and commitment of a suggestion accepted with its own button ("<item id>:<commitment id>")."""
    item, _, commitment = (form.accept.data or "").partition(":")
    item_id, commitment_id = storable_int(item), storable_int(commitment)
    if item_id is not None and commitment_id is not None:
        return [item_id], commitment_id
    return None


@bp.route("/staff/untagged", methods=["GET", "POST"])
@role_required(*tagging.QUEUE_ROLES)
def untagged():
    source = request.values.get("source", tagging.FEEDBACK)
    page = storable_int(request.values.get("page")) or 1
    form = TagItemsForm()
    if form.validate_on_submit():
        items, commitment = _accepted(form) or (form.items.data or [], storable_int(form.commitment.data))
        tagged = attempt(form, "items", lambda: tagging.tag(current_user, source, items, commitment))
        if tagged is not None:
            flash(f"{pluralise(tagged if tagged is not True else 0, 'item')} tagged to a commitment.", "success")
            return redirect(url_for("staff.untagged", source=source, page=page))
    queue = tagging.queue(current_user, source, page, today())
    if form.errors and not (queue.rows and queue.commitments):
        # The list has emptied since it was loaded: there is no field left to show the refusal by.
        for message in (m for messages in form.errors.values() for m in messages):
            flash(message, "error")
        return redirect(url_for("staff.untagged", source=queue.source))
    form.commitment.choices = [SelectChoice("", "Choose a commitment")] + [
        SelectChoice(str(c.id), f"{c.code}: {c.wording}") for c in queue.commitments]
    return render_template("staff/untagged.html", queue=queue, form=form, sources=tagging.SOURCES)
