"""Charter files: parse and validate them (every problem with its line), load them, and make draft versions."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.audit import record_audit
from core.errors import RuleError
from core.extensions import db
from core.models import Channel, Charter, CharterStatus, Commitment, Regime, ServiceArea, StaffUser
from core.reference_data import detached_copies, kept
from core.standards import METRICS, NAMED_RULES, UNITS, Standard
from core.timesource import now

#: The largest whole number a column holds on every supported database (PostgreSQL's INTEGER).
_MAX_WHOLE = 2**31 - 1
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_KEY_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z_.]+)\s*\]\]?")


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
class CharterSpec:
    council_slug: str
    council_name: str
    title: str
    version: int
    effective_from: date | None
    source: str | None
    introduction: str | None
    service_areas: list[dict] = field(default_factory=list)
    commitments: list[CommitmentSpec] = field(default_factory=list)


class _LineIndex:
    """Where each table and key sits in the file, so a problem can name its line."""

    def __init__(self, text: str):
        self.places: dict[tuple, int] = {}
        counters: dict[str, int] = {}
        section: tuple = ("", 0)
        in_multiline = False
        for number, line in enumerate(text.splitlines(), start=1):
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                was_in = in_multiline
                in_multiline = not in_multiline
                if was_in:
                    continue
            elif in_multiline:
                continue
            header = _HEADER.match(line)
            if header and not _KEY_LINE.match(line):
                name = header.group(2)
                if header.group(1) == "[[":
                    counters[name] = counters.get(name, -1) + 1
                    section = (name, counters[name])
                else:
                    section = (name, 0)
                self.places.setdefault(section, number)
                continue
            key = _KEY_LINE.match(line)
            if key:
                self.places.setdefault((*section, key.group(1)), number)

    def line(self, section: str, index: int = 0, key: str | None = None) -> int | None:
        if key is not None and (section, index, key) in self.places:
            return self.places[(section, index, key)]
        return self.places.get((section, index))


def parse_charter(text: str, path: str = "<charter>") -> CharterSpec:
    """Validate a charter file's text; raise CharterFileError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise CharterFileError(path, [(int(match.group(1)) if match else None, f"not valid TOML: {exc}")]) from exc
    where = _LineIndex(text)
    problems: list[tuple[int | None, str]] = []
    unknown = set(data) - {"charter", "service_areas", "commitments"}
    for name in sorted(unknown):
        problems.append((where.line(name), f"unknown section [{name}]"))
    head = data.get("charter")
    if not isinstance(head, dict):
        problems.append((None, "missing the [charter] section"))
        head = {}
    spec = _parse_head(head, where, problems)
    spec.service_areas = _parse_service_areas(data.get("service_areas", []), where, problems)
    spec.commitments = _parse_commitments(data.get("commitments", []), where, problems)
    if problems:
        raise CharterFileError(path, problems)
    return spec


