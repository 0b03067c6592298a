"""Retention of residents' feedback: which items are past their retention period, and anonymising them.

An anonymised item keeps everything reports count (kind, service, commitments, channel, dates, status, sentiment,
themes, acknowledgement times); what the resident wrote, messages, letters and emails about it, and their files are
removed, and the resident's contact details go once none of their feedback is still kept. Packages built on
feedback (complaints) add their own records through `register_retention_part`: feedback never imports them.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, bindparam, case, delete, exists, false, func, insert, or_, select, update
from sqlalchemy.orm import aliased

from core.contacts import ContactRecord, contacts_cleared
from core.extensions import db
from core.formatting import govuk_date, pluralise
from core.models import AuditEvent, Resident
from core.outbox import REMOVED, clear_messages_about
from core.timesource import now, today, uk_midnight
from feedback.models import Attachment, FeedbackItem, FeedbackKind, FeedbackMessage, FeedbackQuote, FeedbackStatus
from feedback.uploads import delete_stored

log = logging.getLogger("charterline.retention")

#: Compliments and comments are kept for a period from the day they were received ...
KEPT_FROM_RECEIPT = (FeedbackKind.COMPLIMENT.value, FeedbackKind.COMMENT.value)
#: ... complaints and service requests for a period from the day the case finished.
KEPT_FROM_CLOSURE = (FeedbackKind.COMPLAINT.value, FeedbackKind.SERVICE_REQUEST.value)
#: A case in any other status is still open, and is never anonymised however old it is.
FINISHED = (FeedbackStatus.RESOLVED.value, FeedbackStatus.CLOSED.value, FeedbackStatus.WITHDRAWN.value)

#: What every anonymised item keeps, so reports give the same figures after anonymisation.
KEPT_FIGURES = ("type, service, charter commitments, channel, dates, status, acknowledgement times, sentiment, "
                "themes and complaint outcomes")

#: Audit events whose summary ends with text a person wrote ("Reclassified from ...: <reason>").
_FREE_TEXT_SUMMARIES = frozenset({"feedback.reclassified", "feedback.files_added", "sentiment_overridden",
                                  "sentiment_override_removed"})
#: Before and after values that hold such text.
_FREE_TEXT_VALUES = frozenset({"reclassified_reason", "files", "quote"})

#: Items anonymised in one transaction: enough to keep the statements few, small enough to commit often.
BATCH_SIZE = 200


@dataclass(frozen=True)
class Cutoffs:
    """Compliments and comments received before `received_before`, and complaints and service requests that
    finished (with nothing done on them since) before `finished_before`, are past retention."""

    received_before: date
    finished_before: date

    @property
    def finished_moment(self) -> datetime:
        """When ``finished_before`` begins in the UK, as stored moments are compared with it."""
        return uk_midnight(self.finished_before)


def cutoffs(on: date | None = None, *, before: date | None = None) -> Cutoffs:
    """The configured retention periods counted back from `on` (today); `before` may only bring them earlier."""
    on = on or today()
    config = current_app.config
    received = on - timedelta(days=config["CHARTERLINE_FEEDBACK_RETENTION_DAYS"])
    finished = on - timedelta(days=config["CHARTERLINE_COMPLAINT_RETENTION_DAYS"])
    if before is not None:
        received, finished = min(received, before), min(finished, before)
    return Cutoffs(received, finished)


class RetentionPart:
    """What a package built on feedback keeps, and clears, when feedback items are anonymised.

    Complaints registers one. Feedback calls it inside its own transaction; a part never commits.
    """

    #: How the summary counts the part's own records: (one, many).
    noun: tuple[str, str] = ("record", "records")

    def keeps(self, item: type[FeedbackItem], limits: Cutoffs) -> ColumnElement[bool] | None:
        """SQL on `item` (FeedbackItem or an alias of it) that is true while the part still needs the item."""
        return None

    def keeps_resident(self, resident: type[Resident]) -> ColumnElement[bool] | None:
        """SQL on `resident` that is true while the part still needs the resident's contact details."""
        return None

    def count(self, item_ids: Sequence[int]) -> int:
        """How many of the part's records belong to these items."""
        return 0

    def anonymise(self, item_ids: Sequence[int], *, at: datetime) -> dict[int, list[str]]:
        """Clear the part's personal data for these items; returns, per item, what was cleared (never values)."""
        return {}

    def anonymise_residents(self, resident_ids: Sequence[int], *, at: datetime) -> None:
        """Clear what the part holds about these residents, now that their contact details are removed."""


