"""A commitment's standards as a charter file writes them: the shorthand keys on the commitment, or one
``[[commitments.standards]]`` table per standard; each checked, with the line of every problem."""

from __future__ import annotations

from collections.abc import Callable

from core.charters.lines import LineIndex
from core.standards import METRICS, NAMED_RULES, SUBJECTS, UNITS, Standard

#: The largest whole number a column holds on every supported database (PostgreSQL's INTEGER).
MAX_WHOLE = 2**31 - 1

#: The keys of one standard, on a commitment (shorthand) or in a [[commitments.standards]] table.
STANDARD_KEYS = ("metric", "target", "unit", "share", "rule", "subject")

Problems = list[tuple[int | None, str]]
At = Callable[[str | None], int | None]


def parse_standards(row: dict, i: int, where: LineIndex, problems: Problems,
                    seconds_per_ring: int | None = None) -> list[Standard]:
    """The standards of the i-th commitment: none, one from the shorthand keys, or one per sub-table.

    A standard in rings needs the charter's ``seconds_per_ring``, so that it can be measured in seconds."""

    def on_commitment(key: str | None = None) -> int | None:
        return where.line("commitments", i, key)

    shorthand = [key for key in STANDARD_KEYS if key in row]
    tables = row.get("standards")
    if tables is None:
        return _shorthand(row, on_commitment, problems, seconds_per_ring)
    if shorthand:
        problems.append((on_commitment(shorthand[0]),
                         "write a commitment's standard either as keys on the commitment or as "
                         "[[commitments.standards]] tables, not both"))
    if not isinstance(tables, list) or not tables:
        problems.append((on_commitment("standards") or on_commitment(),
                         "standards must be written as [[commitments.standards]] tables"))
        return []
    standards = []
    for j, table in enumerate(tables):
        def at(key: str | None = None, j: int = j) -> int | None:
            return (where.line("commitments.standards", (i, j), key) if key else None) \
                or where.line("commitments.standards", (i, j)) or on_commitment("standards") or on_commitment()

        if not isinstance(table, dict):
            problems.append((at(), "each standard must be a [[commitments.standards]] table"))
            continue
        for key in sorted(set(table) - set(STANDARD_KEYS)):
            problems.append((at(key), f"unknown key '{key}' in [[commitments.standards]]"))
        missing = [key for key in ("metric", "target", "unit") if table.get(key) is None]
        if missing:
            problems.append((at(), f"a standard needs metric, target and unit (missing {', '.join(missing)})"))
        standard = _standard(table, at, problems, seconds_per_ring)
        if standard is not None:
            standards.append(standard)
    return standards


def _shorthand(row: dict, at: At, problems: Problems, seconds_per_ring: int | None) -> list[Standard]:
    """The keys on the commitment itself: all of metric, target and unit, or none of them."""
    given = [key for key in ("metric", "target", "unit") if row.get(key) is not None]
    if given and len(given) < 3:
        missing = ", ".join(key for key in ("metric", "target", "unit") if row.get(key) is None)
        problems.append((at(given[0]), f"a measurable standard needs metric, target and unit (missing {missing})"))
    for key in ("share", "rule", "subject"):
        if row.get(key) is not None and not given:
            problems.append((at(key), f"'{key}' only makes sense with a measurable standard"))
    standard = _standard(row, at, problems, seconds_per_ring)
    return [standard] if standard is not None and given else []


#: The Complaint Handling Codes' timescales in working days, which a standard with a ``subject`` repeats: the
#: complaint's stage clocks measure them, extensions included. Stage 1: acknowledge within 5 (s.6.2) and reply within
#: 10 of the acknowledgement (s.6.3); stage 2: acknowledge within 5 of the escalation (s.6.11), reply within 20 of
#: that acknowledgement.
CODE_TIMESCALES = {
    "complaint-stage-1": {("acknowledge", "working_days"): 5, ("reply", "working_days"): 10},
    "complaint-stage-2": {("acknowledge", "working_days"): 5, ("reply", "working_days"): 20},
}


def _standard(table: dict, at: At, problems: Problems, seconds_per_ring: int | None) -> Standard | None:
    """One standard's values, each checked; the Standard when they are all good."""
    before = len(problems)
    metric, target, unit, share, subject = (table.get(k) for k in ("metric", "target", "unit", "share", "subject"))
    if metric is not None and (not isinstance(metric, str) or metric not in METRICS):
        problems.append((at("metric"), f"'metric' must be one of: {', '.join(METRICS)}"))
    if unit is not None and (not isinstance(unit, str) or unit not in UNITS):
        problems.append((at("unit"), f"'unit' must be one of: {', '.join(UNITS)}"))
    elif unit == "rings" and not seconds_per_ring:
        problems.append((at("unit"), "a standard in rings needs seconds_per_ring in [charter], "
                                     "such as seconds_per_ring = 5"))
    _check_target(target, unit, at, problems)
    if share is not None and (isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1):
        problems.append((at("share"), "'share' must be a fraction above 0 and at most 1, like 0.9 for 90%"))
    if subject is not None and (not isinstance(subject, str) or subject not in SUBJECTS):
        problems.append((at("subject"), f"'subject' must be one of: {', '.join(SUBJECTS)}"))
    elif subject is not None and (metric, unit) in CODE_TIMESCALES[subject]:
        expected = CODE_TIMESCALES[subject][(metric, unit)]
        if target != expected:
            problems.append((at("target"), f"a standard about {SUBJECTS[subject].lower()} repeats the Complaint "
                                           f"Handling Code's timescale, which the case's own clock measures: "
                                           f"target = {expected}"))
    elif subject is not None and metric is not None and unit is not None:
        problems.append((at("subject"), "a standard about complaints at a stage is 'acknowledge' or 'reply' in "
                                        "working_days, as the Complaint Handling Code sets them"))
    rule = _rule_for(table.get("rule"), target, unit, at, problems)
    if len(problems) > before or metric is None or target is None or unit is None:
        return None
    return Standard(metric=metric, target=float(target), unit=unit,
                    share=float(share) if share is not None else None, rule=rule, subject=subject)


def _check_target(target: object, unit: object, at: At, problems: Problems) -> None:
    if target is None:
        return
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not 0 <= target <= MAX_WHOLE:
        problems.append((at("target"), f"'target' must be a number from 0 to {MAX_WHOLE:,}"))
    elif target == 0 and unit != "working_days":
        # Only "the same working day" (0 working days) is a real promise; 0 seconds or 0 days is not a target.
        problems.append((at("target"), "'target' can be 0 only with unit = \"working_days\", meaning the same "
                                       "working day"))


def _rule_for(rule: object, target: object, unit: object, at: At, problems: Problems) -> str | None:
    """The deadline rule for a day-based standard: given explicitly, or derived from the unit."""
    if rule is not None:
        if not isinstance(rule, str) or rule not in NAMED_RULES:
            problems.append((at("rule"), f"'rule' must be one of: {', '.join(sorted(NAMED_RULES))}"))
            return None
        return rule
    if isinstance(target, (int, float)) and not isinstance(target, bool) and 0 <= target <= MAX_WHOLE \
            and float(target).is_integer():
        if unit == "working_days":
            return f"working-days:{int(target)}"
        if unit == "calendar_days" and target > 0:
            return f"calendar-days:{int(target)}"
    return None
