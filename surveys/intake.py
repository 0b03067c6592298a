"""Contacts coming in: one field checker shared by the staff form, the API and CSV imports (with per-row errors)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select

from core.audit import record_audit
from core.charters import published_charter
from core.clocks.calendar import FIRST_YEAR
from core.contacts import ContactRecord, ContactSource, find_by_reference, record_contact
from core.errors import RuleError
from core.extensions import db
from core.models import Channel, Commitment, ServiceArea, StaffUser
from core.once import save_or_find_first
from core.text import unstorable
from core.timesource import UK, now
from surveys.models import ContactImport, ImportStatus

#: Channels a contact can happen through ("any" describes commitments, not contacts).
CONTACT_CHANNELS = [c for c in Channel if c != Channel.ANY]
CSV_COLUMNS = ["channel", "when", "service", "email", "phone", "commitments", "reference"]
#: Most rows one file may hold; larger exports should be split or sent through the API.
MAX_IMPORT_ROWS = 50_000
#: A phone number as the API and imports accept it (also published in the API description).
PHONE_PATTERN = r"^\+?[0-9 ()-]{10,20}$"
_PHONE = re.compile(PHONE_PATTERN)
#: The longest reference a sending system may give (the column's size).
REFERENCE_MAX_LENGTH = 100
#: The shapes of date and time the API, imports and form accept (also published in the API description): ISO 8601
#: with or without a time and an offset, or a UK date with or without a time.
WHEN_PATTERN = (r"^\s*(?:[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
                r"(?:Z|[+-][0-9]{2}:[0-9]{2})?)?|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}(?: [0-9]{1,2}:[0-9]{2})?)\s*$")
_WHEN = re.compile(WHEN_PATTERN)
#: Fields a sending system gives as text (or null, meaning not given); commitments may also be a list of texts.
TEXT_FIELDS = {"channel": "Channel", "when": "When", "occurred_at": "When", "service": "Service",
               "email": "Email address", "phone": "Phone number", "reference": "Reference"}
_WHEN_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M",
                 "%Y-%m-%d", "%d/%m/%Y")


@dataclass
class ContactInput:
    """A checked contact, ready to record."""

    channel: str
    occurred_at: datetime
    service_area: ServiceArea | None = None
    email: str | None = None
    phone: str | None = None
    commitments: list[Commitment] = field(default_factory=list)
    reference: str | None = None


def uk_to_utc(moment: datetime) -> datetime:
    """A UK wall-clock time (or an aware time) as the naive UTC Charterline stores."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UK)
    return moment.astimezone(UTC).replace(tzinfo=None)