_PARTS: list[RetentionPart] = []


def register_retention_part(part: RetentionPart) -> RetentionPart:
    if all(type(existing) is not type(part) for existing in _PARTS):
        _PARTS.append(part)
    return part


# Which items and residents are past retention

def past_retention(item: type[FeedbackItem], limits: Cutoffs) -> ColumnElement[bool]:
    """SQL on `item` (FeedbackItem or an alias): not yet anonymised and past its retention period."""
    moment = limits.finished_moment
    received_long_ago = item.received_on < limits.received_before
    # The case's clock runs from its last change: its closure, or anything done on it after that.
    finished_long_ago = and_(
        item.status.in_(FINISHED), item.received_on < limits.finished_before,
        or_(item.closed_at.is_(None), item.closed_at < moment),
        or_(item.withdrawn_at.is_(None), item.withdrawn_at < moment),
        ~exists().where(AuditEvent.target_type == FeedbackItem.__tablename__, AuditEvent.target_id == item.id,
                        AuditEvent.at >= moment),
    )
    # One CASE on the kind, not an OR of one condition per kind: given an OR on the indexed kind, SQLite reads every
    # old compliment and comment and sorts them for each batch, instead of walking the items in key order.
    by_kind = case((item.kind.in_(KEPT_FROM_RECEIPT), received_long_ago),
                   (item.kind.in_(KEPT_FROM_CLOSURE), finished_long_ago), else_=false())
    # A complaint raised about a service request needs the request while the complaint is open.
    raised = aliased(FeedbackItem)
    open_complaint_about_it = exists().where(raised.raised_from_id == item.id, raised.status.not_in(FINISHED))
    kept_by_parts = [kept for part in _PARTS if (kept := part.keeps(item, limits)) is not None]
    return and_(item.anonymised_at.is_(None), by_kind, ~open_complaint_about_it, *[~kept for kept in kept_by_parts])


def _residents_to_clear(limits: Cutoffs, *, predicted: bool):
    """Residents with feedback, none of it still kept, whose details no part needs.

    `predicted` counts items past retention as already anonymised (for a dry run); otherwise only items that are.
    """
    item = aliased(FeedbackItem)
    still_kept = item.anonymised_at.is_(None)
    if predicted:
        still_kept = and_(still_kept, ~past_retention(item, limits))
    needed = [kept for part in _PARTS if (kept := part.keeps_resident(Resident)) is not None]
    return and_(Resident.anonymised_at.is_(None),
                exists().where(FeedbackItem.resident_id == Resident.id),
                ~exists().where(item.resident_id == Resident.id, still_kept),
                *[~kept for kept in needed])


def count_past_retention(limits: Cutoffs) -> int:
    return db.session.scalar(select(func.count()).select_from(FeedbackItem).where(past_retention(FeedbackItem, limits)))


# Anonymising

