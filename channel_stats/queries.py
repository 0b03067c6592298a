"""Reads of channel statistics: the measure the charter review shows for a standard, the rows behind it, and
which months have been imported. Sums are done in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from channel_stats.columns import Measurement, measurement_for
from channel_stats.models import ChannelMonth, ChannelThreshold
from core.extensions import db
from core.models import ServiceArea
from core.standards import Standard


@dataclass(frozen=True)
class ChannelMeasure:
    met: int  # cases that met the threshold
    total: int  # cases the share is based on (0 when no rows)
    months: int  # months with data in the period


def _months_in(channel: str, start: date, end: date, service_area_id: int | None) -> list:
    within = [ChannelMonth.channel == channel, ChannelMonth.month >= start, ChannelMonth.month <= end]
    if service_area_id is not None:
        return [*within, ChannelMonth.area_key == service_area_id]
    return [*within, whole_council()]


def whole_council(table=ChannelMonth):
    """The rows of ``table`` (ChannelMonth or an alias of it) that stand for the whole council in a month: the
    council's own row, or, for a month imported only per service, every service's row (added up by the measure).
    A month never counts both."""
    council = aliased(ChannelMonth)
    return or_(table.area_key == 0, ~exists().where(
        council.channel == table.channel, council.month == table.month, council.area_key == 0))


def _whole_month_counts(how: Measurement):
    """The condition, on a whole-council row, that none of the other rows standing for the council in its month is
    left out: a month imported only per service counts with all of its services or not at all, never with only
    the services that have what the standard needs (``missing_threshold_months`` lists it)."""
    other = aliased(ChannelMonth)
    return ~exists().where(other.channel == ChannelMonth.channel, other.month == ChannelMonth.month,
                           whole_council(other), _left_out(how, other))


def measure(channel: str, standard: Standard, seconds_per_ring: int | None, start: date, end: date,
            service_area_id: int | None = None) -> ChannelMeasure | None:
    """How the imported figures measure `standard` on `channel` over the months whose first day is in [start, end],
    for one service area or (None) the whole council (``whole_council``).

    None when channel statistics do not measure the standard (see channel_stats.columns.measurement_for); a
    measure with total 0 when they could but nothing was imported. A month without the base count, or without
    the threshold the standard names, is left out (``missing_threshold_months`` lists them); for the whole council,
    so is a month imported only per service when any one of its services' rows lacks them."""
    how = measurement_for(standard, seconds_per_ring)
    if how is None:
        return None
    base = getattr(ChannelMonth, how.base_column)
    where = [*_months_in(channel, start, end, service_area_id), base.is_not(None)]
    if service_area_id is None:
        where.append(_whole_month_counts(how))
    if how.threshold is not None:
        met = ChannelThreshold.count
        on_threshold = and_(ChannelThreshold.channel_month_id == ChannelMonth.id,
                            ChannelThreshold.measure == how.threshold.measure,
                            ChannelThreshold.seconds == how.threshold.seconds)
        query = select(func.coalesce(func.sum(met), 0), func.coalesce(func.sum(base), 0),
                       func.count(ChannelMonth.month.distinct())).join(ChannelThreshold, on_threshold)
    else:
        met = getattr(ChannelMonth, how.met_column)
        where.append(met.is_not(None))
        query = select(func.coalesce(func.sum(met), 0), func.coalesce(func.sum(base), 0),
                       func.count(ChannelMonth.month.distinct()))
    met_total, total, months = db.session.execute(query.where(*where)).one()
    return ChannelMeasure(met=int(met_total), total=int(total), months=int(months))


def _left_out(how: Measurement, table=ChannelMonth):
    """The condition of a row of ``table`` (ChannelMonth or an alias of it) that cannot count towards the measure.
    The thresholds are read through their own alias, so the condition can sit in a query that joins them."""
    base = getattr(table, how.base_column)
    if how.threshold is not None:
        threshold = aliased(ChannelThreshold)
        has_threshold = select(threshold.id).where(
            threshold.channel_month_id == table.id, threshold.measure == how.threshold.measure,
            threshold.seconds == how.threshold.seconds).exists()
        return base.is_(None) | ~has_threshold
    return base.is_(None) | getattr(table, how.met_column).is_(None)


def missing_threshold_months(channel: str, standard: Standard, seconds_per_ring: int | None, start: date, end: date,
                             service_area_id: int | None = None) -> list[date]:
    """Months imported for the channel in the period that ``measure`` leaves out, because they lack the threshold
    the standard names (or its base count). Empty when channel statistics do not measure the standard."""
    how = measurement_for(standard, seconds_per_ring)
    if how is None:
        return []
    query = (select(ChannelMonth.month).where(*_months_in(channel, start, end, service_area_id), _left_out(how))
             .distinct().order_by(ChannelMonth.month))
    return list(db.session.scalars(query))


def listed_rows(channel: str | None, start: date, end: date, *, area_key: int | None = None,
                council: bool = False) -> list[ChannelMonth]:
    """Imported rows whose month starts in [start, end], for one channel (None: every channel) and one area key
    (None: every service and the whole council), oldest first, with their thresholds and service areas.

    ``council`` lists only the rows a whole-council figure counts (``whole_council``): the rows behind it, so staff
    can check the figure; the months the measure leaves out for a missing threshold are among them."""
    query = (select(ChannelMonth)
             .options(selectinload(ChannelMonth.thresholds), selectinload(ChannelMonth.service_area))
             .where(ChannelMonth.month >= start, ChannelMonth.month <= end))
    if channel:
        query = query.where(ChannelMonth.channel == channel)
    if area_key is not None:
        query = query.where(ChannelMonth.area_key == area_key)
    if council:
        query = query.where(whole_council())
    return list(db.session.scalars(query.order_by(ChannelMonth.month, ChannelMonth.channel, ChannelMonth.area_key)))


@dataclass(frozen=True)
class ImportedMonths:
    channel: str
    service: str | None  # service area name; None for the whole council
    service_code: str | None
    first: date
    last: date
    months: int
    last_imported_at: object


def imported_months() -> list[ImportedMonths]:
    """What has been imported, per channel and service: the first and last month, how many, and when."""
    query = (select(ChannelMonth.channel, ServiceArea.name, ServiceArea.code, func.min(ChannelMonth.month),
                    func.max(ChannelMonth.month), func.count(ChannelMonth.id), func.max(ChannelMonth.imported_at))
             .outerjoin(ServiceArea, ServiceArea.id == ChannelMonth.service_area_id)
             .group_by(ChannelMonth.channel, ServiceArea.name, ServiceArea.code)
             .order_by(ChannelMonth.channel, ServiceArea.name.is_not(None), ServiceArea.name))
    return [ImportedMonths(*row) for row in db.session.execute(query)]