def _text(table: dict, key: str, section: str, index: int, where: _LineIndex, problems: list,
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


def _parse_head(head: dict, where: _LineIndex, problems: list) -> CharterSpec:
    allowed = {"council", "council_name", "title", "version", "effective_from", "source", "introduction"}
    for key in sorted(set(head) - allowed):
        problems.append((where.line("charter", 0, key), f"unknown key '{key}' in [charter]"))
    slug = _text(head, "council", "charter", 0, where, problems, limit=60)
    if slug and not _SLUG.match(slug):
        problems.append((where.line("charter", 0, "council"),
                         "'council' must be lower-case letters, digits and hyphens, like 'north-norfolk'"))
    version = head.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= _MAX_WHOLE:
        problems.append((where.line("charter", 0, "version"),
                         f"'version' must be a whole number from 1 to {_MAX_WHOLE:,}"))
        version = 1
    effective = head.get("effective_from")
    if effective is not None and not isinstance(effective, date):
        problems.append((where.line("charter", 0, "effective_from"), "'effective_from' must be a date like 2024-04-01"))
        effective = None
    return CharterSpec(
        council_slug=slug or "",
        council_name=_text(head, "council_name", "charter", 0, where, problems, limit=160) or "",
        title=_text(head, "title", "charter", 0, where, problems, limit=200) or "",
        version=version,
        effective_from=effective,
        source=_text(head, "source", "charter", 0, where, problems, required=False, limit=500),
        introduction=_text(head, "introduction", "charter", 0, where, problems, required=False, limit=4000),
    )


def _parse_service_areas(rows: object, where: _LineIndex, problems: list) -> list[dict]:
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


def _parse_commitments(rows: object, where: _LineIndex, problems: list) -> list[CommitmentSpec]:
    if not isinstance(rows, list) or not rows:
        problems.append((where.line("commitments"), "a charter needs at least one [[commitments]] table"))
        return []
    specs, codes, numbers = [], set(), set()
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            problems.append((where.line("commitments", i), "each commitment must be a [[commitments]] table"))
            continue
        spec = _parse_commitment(row, i, where, problems)
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


def _parse_commitment(row: dict, i: int, where: _LineIndex, problems: list) -> CommitmentSpec | None:
    def at(key: str | None = None) -> int | None:
        return where.line("commitments", i, key)

    allowed = {"code", "number", "wording", "channel", "metric", "target", "unit", "share", "rule"}
    for key in sorted(set(row) - allowed):
        problems.append((at(key), f"unknown key '{key}' in [[commitments]]"))
    code = _text(row, "code", "commitments", i, where, problems, limit=40)
    if code and not _CODE.match(code):
        problems.append((at("code"), "'code' must be letters, digits, dots, hyphens or underscores"))
    wording = _text(row, "wording", "commitments", i, where, problems, limit=1000)
    number = row.get("number", i + 1)
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= _MAX_WHOLE:
        problems.append((at("number"), f"'number' must be a whole number from 1 to {_MAX_WHOLE:,}"))
    channel = row.get("channel", "any")
    if not isinstance(channel, str) or channel not in {c.value for c in Channel}:
        choices = ", ".join(c.value for c in Channel)
        problems.append((at("channel"), f"'channel' must be one of: {choices}"))
    metric, target, unit, share, rule = (row.get(k) for k in ("metric", "target", "unit", "share", "rule"))
    _check_standard(row, at, problems)
    rule = _rule_for(rule, target, unit, at, problems)
    if not (code and wording):
        return None
    standards = []
    if metric is not None and isinstance(target, (int, float)) and not isinstance(target, bool):
        standards.append(Standard(metric=metric, target=float(target), unit=unit,
                                  share=float(share) if isinstance(share, (int, float)) else None, rule=rule))
    return CommitmentSpec(code=code, number=number if isinstance(number, int) else i + 1, wording=wording,
                          channel=channel, standards=standards)


def _check_standard(row: dict, at, problems: list) -> None:
    """A measurable standard: metric, target and unit together, each valid, and an optional share."""
    metric, target, unit, share = (row.get(k) for k in ("metric", "target", "unit", "share"))
    standard_keys = [k for k in ("metric", "target", "unit") if row.get(k) is not None]
    if standard_keys and len(standard_keys) < 3:
        missing = ", ".join(k for k in ("metric", "target", "unit") if row.get(k) is None)
        problems.append((at(standard_keys[0]),
                         f"a measurable standard needs metric, target and unit (missing {missing})"))
    if metric is not None and (not isinstance(metric, str) or metric not in METRICS):
        problems.append((at("metric"), f"'metric' must be one of: {', '.join(METRICS)}"))
    if target is not None and (isinstance(target, bool) or not isinstance(target, (int, float))
                               or not 0 < target <= _MAX_WHOLE):
        problems.append((at("target"), f"'target' must be a number greater than 0 and at most {_MAX_WHOLE:,}"))
    if unit is not None and (not isinstance(unit, str) or unit not in UNITS):
        problems.append((at("unit"), f"'unit' must be one of: {', '.join(UNITS)}"))
    if share is not None and (isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1):
        problems.append((at("share"), "'share' must be a fraction above 0 and at most 1, like 0.9 for 90%"))
    if share is not None and not standard_keys:
        problems.append((at("share"), "'share' only makes sense with a measurable standard"))


def _rule_for(rule: object, target: object, unit: object, at, problems: list) -> str | None:
    """The deadline rule for a day-based standard: given explicitly, or derived from the unit."""
    if rule is not None:
        if not isinstance(rule, str) or rule not in NAMED_RULES:
            problems.append((at("rule"), f"'rule' must be one of: {', '.join(sorted(NAMED_RULES))}"))
            return None
        return rule
    if isinstance(target, (int, float)) and float(target).is_integer():
        if unit == "working_days":
            return f"working-days:{int(target)}"
        if unit == "calendar_days":
            return f"calendar-days:{int(target)}"
    return None


def load_charter_file(path: str | Path, *, by: StaffUser | None = None) -> tuple[Charter, bool]:
    """Load one charter file; returns (charter, created). A file with any problem loads nothing."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CharterFileError(str(path), [(None, f"cannot be read: {exc}")]) from exc
    spec = parse_charter(text, str(path))
    return store_charter(spec, by=by)


def store_charter(spec: CharterSpec, *, by: StaffUser | None = None) -> tuple[Charter, bool]:
    """Save a parsed charter as published, retiring older versions; a version already loaded is left alone."""
    existing = db.session.scalar(
        select(Charter).where(Charter.council_slug == spec.council_slug, Charter.version == spec.version)
    )
    for area in spec.service_areas:
        if db.session.scalar(select(ServiceArea).where(ServiceArea.code == area["code"])) is None:
            db.session.add(ServiceArea(**area))
    if existing is not None:
        db.session.commit()
        return existing, False
    charter = Charter(
        council_slug=spec.council_slug, council_name=spec.council_name, title=spec.title, version=spec.version,
        effective_from=spec.effective_from, source=spec.source, introduction=spec.introduction,
        status=CharterStatus.PUBLISHED, published_at=now(), created_by_id=by.id if by else None,
    )
    charter.commitments = [Commitment(code=c.code, number=c.number, wording=c.wording, channel=c.channel,
                                      standards=c.standards) for c in spec.commitments]
    _retire_others(charter)
    db.session.add(charter)
    record_audit(charter, "charter.loaded", by=by,
                 after={"version": spec.version, "commitments": len(spec.commitments)},
                 summary=f"Loaded version {spec.version} with {len(spec.commitments)} commitments")
    db.session.commit()
    return charter, True


def _retire_others(charter: Charter) -> None:
    for other in db.session.scalars(
        select(Charter).where(Charter.council_slug == charter.council_slug, Charter.status == CharterStatus.PUBLISHED)
    ):
        if other is not charter and other.version < charter.version:
            other.status = CharterStatus.RETIRED


def published_charter(council_slug: str) -> Charter | None:
    """The charter residents see for a council: its newest published version."""
    return db.session.scalar(
        select(Charter)
        .where(Charter.council_slug == council_slug, Charter.status == CharterStatus.PUBLISHED)
        .order_by(Charter.version.desc())
    )


def published_commitments_of(council_slug: str) -> tuple[Commitment, ...]:
    """The commitments of the council's published charter, in charter order, as detached copies kept per process.

    The caller attaches the ones it stores against with ``db.session.merge(commitment, load=False)``, which
    costs no query.
    """

    def load() -> tuple[Commitment, ...]:
        charter = db.session.execute(
            select(Charter.id)
            .where(Charter.council_slug == council_slug, Charter.status == CharterStatus.PUBLISHED)
            .order_by(Charter.version.desc()).limit(1)
        ).scalar()
        if charter is None:
            return ()
        table = Commitment.__table__
        rows = db.session.execute(select(table).where(table.c.charter_id == charter).order_by(table.c.number))
        return tuple(detached_copies(Commitment, rows.mappings()))

    return kept(f"published-commitments:{council_slug}", load)


def service_areas_by_code() -> dict[str, ServiceArea]:
    """Every service area, active or not, by code, as detached copies kept per process."""
    table = ServiceArea.__table__
    return kept("service-areas", lambda: {
        area.code: area for area in detached_copies(ServiceArea, db.session.execute(select(table)).mappings())
    })


def active_service_area(code: str | None) -> ServiceArea | None:
    """The active service area with this code, attached to the session, or None."""
    area = service_areas_by_code().get(code) if code else None
    return db.session.merge(area, load=False) if area is not None and area.active else None


def _draft_of(council_slug: str) -> Charter | None:
    return db.session.scalar(
        select(Charter).where(Charter.council_slug == council_slug, Charter.status == CharterStatus.DRAFT)
    )


def start_draft(charter: Charter, *, by: StaffUser) -> Charter:
    """A new draft version copying `charter`, or the council's existing draft if there is one.

    Two people starting a draft at once both find none and both add the next version; the database's unique
    version refuses the second, which is given the first one's draft instead."""
    council_slug = charter.council_slug
    draft = _draft_of(council_slug)
    if draft is not None:
        return draft
    latest = db.session.scalar(select(func.max(Charter.version)).where(Charter.council_slug == charter.council_slug))
    draft = Charter(
        council_slug=charter.council_slug, council_name=charter.council_name, title=charter.title,
        version=latest + 1, status=CharterStatus.DRAFT, source=charter.source, introduction=charter.introduction,
        created_by_id=by.id,
    )
    draft.commitments = [
        Commitment(code=c.code, number=c.number, wording=c.wording, channel=c.channel,
                   standard_rows=list(c.standard_rows or []))
        for c in charter.commitments
    ]
    try:
        db.session.add(draft)
        record_audit(draft, "charter.draft_started", by=by, after={"from_version": charter.version},
                     summary=f"Draft version {draft.version} started from version {charter.version}")
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _draft_of(council_slug)
        if existing is None:
            raise
        return existing
    return draft


class CharterRuleError(RuleError):
    """A change to a charter that the rules do not allow; the message says why."""


def edit_commitment_wording(commitment: Commitment, wording: str, *, by: StaffUser) -> None:
    """Change the wording of a commitment in a draft charter (published versions never change)."""
    if commitment.charter.status != CharterStatus.DRAFT:
        raise CharterRuleError("Only a draft charter can be edited. Start a new draft version first.")
    if commitment.wording == wording:
        return
    # Recorded against the charter, so the change shows on the page staff review before publishing.
    record_audit(commitment.charter, "commitment.reworded", by=by,
                 before={"code": commitment.code, "wording": commitment.wording},
                 after={"code": commitment.code, "wording": wording}, summary=f"Reworded commitment {commitment.code}")
    commitment.wording = wording
    db.session.commit()


def publish_draft(charter: Charter, *, by: StaffUser, effective_from: date) -> None:
    """Publish a draft version; the previous published version is retired."""
    if charter.status != CharterStatus.DRAFT:
        raise CharterRuleError("This version is already published.")
    charter.status = CharterStatus.PUBLISHED
    charter.published_at = now()
    charter.effective_from = effective_from
    _retire_others(charter)
    record_audit(charter, "charter.published", by=by, after={"version": charter.version,
                                                             "effective_from": effective_from},
                 summary=f"Published version {charter.version}")
    db.session.commit()


def describe_standard(commitment: Commitment) -> str | None:
    """Plain words for a commitment's standards, e.g. 'Time to reply in full: 3 working days (90% of cases)'."""
    if not commitment.is_measurable:
        return None
    return "; ".join(standard.describe() for standard in commitment.standards)