@dataclass
class RetentionReport:
    limits: Cutoffs
    dry_run: bool = False
    items: int = 0
    by_kind: Counter = field(default_factory=Counter)
    #: Records of each registered part, by the part's noun.
    parts: Counter = field(default_factory=Counter)
    files: int = 0
    residents: int = 0
    #: Residents of items anonymised now whose details stay, for newer feedback or a part's own reason.
    residents_kept: int = 0

    def summary(self) -> list[str]:
        """The lines `flask feedback anonymise` prints."""
        counted = [pluralise(self.items, "feedback item", "feedback items")]
        counted += [pluralise(self.parts[part.noun], *part.noun) for part in _PARTS]
        what = " and ".join([", ".join(counted[:-1]), counted[-1]] if len(counted) > 1 else counted)
        files = pluralise(self.files, "file", "files")
        residents = pluralise(self.residents, "resident", "residents")
        if self.dry_run:
            lines = [f"Would anonymise {what}, remove {files} and clear the contact details of {residents}."]
        else:
            lines = [f"Anonymised {what}, removed {files} and cleared the contact details of {residents}."]
        if self.by_kind:
            kinds = [pluralise(self.by_kind[k], k.noun) for k in FeedbackKind if self.by_kind[k]]
            lines.append(f"By type: {', '.join(kinds)}.")
        received, finished = govuk_date(self.limits.received_before), govuk_date(self.limits.finished_before)
        lines.append(f"Compliments and comments received before {received}; complaints and service requests closed "
                     f"before {finished} with nothing done on them since. Open cases are kept however old they are.")
        if self.residents_kept:
            lines.append(f"Kept the contact details of {pluralise(self.residents_kept, 'resident', 'residents')} with "
                         "newer feedback that is still kept, or with a restriction on contact in force.")
        lines.append(f"Kept figures: {KEPT_FIGURES}.")
        if self.dry_run:
            lines.append("This was a dry run: nothing has been changed.")
        return lines


def anonymise_past_retention(limits: Cutoffs, *, dry_run: bool = False, batch_size: int = BATCH_SIZE,
                             progress: Callable[[int], None] | None = None) -> RetentionReport:
    """Anonymise every feedback item past retention, then the residents none of whose feedback is still kept.

    Each batch is one transaction: an interrupted run keeps what it finished, and the next run carries on. Items
    are claimed by the statement that marks them, so two runs at once never do the same item twice. A dry run
    counts what would change and changes nothing.
    """
    report = RetentionReport(limits, dry_run=dry_run)
    at = now()
    last = 0
    while True:
        batch = db.session.execute(
            select(FeedbackItem.id, FeedbackItem.kind)
            .where(FeedbackItem.id > last, past_retention(FeedbackItem, limits))
            .order_by(FeedbackItem.id).limit(batch_size)).all()
        if not batch:
            break
        last = batch[-1].id
        done = _count_batch(batch) if dry_run else _anonymise_batch([row.id for row in batch], limits, at)
        report.items += len(done.kinds)
        report.by_kind.update(done.kinds.values())
        report.parts.update(done.parts)
        report.files += done.files
        if progress is not None:
            progress(len(batch))
    if dry_run:
        report.residents = db.session.scalar(
            select(func.count()).select_from(Resident).where(_residents_to_clear(limits, predicted=True)))
        db.session.rollback()
    else:
        report.residents = _anonymise_residents(limits, at, batch_size)
    report.residents_kept = _residents_kept(limits, at, dry_run=dry_run)
    return report


@dataclass
class _Batch:
    kinds: dict[int, str] = field(default_factory=dict)
    parts: Counter = field(default_factory=Counter)
    files: int = 0


def _count_batch(batch: Sequence) -> _Batch:
    ids = [row.id for row in batch]
    done = _Batch(kinds={row.id: row.kind for row in batch})
    for part in _PARTS:
        done.parts[part.noun] += part.count(ids)
    done.files = db.session.scalar(select(func.count()).select_from(Attachment)
                                   .where(Attachment.feedback_id.in_(ids), Attachment.removed_at.is_(None)))
    return done


