"""Signals and hooks that let a lower package react to a higher one without importing it.

Each signal says when it is sent: inside the sender's transaction (receivers add to the session and never commit)
or once the sender has committed (receivers work in transactions of their own).
"""

from __future__ import annotations

from collections.abc import Callable

from blinker import Namespace

_signals = Namespace()

#: Sent by feedback while it records an item, inside the same transaction and before it commits: receivers add
#: their rows to the session and leave the commit to the sender. Sender: the FeedbackItem (not yet written, so
#: without an id); keyword argument `by`: the StaffUser recording it, None when a resident or an API key sent it.
feedback_recorded = _signals.signal("feedback-recorded")
#: Sent by feedback once an item's change of kind is committed (staff reclassify it, or the resident keeps it as a
#: complaint); receivers work in transactions of their own. Sender: the FeedbackItem; keyword argument `by` the
#: StaffUser (None when the resident chose).
feedback_reclassified = _signals.signal("feedback-reclassified")
#: Sent by feedback once a resident's withdrawal of an item is committed; receivers work in transactions of their
#: own. Sender: the FeedbackItem.
feedback_withdrawn = _signals.signal("feedback-withdrawn")
#: Sent by complaints each time a case closes; sender is the Complaint. Keyword arguments: feedback (the
#: FeedbackItem), regime ("lgsco" or "ho"), stage (1 or 2: the stage whose response closed it).
#: One complaint can close twice: after its stage 1 response, and again after the stage 2 final response if the
#: resident escalates (Complaint Handling Code 6.10: any unresolved part goes to stage 2). A first closure cannot
#: wait for the second, which most cases never reach, so receivers act at most once per complaint; what they have
#: not yet done for a first closure they can hold back when complaint_escalated says the case reopened, until
#: complaint_closed (stage 2) or complaint_withdrawn says it has ended.
complaint_closed = _signals.signal("complaint-closed")
#: Sent by complaints once a request for stage 2 is recorded and committed; sender is the Complaint, keyword
#: argument feedback (the FeedbackItem). The case is open again, whether or not it had closed after stage 1, and
#: complaint_closed follows with stage 2 when the final response closes it, or complaint_withdrawn if the resident
#: withdraws it first.
complaint_escalated = _signals.signal("complaint-escalated")
#: Sent by complaints once a complaint's withdrawal is recorded and committed, whoever withdrew it (staff for the
#: resident, or the resident withdrawing the item on the tracking page); sender is the Complaint. Keyword
#: arguments: feedback (the FeedbackItem), stage (1 or 2: the stage it was withdrawn at). The case has ended and
#: never closes again, so what receivers held back when complaint_escalated reopened it can go ahead now; a
#: complaint withdrawn without ever having closed has nothing held.
complaint_withdrawn = _signals.signal("complaint-withdrawn")

#: Sent by core inside the transaction that changes the council's calendar (a closure date added or removed, or
#: ``flask clocks recompute`` after the bank holidays change), before it commits. Every package that stores open
#: deadlines answers it: it works them out again on the new calendar, adds each moved due date and its history to
#: the session (never committing), and returns how many moved. Sender: None. Keyword argument: reason (plain
#: words naming the change, e.g. "closure date added: Thursday 24 December 2026 (Christmas closure)"), which each
#: moved deadline's history quotes.
calendar_changed = _signals.signal("calendar-changed")
#: Sent by core's sentiment rescoring after each batch it writes straight to a table, inside that batch's
#: transaction and before it commits: receivers add to the session and never commit. Sender: None. Keyword
#: arguments: model (the registered model class) and keys (the primary keys of the rows rescored).
records_rescored = _signals.signal("records-rescored")

#: Functions that add a section to a resident's tracking page: f(feedback_item) -> Markup or None.
TRACKING_SECTIONS: list[Callable] = []


def register_tracking_section(render: Callable) -> Callable:
    """Let a higher package (complaints) show its part of a case on the tracking page feedback owns."""
    if render not in TRACKING_SECTIONS:
        TRACKING_SECTIONS.append(render)
    return render


def tracking_sections(item) -> list:
    return [html for html in (render(item) for render in TRACKING_SECTIONS) if html]
