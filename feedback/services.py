"""Feedback writes: recording, tagging, reclassifying, messages, files, withdrawal and API keys (acknowledgements
are feedback.acknowledgement)."""

from __future__ import annotations

import fcntl
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import flag_modified

from core import api_keys
from core.audit import changes, record_audit
from core.charters import published_charter
from core.errors import RuleError
from core.events import feedback_reclassified, feedback_recorded, feedback_withdrawn
from core.extensions import db
from core.models import Channel, Charter, Commitment, Resident, Role, ServiceArea, StaffUser
from core.once import token_hash
from core.outbox import queue_message
from core.timesource import now, today
from feedback.acknowledgement import (
    delivery_for,
    mark_acknowledged,
    plan_acknowledgement,
    render_text,
    send_acknowledgement,
)
from feedback.models import (
    ApiKey,
    Attachment,
    EqualityMonitoring,
    FeedbackItem,
    FeedbackKind,
    FeedbackMessage,
    FeedbackStatus,
    ReferenceCounter,
)
from feedback.once import tracking_token_for
from feedback.rules import (
    ContactDetails,
    Problem,
    Submission,
    normalise_postcode,
    received_problems,
    submission_problems,
)
from feedback.uploads import MAX_FILES, StoredFile


class FeedbackError(RuleError):
    """A change the rules do not allow; the message says why and is safe to show."""


class StaleVersion(FeedbackError):
    """Someone else changed the item after this page was loaded."""