def _anonymise_batch(ids: list[int], limits: Cutoffs, at: datetime) -> _Batch:
    table = FeedbackItem.__table__
    # Claimed with the check repeated, so an item changed or taken by another run since it was chosen is left.
    claimed = db.session.execute(
        update(table).where(table.c.id.in_(ids), past_retention(FeedbackItem, limits))
        .values(anonymised_at=at, description=REMOVED, outcome_wanted=removed_if_any(table.c.outcome_wanted),
                reclassified_reason=removed_if_any(table.c.reclassified_reason), version_id=table.c.version_id + 1)
        .returning(table.c.id, table.c.kind)).all()
    done = _Batch(kinds={row.id: row.kind for row in claimed})
    ids = sorted(done.kinds)
    if not ids:
        db.session.rollback()
        return done
    cleared: dict[int, list[str]] = {item_id: ["what the resident told us"] for item_id in ids}
    for part in _PARTS:
        by_item = part.anonymise(ids, at=at)
        done.parts[part.noun] += len(by_item)
        for item_id, what in by_item.items():
            cleared[item_id].extend(what)
    for item_id, what in _clear_messages(ids).items():
        cleared[item_id].append(what)
    for item_id in _remove_quotes(ids):
        cleared[item_id].append("the quote for the annual review")
    removed = _remove_files(ids, at)
    for item_id, count in removed.items():
        cleared[item_id].append(pluralise(count, "file", "files"))
    done.files = sum(removed.values())
    for item_id, what in clear_outbox(FeedbackItem.__tablename__, ids).items():
        cleared[item_id].append(what)
    _clear_contact_records(ids, at)
    scrub_audit_events(FeedbackItem.__tablename__, ids, summaries=_FREE_TEXT_SUMMARIES, values=_FREE_TEXT_VALUES)
    record_anonymised(FeedbackItem.__tablename__, "feedback.anonymised", cleared, at=at)
    db.session.commit()
    return done


def removed_if_any(column) -> ColumnElement:
    """SQL: the placeholder where the column has text, and still nothing where it had none."""
    return case((column.is_(None), None), else_=REMOVED)


def _clear_messages(ids: list[int]) -> dict[int, str]:
    counts = dict(db.session.execute(
        select(FeedbackMessage.feedback_id, func.count()).where(FeedbackMessage.feedback_id.in_(ids))
        .group_by(FeedbackMessage.feedback_id)).all())
    if counts:
        # Staff messages go too: they answer, and often quote, what the resident said.
        db.session.execute(update(FeedbackMessage.__table__)
                           .where(FeedbackMessage.__table__.c.feedback_id.in_(ids)).values(body=REMOVED))
    return {item_id: pluralise(n, "message", "messages") for item_id, n in counts.items()}


def _remove_quotes(ids: list[int]) -> list[int]:
    """Quotes are the resident's words too, however anonymised: they go with them (the items that had one)."""
    table = FeedbackQuote.__table__
    return list(db.session.scalars(delete(table).where(table.c.feedback_id.in_(ids)).returning(table.c.feedback_id)))


def _remove_files(ids: list[int], at: datetime) -> dict[int, int]:
    """Delete the items' evidence files; each row stays, saying a file was removed and when."""
    files = db.session.execute(select(Attachment.id, Attachment.feedback_id, Attachment.stored_name)
                               .where(Attachment.feedback_id.in_(ids), Attachment.removed_at.is_(None))).all()
    if not files:
        return {}
    # Deleted before the rows are committed: if the commit fails, the next run finds them again.
    for file in files:
        try:
            delete_stored(file.stored_name)
        except FileNotFoundError:  # a name that was never a stored file's
            log.warning("Attachment %s had no stored file to remove", file.id)
    table = Attachment.__table__
    db.session.execute(update(table).where(table.c.id.in_([f.id for f in files]))
                       .values(original_name=REMOVED, removed_at=at))
    return dict(Counter(file.feedback_id for file in files))


def clear_outbox(related_type: str, ids: Sequence[int]) -> dict[int, str]:
    """Remove the address and body of emails and letters about these records; any not yet sent are not sent."""
    counts = clear_messages_about(related_type, ids)
    return {record_id: pluralise(n, "email or letter", "emails and letters") for record_id, n in counts.items()}


def _clear_contact_records(ids: list[int], at: datetime) -> None:
    """Contacts recorded for surveys about these items lose the resident's email address and phone number, and
    what was sent to them about those contacts goes too."""
    table = ContactRecord.__table__
    cleared = db.session.scalars(update(table).where(table.c.related_type == FeedbackItem.__tablename__,
                                                     table.c.related_id.in_(ids), table.c.anonymised_at.is_(None))
                                 .values(email=None, phone=None, anonymised_at=at).returning(table.c.id)).all()
    contacts_cleared(cleared)


