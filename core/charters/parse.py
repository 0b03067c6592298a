"""The charter file format: parse a file's text and check it, listing every problem with its line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date

from core.charters.lines import LineIndex
from core.charters.standards import MAX_WHOLE, STANDARD_KEYS, parse_standards
from core.models import Channel, Regime
from core.standards import Standard

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
#: A ring is a few seconds; anything above a minute is a mistake.
_MAX_SECONDS_PER_RING = 60


class CharterFileError(Exception):
    """A charter file has problems; `problems` lists each as (line, message).

    Not a RuleError: it is about a file loaded from the command line (`flask charters load`) and by the demo, and is
    reported there line by line; no page shows it."""

    def __init__(self, path: str, problems: list[tuple[int | None, str]]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s)")

    def lines(self) -> list[str]:
        return [f"{self.path}:{line}: {msg}" if line else f"{self.path}: {msg}" for line, msg in self.problems]


@dataclass
class CommitmentSpec:
    code: str
    number: int
    wording: str
    channel: str
    standards: list[Standard] = field(default_factory=list)


@dataclass
class ExpectationSpec:
    number: int
    wording: str


@dataclass
class CharterSpec:
    council_slug: str
    council_name: str
    title: str
    version: int
    effective_from: date | None
    source: str | None
    introduction: str | None
    seconds_per_ring: int | None = None
    service_areas: list[dict] = field(default_factory=list)
    commitments: list[CommitmentSpec] = field(default_factory=list)
    expectations: list[ExpectationSpec] = field(default_factory=list)


def parse_charter(text: str, path: str = "<charter>") -> CharterSpec:
    """Validate a charter file's text; raise CharterFileError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise CharterFileError(path, [(int(match.group(1)) if match else None, f"not valid TOML: {exc}")]) from exc
    where = LineIndex(text)
    problems: list[tuple[int | None, str]] = []
    unknown = set(data) - {"charter", "service_areas", "commitments", "expectations"}
    for name in sorted(unknown):
        problems.append((where.line(name), f"unknown section [{name}]"))
    head = data.get("charter")
    if not isinstance(head, dict):
        problems.append((None, "missing the [charter] section"))
        head = {}
    spec = _parse_head(head, where, problems)
    spec.service_areas = _parse_service_areas(data.get("service_areas", []), where, problems)
    spec.commitments = _parse_commitments(data.get("commitments", []), spec.seconds_per_ring, where, problems)
    spec.expectations = _parse_expectations(data.get("expectations", []), where, problems)
    if problems:
        raise CharterFileError(path, problems)
    return spec


def _text(table: dict, key: str, section: str, index: int, where: LineIndex, problems: list,
          required: bool = True, limit: int = 2000) -> str | None:
    value = table.get(key)
    line = where.line(section, index, key)
    if value is None:
        if required:
            problems.append((where.line(section, index), f"[{section}] needs '{key}'"))
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append((line, f"'{key}' must be text"))
        return None
    if len(value) > limit:
        problems.append((line, f"'{key}' must be {limit} characters or fewer"))
    return value.strip()


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _parse_head(head: dict, where: LineIndex, problems: list) -> CharterSpec:
    allowed = {"council", "council_name", "title", "version", "effective_from", "source", "introduction",
               "seconds_per_ring"}
    for key in sorted(set(head) - allowed):
        problems.append((where.line("charter", 0, key), f"unknown key '{key}' in [charter]"))
    slug = _text(head, "council", "charter", 0, where, problems, limit=60)
    if slug and not _SLUG.match(slug):
        problems.append((where.line("charter", 0, "council"),
                         "'council' must be lower-case letters, digits and hyphens, like 'north-norfolk'"))
    version = head.get("version", 1)
    if not _whole(version, 1, MAX_WHOLE):
        problems.append((where.line("charter", 0, "version"),
                         f"'version' must be a whole number from 1 to {MAX_WHOLE:,}"))
        version = 1
    effective = head.get("effective_from")
    if effective is not None and not isinstance(effective, date):
        problems.append((where.line("charter", 0, "effective_from"), "'effective_from' must be a date like 2024-04-01"))
        effective = None
    seconds_per_ring = head.get("seconds_per_ring")
    if seconds_per_ring is not None and not _whole(seconds_per_ring, 1, _MAX_SECONDS_PER_RING):
        problems.append((where.line("charter", 0, "seconds_per_ring"),
                         f"'seconds_per_ring' must be a whole number of seconds from 1 to {_MAX_SECONDS_PER_RING}"))
        seconds_per_ring = None
    return CharterSpec(
        council_slug=slug or "",
        council_name=_text(head, "council_name", "charter", 0, where, problems, limit=160) or "",
        title=_text(head, "title", "charter", 0, where, problems, limit=200) or "",
        version=version,
        effective_from=effective,
        source=_text(head, "source", "charter", 0, where, problems, required=False, limit=500),
        introduction=_text(head, "introduction", "charter", 0, where, problems, required=False, limit=4000),
        seconds_per_ring=seconds_per_ring,
    )