def new_token() -> str:
    """A private tracking token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def active_charter() -> Charter | None:
    return published_charter(current_app.config["CHARTERLINE_COUNCIL"])


@contextmanager
def one_writer_at_a_time() -> Iterator[None]:
    """Queue SQLite writers on a file lock, so each starts the moment the one before commits.

    SQLite allows one writer at a time and makes the others poll with growing sleeps (1, 2, 5 ... 100 ms), which
    under a steady stream of submissions costs far more than the writes. PostgreSQL locks rows itself.
    """
    database = db.engine.url.database if db.engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.writer-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


#: The statement that takes the next number, built once per database dialect.
_TAKE_NUMBER: dict[str, object] = {}


def next_reference(kind: str, year: int) -> str:
    """The next reference for the year, such as CMP-2026-00042, taken atomically so it never repeats.

    The number is taken in the caller's transaction, so a submission that fails takes no number. The counter
    row stays locked (PostgreSQL) or the database stays reserved (SQLite) until that transaction ends: take it
    as late as possible.
    """
    dialect = db.engine.dialect.name
    if dialect not in _TAKE_NUMBER:
        table = ReferenceCounter.__table__
        _TAKE_NUMBER[dialect] = (
            (postgresql if dialect == "postgresql" else sqlite).insert(table)
            .on_conflict_do_update(index_elements=[table.c.year], set_={"last": table.c.last + 1})
            .returning(table.c.last)
        )
    # On the session's connection, not the session: the item waiting for this number must not be flushed first.
    number = db.session.connection().execute(_TAKE_NUMBER[dialect], {"year": year, "last": 1}).scalar_one()
    return f"{FeedbackKind(kind).prefix}-{year}-{number:05d}"


# Recording

def _resident_from(contact: ContactDetails) -> Resident | None:
    if not contact.has_any():
        return None
    wanted = list(dict.fromkeys(contact.adjustments))
    return Resident(
        name=contact.name, email=contact.email.lower() if contact.email else None, phone=contact.phone,
        address=contact.address, postcode=normalise_postcode(contact.postcode) if contact.postcode else None,
        reply_by=contact.reply_by, adjustments=wanted,
        adjustments_other=contact.adjustments_other if "other" in wanted else None,
        language=contact.language if "interpreter" in wanted else None,
    )


@dataclass(frozen=True)
class Submitted:
    """What became of a submission: the item recorded and its private tracking token, or the problems found."""

    item: FeedbackItem | None = None
    token: str | None = None
    problems: tuple[Problem, ...] = ()


def check_submission(submission: Submission, *, received_on: date,
                     raised_from: FeedbackItem | None = None) -> list[Problem]:
    """Every problem with a submission, whichever way it came in (resident, staff or API), in question order."""
    problems = submission_problems(submission)
    if raised_from is not None:
        # The resident of the request the complaint is about is its resident: no contact details are asked for.
        problems = [p for p in problems if p.field in {"kind", "description", "outcome_wanted"}]
    return problems + received_problems(received_on)


def submit_feedback(
    submission: Submission,
    *,
    channel: str,
    received_on: date,
    by: StaffUser | None,
    files: Sequence[StoredFile] = (),
    api_key: ApiKey | None = None,
    acknowledge: bool = True,
    raised_from: FeedbackItem | None = None,
    once: str | None = None,
    token: str | None = None,
    then: Callable[[FeedbackItem, str], None] | None = None,
) -> Submitted:
    """The one way in for feedback, from the resident's form, a member of staff or the API: check everything,
    then record the item and commit. Returns the item and its private tracking token, or the problems found (and
    records nothing).

    A complaint raised from a service request belongs to the same resident as the request. With `once` (the
    submission's one-time token, core.once) the database stores the item at most once for it: a repeat raises
    IntegrityError and stores nothing. Its tracking token is worked out from `once`, so a repeat can show the same
    confirmation. `token` gives the tracking token instead (an API request keeps its Idempotency-Key elsewhere, and
    works the token out from that). `then(item, token)` adds what must be stored with the item, in its transaction,
    once it has its reference.
    """
    problems = check_submission(submission, received_on=received_on, raised_from=raised_from)
    if problems:
        return Submitted(problems=tuple(problems))
    item, token = _record(submission, channel=channel, received_on=received_on, by=by, files=files,
                          api_key=api_key, acknowledge=acknowledge, raised_from=raised_from, once=once,
                          token=token, then=then)
    return Submitted(item, token)


def _record(
    submission: Submission,
    *,
    channel: str,
    received_on: date,
    by: StaffUser | None,
    files: Sequence[StoredFile],
    api_key: ApiKey | None,
    acknowledge: bool,
    raised_from: FeedbackItem | None,
    once: str | None,
    token: str | None,
    then: Callable[[FeedbackItem, str], None] | None,
) -> tuple[FeedbackItem, str]:
    token = token or (tracking_token_for(once) if once else new_token())
    item = FeedbackItem(
        kind=submission.kind, resident_kind=submission.kind, status=FeedbackStatus.RECEIVED, channel=channel,
        service_area=submission.service_area, received_on=received_on, description=submission.description,
        happened_on=submission.happened_on, outcome_wanted=submission.outcome_wanted,
        resident=raised_from.resident if raised_from else _resident_from(submission.contact),
        tracking_token_hash=token_hash(token), submission_hash=token_hash(once) if once else None,
        recorded_by_id=by.id if by else None, api_key_id=api_key.id if api_key else None,
        raised_from_id=raised_from.id if raised_from else None,
    )
    item.commitments = list(submission.commitments)
    plan_acknowledgement(item)
    # Until it has its reference the item must not be written: nothing below may flush it early.
    with db.session.no_autoflush:
        db.session.add(item)
        for stored in files[:MAX_FILES]:
            item.attachments.append(_attachment(stored, "staff" if by else "resident"))
        if submission.equality:
            db.session.add(EqualityMonitoring(submitted_on=received_on, service_area=submission.service_area,
                                              kind=submission.kind, **submission.equality))
        how = f"by {item.channel_label.lower()} on {received_on:%d %B %Y}" if by else f"through the {_source(api_key)}"
        record_audit(item, "feedback.recorded", by=by, after={"kind": item.kind, "channel": channel,
                                                              "received_on": received_on},
                     summary=f"{item.kind_label} received {how}")
        feedback_recorded.send(item, by=by)  # a complaint's case and clock join this transaction
    # The reference is taken last: from here to the commit, other submissions wait for the counter. Only the
    # acknowledgement (which quotes the reference) and the writes come after it.
    with one_writer_at_a_time():
        item.reference = next_reference(submission.kind, received_on.year)
        if acknowledge:
            send_acknowledgement(item, token, shown_on_screen=by is None and api_key is None)
        if then is not None:
            then(item, token)
        _commit_keeping(item)
    return item, token


def _commit_keeping(item: FeedbackItem) -> None:
    """Commit without expiring what was just written: the caller reads the item straight back."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _source(api_key: ApiKey | None) -> str:
    return f"API ({api_key.name})" if api_key else "online form"


def _attachment(stored: StoredFile, uploaded_by: str) -> Attachment:
    return Attachment(original_name=stored.original_name, stored_name=stored.stored_name,
                      content_type=stored.content_type, size=stored.size, uploaded_by=uploaded_by)


# Staff changes

def check_version(item: FeedbackItem, version: int | None) -> None:
    """Refuse a change made from a page loaded before someone else's change (optimistic locking)."""
    if version is not None and version != item.version_id:
        raise StaleVersion("Someone else changed this item while you were looking at it. "
                           "Check the latest details below and make your change again.")


def retag(item: FeedbackItem, *, service_area: ServiceArea | None, commitments: list[Commitment], by: StaffUser,
          version: int | None = None) -> None:
    """Change the service area and charter commitments an item is tagged with."""
    check_version(item, version)
    before = {"service_area": _area_code(item.service_area), "commitments": [c.code for c in item.commitments]}
    after = {"service_area": _area_code(service_area), "commitments": [c.code for c in commitments]}
    if before == after:
        return
    item.service_area = service_area
    item.commitments = list(commitments)
    # A change of commitments alone would not touch the row; flag it so the version moves on.
    flag_modified(item, "service_area_id")
    record_audit(item, "feedback.retagged", by=by, before=before, after=after,
                 summary="Service and commitments changed")
    db.session.commit()


#: Who may tag items to a commitment from the queue of items on no promise: the policy team every kind, complaints
#: officers complaints (administrators may do both).
TAGGERS = {Role.POLICY_OFFICER: None, Role.COMPLAINTS_OFFICER: (FeedbackKind.COMPLAINT,)}


def may_tag(user: StaffUser, kind: str) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role not in TAGGERS:
        return False
    kinds = TAGGERS[Role(user.role)]
    return kinds is None or kind in kinds


def tag_items(items: list[FeedbackItem], commitment: Commitment, *, by: StaffUser) -> int:
    """Add ``commitment`` to each item's commitments (audited per item); returns how many changed. Refuses the whole
    batch if ``by`` may not tag one of them. The caller commits."""
    for item in items:
        if not may_tag(by, item.kind):
            if may_tag(by, FeedbackKind.COMPLAINT):
                raise RuleError("You can tag only complaints to a commitment.", "items")
            raise RuleError("Only policy officers and complaints officers can tag items to a commitment.", "commitment")
    changed = 0
    for item in items:
        if commitment in item.commitments:
            continue
        before = [c.code for c in item.commitments]
        item.commitments.append(commitment)
        flag_modified(item, "service_area_id")  # the version moves on, as when an officer retags the item
        record_audit(item, "feedback.tagged", by=by, before={"commitments": before},
                     after={"commitments": [*before, commitment.code]},
                     summary=f"Tagged to commitment {commitment.code}")
        changed += 1
    return changed


def _area_code(area: ServiceArea | None) -> str | None:
    return area.code if area else None


def reclassify(item: FeedbackItem, kind: str, *, reason: str, by: StaffUser, version: int | None = None) -> None:
    """Change what kind of feedback an item is, with a reason the resident sees (Complaint Handling Codes 1.2-1.4)."""
    check_version(item, version)
    new_kind = FeedbackKind(kind)
    if new_kind == item.kind:
        raise FeedbackError(f"This is already a {new_kind.noun}. Select a different type")
    old_kind = FeedbackKind(item.kind)
    before, after = changes(item, {"kind": new_kind.value, "reclassified_reason": reason})
    record_audit(item, "feedback.reclassified", by=by, before=before, after=after,
                 summary=f"Reclassified from {old_kind.noun} to {new_kind.noun}: {reason}")
    body = f"We are now handling this as a {new_kind.noun} rather than a {old_kind.noun}. {reason}"
    if new_kind != FeedbackKind.COMPLAINT:
        body += " If you want us to handle it as a complaint, you can tell us on this page."
    item.messages.append(FeedbackMessage(author="staff", staff_id=by.id, body=body))
    if item.acknowledged_at is None:
        plan_acknowledgement(item)
    db.session.commit()
    feedback_reclassified.send(item, by=by)


def update_status(item: FeedbackItem, status: str, *, by: StaffUser, version: int | None = None) -> None:
    check_version(item, version)
    new_status = FeedbackStatus(status)
    if new_status == FeedbackStatus.WITHDRAWN:
        raise FeedbackError("Only the resident can withdraw their feedback")
    if new_status == item.status:
        return
    before, after = changes(item, {"status": new_status.value})
    if new_status == FeedbackStatus.ACKNOWLEDGED and item.acknowledged_at is None:
        mark_acknowledged(item)
    if new_status == FeedbackStatus.CLOSED:
        item.closed_at = now()
    record_audit(item, "feedback.status_changed", by=by, before=before, after=after,
                 summary=f"Status changed to {new_status.label.lower()}")
    db.session.commit()


def send_staff_message(item: FeedbackItem, body: str, *, by: StaffUser) -> FeedbackMessage:
    """A message for the resident: shown on their tracking page and sent to them in their chosen format."""
    message = FeedbackMessage(author="staff", staff_id=by.id, body=body)
    item.messages.append(message)
    delivery = delivery_for(item.resident)
    if delivery is not None:
        queue_message(to=delivery.to, subject=f"A message about your {item.kind_noun}: {item.reference}",
                      body=render_text("feedback/staff_message.txt", item=item, body=body),
                      channel=delivery.channel, format=delivery.format, related=item)
    record_audit(item, "feedback.message_sent", by=by, summary="Message sent to the resident")
    db.session.commit()
    return message


def add_files(item: FeedbackItem, files: list[StoredFile], *, by: StaffUser | None) -> None:
    if len(item.attachments) + len(files) > MAX_FILES:
        raise FeedbackError(f"You cannot add more than {MAX_FILES} files")
    for stored in files:
        item.attachments.append(_attachment(stored, "staff" if by else "resident"))
    names = ", ".join(f.original_name for f in files)
    record_audit(item, "feedback.files_added", by=by, after={"files": [f.original_name for f in files]},
                 summary=f"Files added: {names}")
    db.session.commit()


# Resident actions from the tracking page

def _require_open(item: FeedbackItem) -> None:
    if not item.is_open:
        raise FeedbackError(f"This {item.kind_noun} is {item.status_label.lower()}, so it cannot be changed")


def add_resident_message(item: FeedbackItem, body: str, *, once: str | None = None) -> None:
    """With `once` (the form's one-time token) the database adds the message at most once: a repeat raises
    IntegrityError and adds nothing."""
    _require_open(item)
    item.messages.append(FeedbackMessage(author="resident", body=body,
                                         submission_hash=token_hash(once) if once else None))
    record_audit(item, "feedback.resident_message", by=None, summary="The resident added information")
    db.session.commit()


def withdraw(item: FeedbackItem, *, reason: str | None) -> None:
    """The resident withdraws: a state, never a deletion."""
    _require_open(item)
    before, after = changes(item, {"status": FeedbackStatus.WITHDRAWN.value})
    item.withdrawn_at = now()
    if reason:
        item.messages.append(FeedbackMessage(author="resident", body=f"I have withdrawn this. {reason}"))
    record_audit(item, "feedback.withdrawn", by=None, before=before, after=after,
                 summary="Withdrawn by the resident")
    db.session.commit()
    feedback_withdrawn.send(item)


def keep_as_complaint(item: FeedbackItem) -> None:
    """The resident insists on the complaint staff reclassified: their choice stands (Codes 1.3)."""
    _require_open(item)
    if item.resident_kind != FeedbackKind.COMPLAINT or item.kind == FeedbackKind.COMPLAINT:
        raise FeedbackError("This was not sent as a complaint")
    before, after = changes(item, {"kind": FeedbackKind.COMPLAINT.value})
    record_audit(item, "feedback.kept_as_complaint", by=None, before=before, after=after,
                 summary="The resident chose to keep this as a complaint")
    item.messages.append(FeedbackMessage(author="resident", body="I want this handled as a complaint."))
    db.session.commit()
    feedback_reclassified.send(item, by=None)


def complain_about(item: FeedbackItem, description: str, *, once: str | None = None) -> Submitted:
    """A complaint about how a service request is being handled; the request carries on alongside it. With `once`
    (the form's one-time token) it is recorded at most once (submit_feedback)."""
    _require_open(item)
    submission = Submission(kind=FeedbackKind.COMPLAINT.value, description=description,
                            service_area=item.service_area, commitments=list(item.commitments))
    return submit_feedback(submission, channel=Channel.WEB_FORM.value, received_on=today(), by=None,
                           raised_from=item, once=once)


def find_by_token(token: str) -> FeedbackItem | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(FeedbackItem).where(FeedbackItem.tracking_token_hash == token_hash(token)))


# API keys

#: What a key may do with the feedback API.
FEEDBACK_WRITE = "feedback:write"
FEEDBACK_READ = "feedback:read"


def issue_api_key(*, name: str, per_minute: int, by: StaffUser,
                  scopes: list[str] | None = None) -> tuple[ApiKey, str]:
    """A new API key (by default for the feedback API); the key is returned once and only its hash is kept."""
    return api_keys.issue_api_key(name=name, scopes=scopes or [FEEDBACK_WRITE, FEEDBACK_READ], by=by,
                                  per_minute=per_minute)


def revoke_api_key(key: ApiKey, *, by: StaffUser) -> None:
    api_keys.revoke_api_key(key, by=by)


def find_api_key(raw: str | None) -> ApiKey | None:
    """The key (active or revoked) matching `raw`, or None."""
    return api_keys.find_key(raw)
