"""Quotes for the annual review: staff choose an item's words, anonymised (core.redaction) and perhaps shortened,
as representative of what residents said; one quote per item. The pack reads them for the items received in its
year, with each item's kind, channel, service and commitments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from core.audit import record_audit
from core.errors import RuleError
from core.extensions import db
from core.models import Channel, Commitment, Role, ServiceArea, StaffUser
from core.redaction import redact
from core.timesource import now
from feedback.models import FeedbackItem, FeedbackKind, FeedbackQuote, feedback_commitment

#: The longest quote: a few sentences, so the pack's table stays readable.
MAX_LENGTH = 600
#: Who may choose and remove quotes: complaints officers, who read every item, and policy officers, who write the
#: annual review (administrators always may).
QUOTERS = (Role.COMPLAINTS_OFFICER, Role.POLICY_OFFICER)


class QuoteRuleError(RuleError):
    """A quote the rules refuse; the message says why."""


def quote_of(item: FeedbackItem) -> FeedbackQuote | None:
    return db.session.scalar(select(FeedbackQuote).where(FeedbackQuote.feedback_id == item.id))


def may_quote(item: FeedbackItem, user) -> bool:
    """Whether ``user`` may choose or remove the item's quote: pages ask this, the services enforce it."""
    return user.has_role(*QUOTERS) and item.anonymised_at is None


def suggested_text(item: FeedbackItem) -> str:
    """What the form starts with: the item's words as a resident wrote them, anonymised."""
    return redact(item.description.strip())


def _require(item: FeedbackItem, by: StaffUser) -> None:
    """Refuse unless ``may_quote``, saying why."""
    if may_quote(item, by):
        return
    if not by.has_role(*QUOTERS):
        raise QuoteRuleError("Only complaints officers and policy officers can choose quotes for the annual review")
    raise QuoteRuleError(f"What the resident told us in this {item.kind_noun} was removed under the retention "
                             "policy, so it cannot be quoted", "text")


def choose_quote(item: FeedbackItem, text: str | None, *, by: StaffUser) -> FeedbackQuote:
    """Keep ``text`` as the item's quote, anonymised again whatever staff typed; a second choice edits the first.
    Audited on the item. Two saves sent at once both try to insert: the unique key keeps one, and the caller's
    ``core.once.save_or_find_first`` shows the other what the first saved."""
    _require(item, by)
    chosen = redact((text or "").strip())
    if not chosen:
        raise QuoteRuleError("Enter the quote as it should appear in the annual review", "text")
    if len(chosen) > MAX_LENGTH:
        # Counted after anonymising, which can lengthen the words: an email address becomes "[email address]".
        raise QuoteRuleError(f"The quote must be {MAX_LENGTH} characters or less, counting any personal details "
                             "replaced by a description such as [phone number]", "text")
    quote = quote_of(item)
    if quote is None:
        quote = FeedbackQuote(feedback_id=item.id, text=chosen, chosen_by_id=by.id, chosen_at=now())
        db.session.add(quote)
        record_audit(item, "feedback.quote_chosen", by=by, after={"quote": chosen},
                     summary="Quote chosen for the annual review")
    elif quote.text != chosen:
        before = quote.text
        quote.text, quote.chosen_by_id, quote.chosen_at = chosen, by.id, now()
        record_audit(item, "feedback.quote_edited", by=by, before={"quote": before}, after={"quote": chosen},
                     summary="Quote for the annual review edited")
    db.session.commit()
    return quote


def remove_quote(item: FeedbackItem, *, by: StaffUser) -> bool:
    """Take the item's quote out of the annual review (audited); False when it had none, so a second click of the
    button changes nothing."""
    if not by.has_role(*QUOTERS):
        raise QuoteRuleError("Only complaints officers and policy officers can remove quotes from the annual review")
    quote = quote_of(item)
    if quote is None:
        return False
    record_audit(item, "feedback.quote_removed", by=by, before={"quote": quote.text},
                 summary="Quote removed from the annual review")
    db.session.delete(quote)
    db.session.commit()
    return True


@dataclass(frozen=True)
class QuoteRow:
    """A quote as the annual pack shows it, with what it is about."""

    text: str
    kind: str
    channel: str
    service: str | None
    commitments: tuple[str, ...]
    #: The first day of the month the item was received.
    month: date


def quotes_received(start: date, end: date) -> list[QuoteRow]:
    """The quotes chosen for items received from ``start`` to ``end``, oldest first.

    Read from the quotes (a handful a year) to their items, never from a year of items to their quotes: three
    small queries, however many items the year has.

    Quotes of withdrawn items stay: withdrawing ends what the council does about an item, not what the resident
    told it, and the words were anonymised and chosen by staff, who can remove the quote. Items anonymised under
    the retention policy are left out: their words are gone."""
    texts = dict(db.session.execute(select(FeedbackQuote.feedback_id, FeedbackQuote.text)).all())
    if not texts:
        return []
    rows = db.session.execute(
        select(FeedbackItem.id.label("feedback_id"), FeedbackItem.kind, FeedbackItem.channel, ServiceArea.name,
               FeedbackItem.received_on)
        .outerjoin(ServiceArea, ServiceArea.id == FeedbackItem.service_area_id)
        .where(FeedbackItem.id.in_(list(texts)), FeedbackItem.received_on >= start, FeedbackItem.received_on <= end,
               FeedbackItem.anonymised_at.is_(None))
        .order_by(FeedbackItem.received_on, FeedbackItem.id)).all()
    codes: dict[int, list[str]] = {}
    if rows:
        for feedback_id, code in db.session.execute(
                select(feedback_commitment.c.feedback_id, Commitment.code)
                .join(Commitment, Commitment.id == feedback_commitment.c.commitment_id)
                .where(feedback_commitment.c.feedback_id.in_([row.feedback_id for row in rows]))
                .order_by(feedback_commitment.c.feedback_id, Commitment.number)):
            codes.setdefault(feedback_id, []).append(code)
    return [QuoteRow(text=texts[row.feedback_id], kind=FeedbackKind(row.kind).label, channel=Channel(row.channel).label,
                     service=row.name, commitments=tuple(codes.get(row.feedback_id, ())),
                     month=row.received_on.replace(day=1))
            for row in rows]
