"""Stored sentiment over time: rescoring after the scorer changes, officers' corrections and their export."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from sqlalchemy import and_, bindparam, func, inspect, or_, select, true
from sqlalchemy.sql import ColumnElement

from core.audit import record_audit
from core.errors import RuleError
from core.events import records_rescored
from core.exports import safe_cell
from core.extensions import db
from core.models import StaffUser
from core.sentiment.registry import ScoredText, registered, registration_for
from core.sentiment.scoring import LABELS, VERSION, score
from core.sentiment.themes import themes_for
from core.timesource import now


class SentimentOverrideError(RuleError, ValueError):
    """An override that cannot be recorded; the message is written for the officer."""


def _column(entry: ScoredText, attribute: str) -> ColumnElement:
    return getattr(entry.model, attribute)


def effective_label(entry: ScoredText) -> ColumnElement:
    """SQL for the label reports use: the officer's correction when there is one, otherwise the scored label."""
    fields = entry.fields
    return func.coalesce(_column(entry, fields.override_label), _column(entry, fields.label))


# --- Rescoring ----------------------------------------------------------------------------------------------


def _still_written(entry: ScoredText) -> ColumnElement[bool]:
    """Records whose text is the writer's own, not a placeholder left by anonymisation."""
    return _column(entry, entry.anonymised).is_(None) if entry.anonymised else true()


def _stale(entry: ScoredText, version: str) -> ColumnElement[bool]:
    """Records with text whose stored score is missing or from another scorer version."""
    stored = _column(entry, entry.fields.version)
    return and_(_column(entry, entry.text).is_not(None), _still_written(entry),
                or_(stored.is_(None), stored != version))


def count_stale(version: str = VERSION) -> dict[str, int]:
    """How many records of each registered model need rescoring."""
    return {entry.name: db.session.scalar(select(func.count()).select_from(entry.model).where(_stale(entry, version)))
            for entry in registered()}


@dataclass
class RescoreSummary:
    version: str
    rescored: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rescored.values())


def rescore(*, batch_size: int = 500, progress: Callable[[int], None] | None = None) -> RescoreSummary:
    """Rescore every registered record scored by another version, one committed batch at a time.

    Each batch commits, and only records still out of date are selected, so an interrupted run resumes where it
    stopped and a second run finds nothing to do. Updates go straight to the table, so rescoring does not bump a
    record's optimistic-lock counter or count as an officer's edit.
    """
    summary = RescoreSummary(version=VERSION)
    for entry in registered():
        summary.rescored[entry.name] = _rescore_model(entry, batch_size, progress)
    return summary


def _rescore_model(entry: ScoredText, batch_size: int, progress: Callable[[int], None] | None) -> int:
    mapper = inspect(entry.model)
    key = mapper.primary_key[0]
    text = _column(entry, entry.text)
    targets = {attribute: mapper.columns[attribute] for attribute in _written_attributes(entry)}
    statement = (mapper.local_table.update().where(key == bindparam("row_key"))
                 .values({column: bindparam(f"new_{attribute}") for attribute, column in targets.items()}))
    done, last = 0, None
    while True:
        query = select(key, text).where(_stale(entry, VERSION)).order_by(key).limit(batch_size)
        if last is not None:
            query = query.where(key > last)
        rows = db.session.execute(query).all()
        if not rows:
            return done
        db.session.execute(statement, [_new_values(entry, row_key, row_text) for row_key, row_text in rows])
        records_rescored.send(None, model=entry.model, keys=[row_key for row_key, _ in rows])
        db.session.commit()
        done, last = done + len(rows), rows[-1][0]
        if progress is not None:
            progress(len(rows))


def _written_attributes(entry: ScoredText) -> list[str]:
    fields = entry.fields
    written = [fields.polarity, fields.subjectivity, fields.label, fields.version]
    return [*written, entry.themes] if entry.themes else written


def _new_values(entry: ScoredText, row_key: object, text: str) -> dict[str, object]:
    result = score(text)
    fields = entry.fields
    values = {"row_key": row_key, f"new_{fields.polarity}": result.polarity,
              f"new_{fields.subjectivity}": result.subjectivity, f"new_{fields.label}": result.label,
              f"new_{fields.version}": result.version}
    if entry.themes:
        values[f"new_{entry.themes}"] = themes_for(text)
    return values


# --- Officers' corrections ----------------------------------------------------------------------------------


def override_sentiment(item: object, label: str | None, *, by: StaffUser, reason: str) -> None:
    """Record an officer's correction of a record's sentiment label (None removes it), audited and committed.

    Reports then use the corrected label (`effective_label`), and `export_corrections` offers it as training data.
    """
    entry = registration_for(item)
    if label is not None and label not in LABELS:
        raise SentimentOverrideError("Select positive, neutral or negative")
    reason = (reason or "").strip()
    if not reason:
        raise SentimentOverrideError("Enter why you are changing the sentiment")
    fields = entry.fields
    before = getattr(item, fields.override_label) or getattr(item, fields.label)
    setattr(item, fields.override_label, label)
    setattr(item, fields.override_by_id, by.id if label is not None else None)
    setattr(item, fields.override_at, now() if label is not None else None)
    after = label or getattr(item, fields.label)
    action = "sentiment_overridden" if label is not None else "sentiment_override_removed"
    record_audit(item, action, by=by, before={"sentiment": before}, after={"sentiment": after},
                 summary=f"Sentiment changed from {before or 'not scored'} to {after or 'not scored'}: {reason}")
    db.session.commit()


def export_corrections() -> Iterator[tuple[str, str]]:
    """(label, text) for every record an officer has relabelled, across all registered models, oldest first."""
    for entry in registered():
        override = _column(entry, entry.fields.override_label)
        key = inspect(entry.model).primary_key[0]
        query = (select(override, _column(entry, entry.text)).where(override.is_not(None), _still_written(entry))
                 .order_by(key))
        for label, text in db.session.execute(query):
            if text:
                yield label, text


def write_corrections_csv(rows: Iterable[tuple[str, str]], stream: IO[str]) -> int:
    """Write corrections as CSV with a `label,text` header (the format `core.sentiment.train --extra` reads)."""
    writer = csv.writer(stream, lineterminator="\n")
    # With "\n" line endings the writer would leave a text with a return in it unquoted, and the reader would split it.
    quoted = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(("label", "text"))
    count = 0
    for label, text in rows:
        # Officers open this file in a spreadsheet too; sentiment_train.py reads the quote back off.
        (quoted if "\r" in text else writer).writerow((label, safe_cell(text)))
        count += 1
    return count