def parse_when(raw: str) -> datetime | None:
    """ISO 8601 (with or without an offset) or a UK-style date and time; None if it is neither."""
    if not _WHEN.match(raw):
        return None
    raw = raw.strip()
    try:
        return uk_to_utc(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except ValueError:
        pass
    except OverflowError:  # an offset that moves a moment in year 1 or 9999 out of the years datetime holds
        return None
    for fmt in _WHEN_FORMATS:
        try:
            return uk_to_utc(datetime.strptime(raw, fmt))
        except ValueError:
            continue
        except OverflowError:
            return None
    return None


def commitments_by_code() -> dict[str, Commitment]:
    """Commitments residents are promised now: those in the council's published charter."""
    charter = published_charter(current_app.config["CHARTERLINE_COUNCIL"])
    return {c.code.upper(): c for c in charter.commitments} if charter else {}


def services_by_code() -> dict[str, ServiceArea]:
    return {s.code: s for s in db.session.scalars(select(ServiceArea).where(ServiceArea.active.is_(True)))}


@dataclass
class Lookups:
    """Reference data loaded once per request or file, not once per row."""

    services: dict[str, ServiceArea]
    commitments: dict[str, Commitment]

    @classmethod
    def load(cls) -> Lookups:
        return cls(services_by_code(), commitments_by_code())


def _text(raw: Mapping, key: str) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()


def _check_email(value: str, problems: list) -> str | None:
    if not value:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        problems.append(("email", "Email address must be in the correct format, like name@example.com"))
        return None


def _check_commitments(raw: object, lookups: Lookups, problems: list) -> list[Commitment]:
    codes = raw if isinstance(raw, list) else re.split(r"[;\s]+", str(raw or ""))
    codes = [str(c).strip() for c in codes if str(c).strip()]
    unknown = [c for c in codes if c.upper() not in lookups.commitments]
    if unknown:
        problems.append(("commitments", f"Commitment {', '.join(unknown)} is not in the published charter"))
    # A code given twice (in any case) is one commitment: the contact's link to it is stored once.
    return list(dict.fromkeys(lookups.commitments[c.upper()] for c in codes if c.upper() in lookups.commitments))


def _type_problems(raw: Mapping) -> list[tuple[str, str]]:
    """Values of the wrong JSON type: text fields must be text or null, commitments text, a list of texts or null."""
    problems = []
    for name, label in TEXT_FIELDS.items():
        value = raw.get(name)
        field = "when" if name == "occurred_at" else name
        if value is not None and not isinstance(value, str):
            problems.append((field, f"{label} must be text"))
        elif value is not None and unstorable(value):
            problems.append((field, f"{label} {unstorable(value)[0].lower()}{unstorable(value)[1:]}"))
    commitments = raw.get("commitments")
    if not (commitments is None or isinstance(commitments, str)
            or (isinstance(commitments, list) and all(isinstance(code, str) for code in commitments))):
        problems.append(("commitments", "Commitments must be text, or a list of texts"))
    elif any(unstorable(code) for code in ([commitments] if isinstance(commitments, str) else commitments or [])):
        problems.append(("commitments", "Commitments must be valid Unicode text without NUL characters"))
    return list(dict.fromkeys(problems))


def _occurred_at(raw: Mapping, problems: list[tuple[str, str]]) -> datetime | None:
    """When the contact happened, from `when` or its other name `occurred_at` (`when` first if both are sent).
    Either one sent must be a date and time, even when the other is used; a problem is reported under `when`."""
    given = [value for value in (_text(raw, "when"), _text(raw, "occurred_at")) if value]
    if not given:
        problems.append(("when", "Enter when the contact happened"))
        return None
    parsed = [parse_when(value) for value in given]
    occurred_at = parsed[0]
    if any(value is None for value in parsed):
        problems.append(("when", "When must be a date and time like 2026-11-20 14:05"))
    elif occurred_at > now():
        problems.append(("when", "When must be in the past"))
    elif occurred_at.year < FIRST_YEAR:
        problems.append(("when", f"When must be between 1 January {FIRST_YEAR} and now"))
    else:
        return occurred_at
    return None


def check_contact(raw: Mapping, lookups: Lookups) -> tuple[ContactInput | None, list[tuple[str, str]]]:
    """Check one contact's fields; returns the contact or every problem as (field, message)."""
    problems = _type_problems(raw)
    if problems:
        # Checked first: a list or an object would otherwise be read as its Python text ("{'a': 1}").
        return None, problems
    channel = _text(raw, "channel").lower().replace(" ", "_").replace("-", "_")
    if not channel:
        problems.append(("channel", "Enter the channel, for example phone, email or visit"))
    elif channel not in CONTACT_CHANNELS:
        problems.append(("channel", f"Channel must be one of {', '.join(c.value for c in CONTACT_CHANNELS)}"))
    occurred_at = _occurred_at(raw, problems)
    service_code = _text(raw, "service")
    service = lookups.services.get(service_code) if service_code else None
    if service_code and service is None:
        problems.append(("service", f"Service {service_code} is not one of ours"))
    email = _check_email(_text(raw, "email"), problems)
    phone = _text(raw, "phone") or None
    if phone and not _PHONE.match(phone):
        problems.append(("phone", "Phone number must be a UK phone number, like 01632 960 001"))
    commitments = _check_commitments(raw.get("commitments"), lookups, problems)
    reference = _text(raw, "reference") or None
    if reference and len(reference) > REFERENCE_MAX_LENGTH:
        problems.append(("reference", f"Reference must be {REFERENCE_MAX_LENGTH} characters or fewer"))
    if problems:
        return None, problems
    return ContactInput(channel=channel, occurred_at=occurred_at, service_area=service, email=email, phone=phone,
                        commitments=commitments, reference=reference), []


def log_contact(data: ContactInput, *, source: str, by: StaffUser | None = None,
                api_key_id: int | None = None,
                then: Callable[[ContactRecord], None] | None = None) -> tuple[ContactRecord, bool]:
    """Record a checked contact; returns (contact, created).

    A reference sent again by the same sender (the same API key, for the API) returns the first record; another
    key's contact with that reference is never returned, so integrations do not see each other's contacts.
    `then(contact)` adds what must be stored with a new contact, in its transaction.
    """
    if data.reference:
        existing = find_by_reference(source, data.reference, api_key_id=api_key_id)
        if existing is not None:
            return existing, False
    def save() -> ContactRecord:
        contact = record_contact(channel=data.channel, occurred_at=data.occurred_at, source=source,
                                 service_area=data.service_area, email=data.email, phone=data.phone,
                                 commitments=data.commitments, external_reference=data.reference, by=by,
                                 api_key_id=api_key_id)
        if then is not None:
            then(contact)
        db.session.commit()
        return contact

    # The same contact sent twice at once: the unique reference index lets one in; answer with that one.
    contact, existing = save_or_find_first(
        save, lambda: find_by_reference(source, data.reference, api_key_id=api_key_id) if data.reference else None)
    return (contact, True) if existing is None else (existing, False)


# --- CSV imports ----------------------------------------------------------------------------------------------


class ImportFileError(RuleError):
    """The file as a whole cannot be read; the message is safe to show."""


def _decode(content: bytes) -> str:
    if b"\x00" in content:  # a spreadsheet or other binary file, not text
        raise ImportFileError("The file must be a CSV file saved as UTF-8, not a spreadsheet")
    for encoding in ("utf-8-sig", "cp1252"):  # Excel saves CSV as UTF-8 with a BOM or as Windows-1252
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("The file must be a CSV file saved as UTF-8")


def _row_to_json(data: ContactInput) -> dict:
    return {"channel": data.channel, "occurred_at": data.occurred_at.isoformat(),
            "service": data.service_area.code if data.service_area else None, "email": data.email,
            "phone": data.phone, "commitments": [c.code for c in data.commitments], "reference": data.reference}


def read_contact_csv(content: bytes) -> tuple[list[dict], list[dict]]:
    """Check every row of a contacts CSV; returns (good rows as JSON-safe dicts, problems with line numbers)."""
    reader = csv.DictReader(io.StringIO(_decode(content), newline=""))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("channel", "when") if c not in headers]
    if missing:
        raise ImportFileError(f"The first line must name the columns; {' and '.join(missing)} "
                              f"{'is' if len(missing) == 1 else 'are'} missing. "
                              f"Columns: {', '.join(CSV_COLUMNS)}")
    lookups = Lookups.load()
    good: list[dict] = []
    problems: list[dict] = []
    seen_references: dict[str, int] = {}
    for index, row in enumerate(reader):
        line = reader.line_num
        if index >= MAX_IMPORT_ROWS:
            raise ImportFileError(f"The file has more than {MAX_IMPORT_ROWS:,} rows. Split it into smaller files")
        row = {(k or "").strip().lower(): v for k, v in row.items()}
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        data, row_problems = check_contact(row, lookups)
        reference = data.reference if data else None
        if reference and reference in seen_references:
            row_problems = [("reference", f"Reference {reference} is also on line {seen_references[reference]}")]
        elif reference and find_by_reference(ContactSource.IMPORT, reference) is not None:
            row_problems = [("reference", f"Reference {reference} was imported before")]
        if row_problems:
            problems.extend({"line": line, "field": f, "message": m} for f, m in row_problems)
            continue
        if reference:
            seen_references[reference] = line
        good.append({"line": line, **_row_to_json(data)})
    return good, problems


