"""Reads of published charters: the charter residents see, its commitments kept per process, service areas, and
a commitment's standards in words."""

from __future__ import annotations

from sqlalchemy import inspect, select

from core.extensions import db
from core.models import Charter, CharterStatus, Commitment, ServiceArea
from core.reference_data import detached_copies, kept


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


def seconds_per_ring_of(commitment: Commitment) -> int | None:
    """The seconds per ring of the commitment's charter, when its charter is at hand (loaded or loadable)."""
    state = inspect(commitment)
    if "charter" in state.unloaded and (state.session is None or state.key is None):
        return None
    charter = commitment.charter
    return charter.seconds_per_ring if charter is not None else None


def describe_standard(commitment: Commitment, seconds_per_ring: int | None = None) -> str | None:
    """Plain words for a commitment's standards, e.g. 'Time to reply in full: 3 working days (90% of cases)';
    None for a promise with no number. Rings are also given in seconds when the charter says how long one lasts."""
    if not commitment.is_measurable:
        return None
    if seconds_per_ring is None:
        seconds_per_ring = seconds_per_ring_of(commitment)
    return "; ".join(standard.describe(seconds_per_ring) for standard in commitment.standards)