def _parse_service_areas(rows: object, where: LineIndex, problems: list) -> list[dict]:
    if not isinstance(rows, list):
        problems.append((where.line("service_areas"), "service_areas must be written as [[service_areas]] tables"))
        return []
    areas, seen = [], set()
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            problems.append((where.line("service_areas", i), "each service area must be a [[service_areas]] table"))
            continue
        code = _text(row, "code", "service_areas", i, where, problems, limit=40)
        name = _text(row, "name", "service_areas", i, where, problems, limit=120)
        regime = row.get("regime", "lgsco")
        if not isinstance(regime, str) or regime not in {r.value for r in Regime}:
            problems.append((where.line("service_areas", i, "regime"), "'regime' must be 'lgsco' or 'ho'"))
        if code and not _SLUG.match(code):
            problems.append((where.line("service_areas", i, "code"),
                             "'code' must be lower-case words joined by hyphens"))
        if code in seen:
            problems.append((where.line("service_areas", i, "code"), f"service area '{code}' appears twice"))
        seen.add(code)
        for key in sorted(set(row) - {"code", "name", "regime"}):
            problems.append((where.line("service_areas", i, key), f"unknown key '{key}' in [[service_areas]]"))
        if code and name:
            areas.append({"code": code, "name": name, "regime": regime})
    return areas


def _parse_commitments(rows: object, seconds_per_ring: int | None, where: LineIndex,
                       problems: list) -> list[CommitmentSpec]:
    if not isinstance(rows, list) or not rows:
        problems.append((where.line("commitments"), "a charter needs at least one [[commitments]] table"))
        return []
    specs, codes, numbers = [], set(), set()
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            problems.append((where.line("commitments", i), "each commitment must be a [[commitments]] table"))
            continue
        spec = _parse_commitment(row, i, seconds_per_ring, where, problems)
        if spec is None:
            continue
        if spec.code in codes:
            problems.append((where.line("commitments", i, "code"), f"commitment code '{spec.code}' appears twice"))
        if spec.number in numbers:
            problems.append((where.line("commitments", i, "number"), f"commitment number {spec.number} appears twice"))
        codes.add(spec.code)
        numbers.add(spec.number)
        specs.append(spec)
    return specs


def _parse_commitment(row: dict, i: int, seconds_per_ring: int | None, where: LineIndex,
                      problems: list) -> CommitmentSpec | None:
    def at(key: str | None = None) -> int | None:
        return where.line("commitments", i, key)

    allowed = {"code", "number", "wording", "channel", "standards", *STANDARD_KEYS}
    for key in sorted(set(row) - allowed):
        problems.append((at(key), f"unknown key '{key}' in [[commitments]]"))
    code = _text(row, "code", "commitments", i, where, problems, limit=40)
    if code and not _CODE.match(code):
        problems.append((at("code"), "'code' must be letters, digits, dots, hyphens or underscores"))
    wording = _text(row, "wording", "commitments", i, where, problems, limit=1000)
    number = row.get("number", i + 1)
    if not _whole(number, 1, MAX_WHOLE):
        problems.append((at("number"), f"'number' must be a whole number from 1 to {MAX_WHOLE:,}"))
    channel = row.get("channel", "any")
    if not isinstance(channel, str) or channel not in {c.value for c in Channel}:
        choices = ", ".join(c.value for c in Channel)
        problems.append((at("channel"), f"'channel' must be one of: {choices}"))
    standards = parse_standards(row, i, where, problems, seconds_per_ring)
    if not (code and wording):
        return None
    return CommitmentSpec(code=code, number=number if isinstance(number, int) else i + 1, wording=wording,
                          channel=channel, standards=standards)


def _parse_expectations(rows: object, where: LineIndex, problems: list) -> list[ExpectationSpec]:
    """What the charter asks of residents: [[expectations]] tables, each with its wording and an optional number."""
    if not isinstance(rows, list):
        problems.append((where.line("expectations"), "expectations must be written as [[expectations]] tables"))
        return []
    specs, numbers = [], set()
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            problems.append((where.line("expectations", i), "each expectation must be an [[expectations]] table"))
            continue
        for key in sorted(set(row) - {"number", "wording"}):
            problems.append((where.line("expectations", i, key), f"unknown key '{key}' in [[expectations]]"))
        wording = _text(row, "wording", "expectations", i, where, problems, limit=1000)
        number = row.get("number", i + 1)
        if not _whole(number, 1, MAX_WHOLE):
            problems.append((where.line("expectations", i, "number"),
                             f"'number' must be a whole number from 1 to {MAX_WHOLE:,}"))
            continue
        if number in numbers:
            problems.append((where.line("expectations", i, "number"), f"expectation number {number} appears twice"))
        numbers.add(number)
        if wording:
            specs.append(ExpectationSpec(number=number, wording=wording))
    return specs