def scrub_audit_events(target_type: str, ids: Sequence[int], *, summaries: Iterable[str] = (),
                       values: Iterable[str] = ()) -> int:
    """Remove free text from these records' audit trail: the end of each summary in `summaries` (the part after its
    first colon) and the before and after values named in `values`. Who did what, and when, stays."""
    summaries, values = frozenset(summaries), frozenset(values)
    events = db.session.execute(
        select(AuditEvent.id, AuditEvent.action, AuditEvent.summary, AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.target_type == target_type, AuditEvent.target_id.in_(ids))).all()
    changed = []
    for event in events:
        summary = _scrubbed_summary(event.summary) if event.action in summaries else event.summary
        before, after = _scrubbed_values(event.before, values), _scrubbed_values(event.after, values)
        if (summary, before, after) != (event.summary, event.before, event.after):
            changed.append({"event_id": event.id, "new_summary": summary, "new_before": before, "new_after": after})
    if changed:
        table = AuditEvent.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("event_id"))
                           .values(summary=bindparam("new_summary"), before=bindparam("new_before"),
                                   after=bindparam("new_after")), changed)
    return len(changed)


def _scrubbed_summary(summary: str | None) -> str | None:
    if not summary or ": " not in summary:
        return summary
    return f"{summary.split(': ', 1)[0]}: {REMOVED}"


def _scrubbed_values(values: dict | None, names: frozenset[str]) -> dict | None:
    if not values or not names & values.keys():
        return values
    return {key: REMOVED if key in names and value not in (None, "", []) else value for key, value in values.items()}


def record_anonymised(target_type: str, action: str, cleared: dict[int, list[str]], *, at: datetime) -> None:
    """One audit event per record, by the system, saying what was cleared (never the values)."""
    if not cleared:
        return
    db.session.execute(insert(AuditEvent.__table__), [
        {"target_type": target_type, "target_id": record_id, "action": action, "actor_id": None, "at": at,
         "before": None, "after": {"cleared": ", ".join(what)},
         "summary": "Personal details removed under the retention policy"}
        for record_id, what in sorted(cleared.items())])


_CLEARED_FROM_RESIDENTS = "name, email address, phone number, address, postcode, reasonable adjustments, language"


def _anonymise_residents(limits: Cutoffs, at: datetime, batch_size: int) -> int:
    table = Resident.__table__
    done, last = 0, 0
    while True:
        ids = db.session.scalars(
            select(Resident.id).where(Resident.id > last, _residents_to_clear(limits, predicted=False))
            .order_by(Resident.id).limit(batch_size)).all()
        if not ids:
            return done
        last = ids[-1]
        claimed = db.session.scalars(
            update(table).where(table.c.id.in_(ids), _residents_to_clear(limits, predicted=False))
            .values(name=None, email=None, phone=None, address=None, postcode=None, adjustments=[],
                    adjustments_other=None, language=None, anonymised_at=at)
            .returning(table.c.id)).all()
        for part in _PARTS:
            part.anonymise_residents(claimed, at=at)
        record_anonymised(Resident.__tablename__, "resident.anonymised",
                          {resident_id: [_CLEARED_FROM_RESIDENTS] for resident_id in claimed}, at=at)
        db.session.commit()
        done += len(claimed)


def _residents_kept(limits: Cutoffs, at: datetime, *, dry_run: bool) -> int:
    """Residents of the items anonymised (or, in a dry run, to be anonymised) whose details stay for now."""
    item = aliased(FeedbackItem)
    anonymised_now = past_retention(item, limits) if dry_run else item.anonymised_at == at
    kept = [Resident.anonymised_at.is_(None), exists().where(item.resident_id == Resident.id, anonymised_now)]
    if dry_run:
        kept.append(~_residents_to_clear(limits, predicted=True))
    return db.session.scalar(select(func.count()).select_from(Resident).where(*kept))
