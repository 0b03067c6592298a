"""The request class: form fields and query strings arrive without NUL characters, which PostgreSQL cannot store."""

from __future__ import annotations

from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property


def without_nul(values: MultiDict) -> MultiDict:
    """The same fields with every NUL removed from names and values (nobody types one; a robot or a pasted binary
    might), so no form or filter passes one on to the database."""
    pairs = list(values.items(multi=True))
    if not any("\x00" in name or (isinstance(value, str) and "\x00" in value) for name, value in pairs):
        return values
    return ImmutableMultiDict([(name.replace("\x00", ""), value.replace("\x00", "") if isinstance(value, str)
                                else value) for name, value in pairs])


class Request(FlaskRequest):
    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = without_nul(self.__dict__["form"])

    @cached_property
    def args(self) -> MultiDict:
        return without_nul(super().args)
