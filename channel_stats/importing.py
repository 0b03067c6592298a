"""Reading and checking channel statistics (a CSV file or the API's JSON rows) and importing them.

Every row and column is checked before anything is stored: a file with any problem imports nothing, and each
problem names the row as a spreadsheet shows it (the header is row 1), the column and what to do. Importing a
month, channel and service that is already there replaces it, and the audit trail keeps what it replaced.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from channel_stats.columns import MEASURES, PARTS, Threshold, measurement_for, parse_threshold
from channel_stats.gaps import gaps
from channel_stats.models import COUNT_COLUMNS, ChannelMonth, ChannelThreshold
from core.audit import record_audit
from core.extensions import db
from core.models import Channel, Charter, ServiceArea, StaffUser
from core.timesource import now, today

#: Columns every file has; ``service`` blank (or "all") means the whole council.
KEY_COLUMNS = ("month", "channel", "service")
#: The most rows one file or request may hold (10 channels and 40 services for a year is 4,800).
MAX_ROWS = 5000
#: The largest file read (5,000 rows of 40 columns is about 1 MB).
MAX_BYTES = 5_000_000
#: The largest count the database holds.
MAX_COUNT = 2_147_483_647
WHOLE_COUNCIL = ("", "all")
#: Marks a file's row with a figure outside the headed columns (never a column name: names are checked first).
UNPLACED = "\x00unplaced"
#: A month as the API's schema gives it (a file's cells may also have spaces around it).
MONTH_PATTERN = r"^[0-9]{4}-[0-9]{1,2}$"
_MONTH = re.compile(MONTH_PATTERN)
_WHOLE_NUMBER = re.compile(r"^([0-9]+|[0-9]{1,3}(,[0-9]{3})+)$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: its row as a spreadsheet shows it (None: the whole file), its column and
    what to do."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (f"Row {self.row}" if self.row else None, self.column) if part)
        return f"{where}: {self.message}" if where else self.message[:1].upper() + self.message[1:]

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self)}


@dataclass
class CheckedRow:
    """A row that passed every check, ready to store."""

    row: int
    month: date
    channel: str
    service: ServiceArea | None
    counts: dict[str, int | None]
    thresholds: dict[Threshold, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    imported: int
    replaced: int
    months: tuple[date, ...]
    #: What the charter's standards need that the rows leave blank (channel_stats.gaps), one sentence each.
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        """'Imported 3 rows for April 2026 and May 2026 (1 replaced)'."""
        names = [f"{month:%B %Y}" for month in self.months]
        when = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        rows = f"{self.imported} row{'' if self.imported == 1 else 's'}"
        return f"Imported {rows} for {when} ({self.replaced} replaced)"


def stats_channels(charter: Charter | None) -> list[str]:
    """The charter's channels that have a standard channel statistics measure, in the order Channel lists them."""
    if charter is None:
        return []
    found = {commitment.channel for commitment in charter.commitments
             if any(measurement_for(s, charter.seconds_per_ring) for s in commitment.standards)}
    return [channel.value for channel in Channel if channel.value in found]


@dataclass
class _Context:
    channels: list[str]
    services: dict[str, ServiceArea]
    latest: date

    @classmethod
    def of(cls, charter: Charter | None) -> _Context:
        services = {area.code: area for area in db.session.scalars(select(ServiceArea))}
        now = today()
        return cls(stats_channels(charter), services, date(now.year, now.month, 1))


# Reading

def read_csv(data: str | bytes | object) -> tuple[list[str], list[tuple[int, dict[str, str]]]] | Problem:
    """The header and the rows (with their row numbers) of CSV text, bytes or an upload; a Problem when it cannot
    be read as CSV."""
    if hasattr(data, "read"):
        data = data.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return Problem(None, None, f"the file is bigger than {MAX_BYTES // 1_000_000} MB: split it into smaller files")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return Problem(None, None, "the file must be a CSV file saved as UTF-8: in your spreadsheet, choose "
                                       "Save as, then 'CSV UTF-8'")
    data = data.lstrip("\ufeff")
    if "\x00" in data:
        return Problem(None, None, "the file must be a CSV file: save your spreadsheet as 'CSV UTF-8'")
    try:
        lines = list(csv.reader(io.StringIO(data, newline="")))
    except csv.Error:
        return Problem(None, None, "the file must be a CSV file: save your spreadsheet as 'CSV UTF-8'")
    numbered = [(number, cells) for number, cells in enumerate(lines, start=1) if any(c.strip() for c in cells)]
    if not numbered:
        return Problem(None, None, "the file is empty: download the template and fill it in")
    (_, header), body = numbered[0], numbered[1:]
    header = [name.strip().lower() for name in header]
    if len(header) == 1 and ";" in header[0]:
        return Problem(1, None, "separate the columns with commas, not semicolons: save the file as 'CSV UTF-8' "
                                "(comma delimited)")
    if len(body) > MAX_ROWS:
        return Problem(None, None, f"the file has {len(body):,} rows: send at most {MAX_ROWS:,} at a time")
    rows = []
    for number, cells in body:
        values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name}
        # A cell beyond the headings, or under a blank heading, is a figure Charterline cannot place.
        if any(cell.strip() for i, cell in enumerate(cells) if i >= len(header) or not header[i]):
            values = {UNPLACED: True}
        rows.append((number, values))
    return [name for name in header if name], rows


