"""The one kind of refusal: a RuleError carries a message for the person who asked and, when it is about one
answer, the form field it belongs to; ``show_on_form`` puts refusals on the page, the GOV.UK way, and
``attempt_or_flash`` shows one refused by a button that has no field to put it on."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from flask import flash

T = TypeVar("T")


class RuleError(Exception):
    """A change the rules refuse. ``message`` is written for the person who asked and is safe to show;
    ``field`` names the answer it is about, or is None when it is about the change as a whole.

    Every service raises this (or a package's own subclass of it, named so its callers can tell it apart), and
    every view shows it with ``show_on_form`` or ``attempt`` (forms with fields) or ``attempt_or_flash`` (buttons).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Refusal(Protocol):
    """Anything with a message and the field it is about: a RuleError, or a problem found by a check."""

    message: str
    field: str | None


def show_on_form(form, refusals: Iterable[Refusal] | Refusal, field: str | None = None) -> bool:
    """Show each refusal against its own field when the form has one by that name, otherwise against ``field``.

    Returns True when there was nothing to show. The form's error summary then links to each field.
    """
    items = [refusals] if isinstance(refusals, RuleError) or hasattr(refusals, "message") else list(refusals)
    for refusal in items:
        target = getattr(form, refusal.field, None) if refusal.field else None
        if target is None and field is not None:
            target = getattr(form, field)
        if target is None:
            raise ValueError(f"No field on the form can show: {refusal.message}")
        if refusal.message not in target.errors:
            target.errors = [*target.errors, refusal.message]
    return not items


def attempt(form, field: str, action: Callable[[], T]) -> T | bool | None:
    """Run a service call. A refusal goes on the form (against ``field`` unless it names its own) and None is
    returned; otherwise the call's result (True when it returns nothing)."""
    try:
        return action() or True
    except RuleError as error:
        show_on_form(form, error, field)
        return None


def attempt_or_flash(action: Callable[[], T]) -> T | bool | None:
    """Run a service call for a button with no answers to put a refusal against (confirm, restart, turn on or off).

    A refusal is flashed with the category "error", which the next page shows as its error summary, and None is
    returned so the view can redirect; otherwise the call's result (True when it returns nothing)."""
    try:
        return action() or True
    except RuleError as error:
        flash(error.message, "error")
        return None
