"""Which stored texts carry a sentiment score: domain packages register their models here, core never imports them.

A registered record is scored when it is written (a flush that adds it or changes its text), so sentiment is stored
once at write time with the scorer's version, as reports never re-score.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

from core.sentiment.scoring import Sentiment, score
from core.sentiment.themes import themes_for


@dataclass(frozen=True, slots=True)
class SentimentFields:
    """Attribute names a registered model stores its score in; the defaults are SentimentMixin's columns."""

    polarity: str = "sentiment_polarity"
    subjectivity: str = "sentiment_subjectivity"
    label: str = "sentiment_label"
    version: str = "sentiment_version"
    override_label: str = "sentiment_override_label"
    override_by_id: str = "sentiment_override_by_id"
    override_at: str = "sentiment_override_at"


@dataclass(frozen=True, slots=True)
class ScoredText:
    """A model whose `text` attribute is scored into `fields`, and whose `themes` attribute (if any) receives the
    theme names from core.sentiment.themes. Once its `anonymised` attribute (if any) is set, the text is a
    placeholder left by the retention policy: the stored score stands, and the text is never scored again or
    offered as a correction."""

    model: type
    text: str
    fields: SentimentFields
    themes: str | None
    anonymised: str | None = None

    @property
    def name(self) -> str:
        return getattr(self.model, "__tablename__", self.model.__name__)


_REGISTRY: dict[type, ScoredText] = {}


def register_scored_text(model: type, *, text: str, fields: SentimentFields | None = None,
                         themes: str | None = None, anonymised: str | None = None) -> ScoredText:
    """Register a mapped model: called by the domain package that owns it (e.g. feedback for FeedbackItem)."""
    fields = fields or SentimentFields()
    columns = inspect(model).columns
    missing = [name for name in (text, themes, anonymised, *_field_names(fields))
               if name is not None and name not in columns]
    if missing:
        raise TypeError(f"{model.__name__} has no column for {', '.join(missing)}")
    entry = _REGISTRY[model] = ScoredText(model=model, text=text, fields=fields, themes=themes, anonymised=anonymised)
    return entry


def unregister_scored_text(model: type) -> None:
    _REGISTRY.pop(model, None)


def registered() -> list[ScoredText]:
    """Every registration, in the order the models were registered."""
    return list(_REGISTRY.values())


def registration_for(item: object) -> ScoredText:
    """The registration of a record's model; TypeError if the model is not registered."""
    entry = _REGISTRY.get(type(item))
    if entry is None:
        raise TypeError(f"{type(item).__name__} is not registered for sentiment scoring")
    return entry


def _field_names(fields: SentimentFields) -> tuple[str, ...]:
    return (fields.polarity, fields.subjectivity, fields.label, fields.version, fields.override_label,
            fields.override_by_id, fields.override_at)


def apply_score(item: object) -> Sentiment | None:
    """Score the record's text now and store the result (and its themes); None when it has no text."""
    entry = registration_for(item)
    text = getattr(item, entry.text)
    if text is None:
        return None
    result = score(text)
    fields = entry.fields
    setattr(item, fields.polarity, result.polarity)
    setattr(item, fields.subjectivity, result.subjectivity)
    setattr(item, fields.label, result.label)
    setattr(item, fields.version, result.version)
    if entry.themes:
        setattr(item, entry.themes, themes_for(text))
    return result


@event.listens_for(Session, "before_flush")
def _score_written_texts(session: Session, _context, _instances) -> None:
    """Score registered records that are new or whose text changed, unless the caller already scored them."""
    for item in [*session.new, *session.dirty]:
        entry = _REGISTRY.get(type(item))
        if entry is None:
            continue
        if entry.anonymised and getattr(item, entry.anonymised) is not None:
            continue
        if getattr(item, entry.fields.version) is None:  # never scored
            apply_score(item)
            continue
        # get_history reads one attribute's changes (state.attrs would build a view of every attribute)
        text_changed = get_history(item, entry.text).has_changes()
        scored_in_this_flush = get_history(item, entry.fields.label).has_changes()
        if text_changed and not scored_in_this_flush:
            apply_score(item)
