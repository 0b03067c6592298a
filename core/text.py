"""Text the database can store: PostgreSQL refuses the NUL character, and no database stores half of a UTF-16
surrogate pair (which JSON's \\ud800 escapes can produce)."""

from __future__ import annotations

import re

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError
from werkzeug.utils import cached_property

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

#: The largest number every database's INTEGER column holds (PostgreSQL's and SQLite's bound parameters alike).
LARGEST_ID = 2**31 - 1


def unstorable(text: str) -> str | None:
    """Why the text cannot be stored as it is, worded for an API's error list; None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "Must not contain the NUL character (U+0000)"
    return f"Must be valid Unicode text: it contains half of a surrogate pair (U+{ord(found.group()):04X})"


def storable(text: str) -> str:
    """The text without NUL characters, and with any half surrogate pair replaced by U+FFFD (the replacement
    character), for answers typed into forms, where a resident could not see or fix either."""
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


class StorableTextRequest(Request):
    """Flask's request, with form answers and query parameters made storable (see `storable`): a crafted post of a
    NUL character is recorded without it, rather than failing on PostgreSQL after every check has passed."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and _needs_cleaning(form):
            self.__dict__["form"] = _storable_dict(form, self.parameter_storage_class)

    @cached_property
    def args(self) -> MultiDict:
        args = super().args
        if _needs_cleaning(args):
            return _storable_dict(args, self.parameter_storage_class)
        return args


def _needs_cleaning(values: MultiDict) -> bool:
    return any(_UNSTORABLE.search(key + value) for key, value in values.items(multi=True))


def _storable_dict(values: MultiDict, kind: type) -> MultiDict:
    return kind([(storable(key), storable(value)) for key, value in values.items(multi=True)])


class StorableStringConverter(UnicodeConverter):
    """URL parts (references, tokens) a database can look up: one with a NUL character matches no page (404)."""

    def to_python(self, value: str) -> str:
        if _UNSTORABLE.search(value):
            raise ValidationError
        return value


class StorablePathConverter(PathConverter):
    def to_python(self, value: str) -> str:
        if _UNSTORABLE.search(value):
            raise ValidationError
        return value


class StorableIntegerConverter(IntegerConverter):
    """Record numbers a database can look up: a number larger than any id (``LARGEST_ID``) matches no page (404),
    rather than overflowing the database driver."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = LARGEST_ID,
                 signed: bool = False) -> None:
        bounded = LARGEST_ID if max is None or max > LARGEST_ID else max
        super().__init__(map, fixed_digits, min, bounded, signed)


def storable_int(value: str | None) -> int | None:
    """A query parameter as a whole number from 0 to ``LARGEST_ID``; None when it is anything else (ASCII digits
    only: int() refuses superscripts, which isdigit() accepts)."""
    if not value or len(value) > 10 or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= LARGEST_ID else None


def use_storable_text(app) -> None:
    """Make every request's form answers, query parameters and URL parts storable; call before adding routes."""
    app.request_class = StorableTextRequest
    app.url_map.converters.update(default=StorableStringConverter, string=StorableStringConverter,
                                  path=StorablePathConverter, int=StorableIntegerConverter)