# Checking

def check_header(columns: Iterable[str], *, required: tuple[str, ...] = KEY_COLUMNS, row: int | None = 1
                 ) -> tuple[dict[str, Threshold], list[Problem]]:
    """The threshold columns among `columns`, and the problems with the columns themselves."""
    problems, thresholds, seen, seen_thresholds = [], {}, set(), {}
    columns = list(columns)
    for name in required:
        if name not in columns:
            problems.append(Problem(row, name, f"add a column called {name}: the template has every column"))
    for name in columns:
        if name in seen:
            problems.append(Problem(row, name, "this column is there twice: keep one of them"))
            continue
        seen.add(name)
        if name in KEY_COLUMNS or name in COUNT_COLUMNS:
            continue
        threshold = parse_threshold(name)
        if threshold is None:
            problems.append(Problem(row, name or "(blank)", "this is not a column Charterline knows: use the "
                                    "names in the template, such as calls_offered or answered_within_20s"))
        elif threshold in seen_thresholds:
            problems.append(Problem(row, name, f"this is the same threshold as {seen_thresholds[threshold]}: keep "
                                               "one of them"))
        else:
            seen_thresholds[threshold] = name
            thresholds[name] = threshold
    return thresholds, problems


def _count(value: object, row: int, column: str, problems: list[Problem], *, from_json: bool) -> int | None:
    if value is None or (not from_json and isinstance(value, str) and not value.strip()):
        return None
    if from_json and (isinstance(value, bool) or not isinstance(value, int)):
        if not (isinstance(value, float) and value.is_integer() and value >= 0):
            problems.append(Problem(row, column, "enter a whole number, like 120, or null"))
            return None
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            wording = "enter a whole number, 0 or more" if text.startswith("-") else "enter a whole number, like 120"
            problems.append(Problem(row, column, wording))
            return None
        value = int(text.replace(",", ""))
    if value < 0:
        problems.append(Problem(row, column, "enter a whole number, 0 or more"))
        return None
    if value > MAX_COUNT:
        problems.append(Problem(row, column, f"enter a number no bigger than {MAX_COUNT:,}"))
        return None
    return value


def _month(value: object, row: int, context: _Context, problems: list[Problem], *, exact: bool) -> date | None:
    text = (value if exact else value.strip()) if isinstance(value, str) else ""
    found = _MONTH.fullmatch(text)
    month = None
    if found:
        year, number = (int(part) for part in text.split("-"))
        month = date(year, number, 1) if 1 <= number <= 12 and year >= 1900 else None
    if month is None:
        problems.append(Problem(row, "month", "enter the month as year and month, like 2026-04"))
    elif month > context.latest:
        problems.append(Problem(row, "month", f"this month is in the future: enter {context.latest:%Y-%m} or an "
                                              "earlier month"))
        month = None
    return month


def _channel(value: object, row: int, context: _Context, problems: list[Problem], *, exact: bool) -> str | None:
    text = (value if exact else value.strip().lower()) if isinstance(value, str) else ""
    if text in context.channels:
        return text
    if not context.channels:
        problems.append(Problem(row, "channel", "the published charter has no standard measured by channel "
                                                "statistics: publish a charter with one first"))
    elif not text:
        problems.append(Problem(row, "channel", f"enter the channel: {_one_of(context.channels)}"))
    else:
        problems.append(Problem(row, "channel", "the charter has no standard for this channel that channel "
                                                f"statistics measure: enter {_one_of(context.channels)}"))
    return None


def _one_of(choices: list[str]) -> str:
    return choices[0] if len(choices) == 1 else "one of " + ", ".join(choices)


