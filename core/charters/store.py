"""Charter versions in the database: load a file as the published version, start a draft, edit and publish it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.audit import record_audit
from core.charters.parse import CharterFileError, CharterSpec, parse_charter
from core.errors import RuleError
from core.extensions import db
from core.models import Charter, CharterStatus, Commitment, Expectation, ServiceArea, StaffUser
from core.timesource import now


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
        seconds_per_ring=spec.seconds_per_ring,
        status=CharterStatus.PUBLISHED, published_at=now(), created_by_id=by.id if by else None,
    )
    charter.commitments = [Commitment(code=c.code, number=c.number, wording=c.wording, channel=c.channel,
                                      standards=c.standards) for c in spec.commitments]
    charter.expectations = [Expectation(number=e.number, wording=e.wording) for e in spec.expectations]
    _retire_others(charter)
    db.session.add(charter)
    record_audit(charter, "charter.loaded", by=by,
                 after={"version": spec.version, "commitments": len(spec.commitments),
                        "expectations": len(spec.expectations)},
                 summary=f"Loaded version {spec.version} with {len(spec.commitments)} commitments")
    db.session.commit()
    return charter, True


def _retire_others(charter: Charter) -> None:
    for other in db.session.scalars(
        select(Charter).where(Charter.council_slug == charter.council_slug, Charter.status == CharterStatus.PUBLISHED)
    ):
        if other is not charter and other.version < charter.version:
            other.status = CharterStatus.RETIRED


def _draft_of(council_slug: str) -> Charter | None:
    return db.session.scalar(
        select(Charter).where(Charter.council_slug == council_slug, Charter.status == CharterStatus.DRAFT)
    )


def start_draft(charter: Charter, *, by: StaffUser) -> Charter:
    """A new draft version copying `charter` (commitments with their standards, expectations, seconds per ring),
    or the council's existing draft if there is one.

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
        seconds_per_ring=charter.seconds_per_ring, created_by_id=by.id,
    )
    draft.commitments = [
        Commitment(code=c.code, number=c.number, wording=c.wording, channel=c.channel,
                   standard_rows=[dict(row) for row in c.standard_rows or []])
        for c in charter.commitments
    ]
    draft.expectations = [Expectation(number=e.number, wording=e.wording) for e in charter.expectations]
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
