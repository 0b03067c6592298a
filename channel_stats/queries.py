"""Reads of channel statistics: the measure the charter review shows for a standard, the rows behind it, and
which months have been imported. Sums are done in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from channel_stats.columns import Measurement, measurement_for
from channel_stats.models import ChannelMonth, ChannelThreshold
from core.extensions import db
from core.standards import Standard


@dataclass(frozen=True)
class ChannelMeasure:
    met: int  # cases that met the threshold
    total: int  # cases the share is based on (0 when no rows)
    months: int  # months with data in the period


def _months_in(channel: str, start: date, end: date, service_area_id: int | None) -> list:
    return [ChannelMonth.channel == channel, ChannelMonth.month >= start, ChannelMonth.month <= end,
            ChannelMonth.area_key == (service_area_id or 0)]


def measure(channel: str, standard: Standard, seconds_per_ring: int | None, start: date, end: date,
            service_area_id: int | None = None) -> ChannelMeasure | None:
    """How the imported figures measure `standard` on `channel` over the months whose first day is in [start, end],
    for one service area or (None) the rows for the whole council.

    None when channel statistics do not measure the standard (see channel_stats.columns.measurement_for); a
    measure with total 0 when they could but nothing was imported. A month without the base count, or without
    the threshold the standard names, is left out (``missing_threshold_months`` lists them)."""
    how = measurement_for(standard, seconds_per_ring)
    if how is None:
        return None
    base = getattr(ChannelMonth, how.base_column)
    where = [*_months_in(channel, start, end, service_area_id), base.is_not(None)]
    if how.threshold is not None:
        met = ChannelThreshold.count
        query = select(func.coalesce(func.sum(met), 0), func.coalesce(func.sum(base), 0), func.count(ChannelMonth.id)
                       ).join(ChannelThreshold, and_(ChannelThreshold.channel_month_id == ChannelMonth.id,
                                                     ChannelThreshold.measure == how.threshold.measure,
                                                     ChannelThreshold.seconds == how.threshold.seconds))
    else:
        met = getattr(ChannelMonth, how.met_column)
        where.append(met.is_not(None))
        query = select(func.coalesce(func.sum(met), 0), func.coalesce(func.sum(base), 0), func.count(ChannelMonth.id))
    met_total, total, months = db.session.execute(query.where(*where)).one()
    return ChannelMeasure(met=int(met_total), total=int(total), months=int(months))


def _left_out(how: Measurement):
    """The condition of a month that cannot count towards the measure."""
    base = getattr(ChannelMonth, how.base_column)
    if how.threshold is not None:
        has_threshold = select(ChannelThreshold.id).where(
            ChannelThreshold.channel_month_id == ChannelMonth.id, ChannelThreshold.measure == how.threshold.measure,
            ChannelThreshold.seconds == how.threshold.seconds).exists()
        return base.is_(None) | ~has_threshold
    return base.is_(None) | getattr(ChannelMonth, how.met_column).is_(None)


def missing_threshold_months(channel: str, standard: Standard, seconds_per_ring: int | None, start: date, end: date,
                             service_area_id: int | None = None) -> list[date]:
    """Months imported for the channel in the period that ``measure`` leaves out, because they lack the threshold
    the standard names (or its base count). Empty when channel statistics do not measure the standard."""
    how = measurement_for(standard, seconds_per_ring)
    if how is None:
        return []
    query = (select(ChannelMonth.month).where(*_months_in(channel, start, end, service_area_id), _left_out(how))
             .order_by(ChannelMonth.month))
    return list(db.session.scalars(query))


def rows_behind(channel: str, standard: Standard | None, start: date, end: date,
                service_area_id: int | None = None) -> list[ChannelMonth]:
    """The imported rows of a channel in the period, oldest first, with their thresholds, so staff can check a
    figure: those of one service area, or (None) of the whole council. Months the measure leaves out are listed
    too, so `standard` does not filter them."""
    del standard
    return listed_rows(channel, start, end, area_key=service_area_id or 0)


def listed_rows(channel: str | None, start: date, end: date, *, area_key: int | None = None) -> list[ChannelMonth]:
    """Imported rows whose month starts in [start, end], for one channel (None: every channel) and one area key
    (None: every service and the whole council), oldest first, with their thresholds and service areas."""
    query = (select(ChannelMonth)
             .options(selectinload(ChannelMonth.thresholds), selectinload(ChannelMonth.service_area))
             .where(ChannelMonth.month >= start, ChannelMonth.month <= end))
    if channel:
        query = query.where(ChannelMonth.channel == channel)
    if area_key is not None:
        query = query.where(ChannelMonth.area_key == area_key)
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
    from core.models import ServiceArea

    query = (select(ChannelMonth.channel, ServiceArea.name, ServiceArea.code, func.min(ChannelMonth.month),
                    func.max(ChannelMonth.month), func.count(ChannelMonth.id), func.max(ChannelMonth.imported_at))
             .outerjoin(ServiceArea, ServiceArea.id == ChannelMonth.service_area_id)
             .group_by(ChannelMonth.channel, ServiceArea.name, ServiceArea.code)
             .order_by(ChannelMonth.channel, ServiceArea.name.is_not(None), ServiceArea.name))
    return [ImportedMonths(*row) for row in db.session.execute(query)]