def _service(value: object, row: int, context: _Context, problems: list[Problem]) -> tuple[bool, ServiceArea | None]:
    if value is None:
        return True, None
    text = value.strip().lower() if isinstance(value, str) else None
    if text in WHOLE_COUNCIL:
        return True, None
    if text in context.services:
        return True, context.services[text]
    example = next(iter(sorted(context.services)), "council-tax")
    problems.append(Problem(row, "service", f"enter a service area code the charter has, like {example}, or "
                                            "leave it blank for the whole council"))
    return False, None


def _check_row(number: int, values: dict[str, object], thresholds: dict[str, Threshold], context: _Context,
               problems: list[Problem], *, from_json: bool) -> CheckedRow | None:
    before = len(problems)
    if values.get(UNPLACED) is True:
        problems.append(Problem(number, None, "this row has a figure in a column with no heading: check for a comma "
                                              "in a number, or add the heading"))
        return None
    month = _month(values.get("month"), number, context, problems, exact=from_json)
    channel = _channel(values.get("channel"), number, context, problems, exact=from_json)
    _, service = _service(values.get("service"), number, context, problems)
    counts = {name: _count(values.get(name), number, name, problems, from_json=from_json) for name in COUNT_COLUMNS}
    found: dict[Threshold, int] = {}
    names: dict[Threshold, str] = {}
    for name, threshold in thresholds.items():
        count = _count(values.get(name), number, name, problems, from_json=from_json)
        if count is not None:
            found[threshold], names[threshold] = count, name
    if len(problems) > before:
        return None
    if all(value is None for value in counts.values()) and not found:
        problems.append(Problem(number, None, "this row has no figures: enter them, or delete the row"))
        return None
    checked = CheckedRow(number, month, channel, service, counts, found)
    for part, whole in PARTS:
        if counts[part] is not None and counts[whole] is not None and counts[part] > counts[whole]:
            problems.append(Problem(number, part, f"{counts[part]:,} is more than {whole} ({counts[whole]:,}): "
                                                  "check both figures"))
    for threshold, count in found.items():
        name, base = names[threshold], MEASURES[threshold.measure]
        if counts[base] is None:
            problems.append(Problem(number, name, f"enter {base} too: this column counts part of it"))
        elif count > counts[base]:
            problems.append(Problem(number, name, f"{count:,} is more than {base} ({counts[base]:,}): check "
                                                  "both figures"))
    return checked if len(problems) == before else None


def _check_rows(numbered: list[tuple[int, dict]], thresholds: dict[str, Threshold], charter: Charter | None,
                *, from_json: bool) -> tuple[list[CheckedRow], list[Problem]]:
    context = _Context.of(charter)
    problems: list[Problem] = []
    checked, first_of = [], {}
    for number, values in numbered:
        row = _check_row(number, values, thresholds, context, problems, from_json=from_json)
        if row is None:
            continue
        key = (row.month, row.channel, row.service.id if row.service else 0)
        if key in first_of:
            problems.append(Problem(number, "month", f"row {first_of[key]} has the same month, channel and "
                                                     "service: keep one row for each"))
            continue
        first_of[key] = number
        checked.append(row)
    return checked, problems


def check_csv(data: str | bytes | object, charter: Charter | None) -> tuple[list[CheckedRow], list[Problem]]:
    """Every row of a CSV file checked; the rows are only good to import when there are no problems."""
    read = read_csv(data)
    if isinstance(read, Problem):
        return [], [read]
    header, rows = read
    thresholds, problems = check_header(header)
    if problems:
        return [], problems
    if not rows:
        return [], [Problem(None, None, "the file has a header but no rows: add a row for each month, channel "
                                        "and service")]
    return _check_rows(rows, thresholds, charter, from_json=False)


def check_records(records: object, charter: Charter | None) -> tuple[list[CheckedRow], list[Problem]]:
    """The API's rows (a JSON array of objects with the CSV's column names) checked; row 1 is the first object."""
    if not isinstance(records, list) or not records:
        return [], [Problem(None, None, "send a JSON array of rows, each an object with the template's columns")]
    if len(records) > MAX_ROWS:
        return [], [Problem(None, None, f"send at most {MAX_ROWS:,} rows at a time")]
    problems, thresholds, numbered = [], {}, []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            problems.append(Problem(number, None, "send each row as a JSON object"))
            continue
        found, header_problems = check_header(record, required=("month", "channel"), row=number)
        problems.extend(header_problems)
        thresholds.update(found)
        numbered.append((number, record))
    if problems:
        return [], problems
    checked, problems = _check_rows(numbered, thresholds, charter, from_json=True)
    return checked, problems