def import_contacts_file(*, filename: str, content: bytes, by: StaffUser) -> ContactImport:
    """Check a file; with no problems record every row at once, otherwise keep it pending for the officer to decide."""
    good, problems = read_contact_csv(content)
    if not good and not problems:
        raise ImportFileError("The file has no contacts in it")
    batch = ContactImport(filename=filename[:255], uploaded_by_id=by.id, rows=good, problems=problems)
    db.session.add(batch)
    db.session.flush()
    if problems:
        record_audit(batch, "contact_import_checked", by=by,
                     summary=f"{len(good)} good rows, {len(problems)} problems; nothing imported yet")
        db.session.commit()
        return batch
    return import_good_rows(batch, by=by)


def import_good_rows(batch: ContactImport, *, by: StaffUser) -> ContactImport:
    """Record a checked file's good rows (the officer chose to, or there were no problems)."""
    if batch.status != ImportStatus.PENDING:
        raise ImportFileError("This file has already been dealt with")
    lookups = Lookups.load()
    imported = 0
    for row in batch.rows:
        if row["reference"] and find_by_reference(ContactSource.IMPORT, row["reference"]) is not None:
            continue  # recorded by another file since this one was checked
        imported += 1
        record_contact(channel=row["channel"], occurred_at=datetime.fromisoformat(row["occurred_at"]),
                       source=ContactSource.IMPORT, service_area=lookups.services.get(row["service"] or ""),
                       email=row["email"], phone=row["phone"],
                       commitments=[lookups.commitments[c.upper()] for c in row["commitments"]
                                    if c.upper() in lookups.commitments],
                       external_reference=row["reference"], by=by)
    batch.status = ImportStatus.IMPORTED
    batch.imported_count = imported
    batch.decided_at = now()
    record_audit(batch, "contact_import_done", by=by, summary=f"{batch.imported_count} contacts imported")
    db.session.commit()
    return batch


def discard_import(batch: ContactImport, *, by: StaffUser) -> None:
    if batch.status != ImportStatus.PENDING:
        raise ImportFileError("This file has already been dealt with")
    batch.status = ImportStatus.DISCARDED
    batch.decided_at = now()
    record_audit(batch, "contact_import_discarded", by=by, summary="Nothing imported")
    db.session.commit()