# Importing

def _as_dict(month: date, channel: str, service: ServiceArea | None, source: str, counts: dict,
             thresholds: dict[Threshold, int]) -> dict:
    """A row's figures for the audit trail: what it held before a replacement, and after."""
    values = {"month": f"{month:%Y-%m}", "channel": channel, "service": service.code if service else "all",
              "source": source}
    values.update({name: value for name, value in counts.items() if value is not None})
    values.update({threshold.column: count for threshold, count in thresholds.items()})
    return values


def _stored_as_dict(row: ChannelMonth) -> dict:
    return _as_dict(row.month, row.channel, row.service_area, row.source, row.counts(),
                    {Threshold(t.measure, t.seconds): t.count for t in row.thresholds})


def _clear_replaced(existing: dict[tuple, ChannelMonth], rows: list[CheckedRow]) -> dict[int, dict]:
    """What each row about to be replaced holds (for the audit trail), by id; its threshold counts are deleted in
    one statement, so the new ones can take their unique keys."""
    wanted = {(r.month, r.channel, r.service.id if r.service else 0) for r in rows}
    replaced = [row for key, row in existing.items() if key in wanted]
    befores = {row.id: _stored_as_dict(row) for row in replaced}
    if replaced:
        db.session.execute(delete(ChannelThreshold).where(ChannelThreshold.channel_month_id.in_(list(befores))),
                           execution_options={"synchronize_session": False})
        for row in replaced:
            set_committed_value(row, "thresholds", [])
    return befores


def store_rows(rows: list[CheckedRow], *, by: StaffUser | None, source: str, warnings: Iterable[str] = (),
               then: Callable[[ImportResult], None] | None = None) -> ImportResult:
    """Store checked rows in one transaction, each replacing the figures of the month, channel and service it
    names (the row keeps its id, so its audit trail is one history); `then` adds what else belongs in the same
    transaction (an API's kept answer). A concurrent import of the same row raises IntegrityError, rolled back."""
    replaced = 0
    source = source[:255]
    existing = {(row.month, row.channel, row.area_key): row for row in db.session.scalars(
        select(ChannelMonth).options(selectinload(ChannelMonth.thresholds), selectinload(ChannelMonth.service_area))
        .where(ChannelMonth.month.in_({r.month for r in rows}), ChannelMonth.channel.in_({r.channel for r in rows})))}
    befores = _clear_replaced(existing, rows)
    try:
        for checked in rows:
            area_key = checked.service.id if checked.service else 0
            row = existing.get((checked.month, checked.channel, area_key))
            before = befores.get(row.id) if row is not None else None
            thresholds = [ChannelThreshold(measure=t.measure, seconds=t.seconds, count=count)
                          for t, count in checked.thresholds.items()]
            if row is None:
                row = ChannelMonth(month=checked.month, channel=checked.channel, area_key=area_key,
                                   service_area_id=checked.service.id if checked.service else None, source=source,
                                   imported_by_id=by.id if by else None, thresholds=thresholds, **checked.counts)
                db.session.add(row)
            else:
                for name, value in checked.counts.items():
                    setattr(row, name, value)
                row.thresholds = thresholds
                row.source, row.imported_by_id, row.imported_at = source, by.id if by else None, now()
                replaced += 1
            where = checked.service.code if checked.service else "the whole council"
            record_audit(row, "channel_stats.replaced" if before else "channel_stats.imported", by=by, before=before,
                         after=_as_dict(checked.month, checked.channel, checked.service, source, checked.counts,
                                        checked.thresholds),
                         summary=f"{'Replaced' if before else 'Imported'} {checked.channel} figures for "
                                 f"{checked.month:%B %Y}, {where}, from {source[:200]}")
        result = ImportResult(len(rows), replaced, tuple(sorted({row.month for row in rows})), tuple(warnings))
        if then is not None:
            then(result)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise
    return result


def import_csv(data: str | bytes | object, charter: Charter | None, *, by: StaffUser | None, source: str
               ) -> tuple[ImportResult | None, list[Problem]]:
    """Check a CSV file and, when it has no problems, import every row; otherwise import nothing."""
    rows, problems = check_csv(data, charter)
    if problems:
        return None, problems
    return store_rows(rows, by=by, source=source, warnings=gaps(rows, charter)), []
