"""Benchmark of channel statistics: importing a large file, importing it again (every row replaced), and the
measure the charter review reads, for 10 channels x 24 months x (the whole council and 19 services).

Prints the time to check and import the file (4,800 rows, the most one file may hold is 5,000), to import it again,
and per call of measure() over a year. Runs on a scratch SQLite database, and on PostgreSQL when
BENCH_DATABASE_URL is set.

    python bench/channel_stats.py
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

# Run from a checkout as `python bench/channel_stats.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from channel_stats.importing import import_csv  # noqa: E402
from channel_stats.queries import measure  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Channel, Charter, CharterStatus, Commitment, ServiceArea  # noqa: E402
from core.standards import Standard  # noqa: E402
from core.timesource import set_today  # noqa: E402

TODAY = date(2026, 6, 15)
SERVICES = 19
MONTHS = 24
CALL_BACK = Standard("call_back", 1, "working_days", 0.9, "working-days:1")
ANSWER = Standard("answer", 4, "rings", 0.85)


def _months() -> list[date]:
    months, year, month = [], TODAY.year, TODAY.month
    for _ in range(MONTHS):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(date(year, month, 1))
    return sorted(months)


def _setup() -> None:
    db.drop_all()
    db.create_all()
    for n in range(SERVICES):
        db.session.add(ServiceArea(code=f"service-{n}", name=f"Service {n}"))
    charter = Charter(council_slug="bench", council_name="Bench Council", title="Charter", version=1,
                      status=CharterStatus.PUBLISHED, seconds_per_ring=5)
    # Every channel has a call-back standard, and the phone an answer standard in rings.
    charter.commitments = [Commitment(number=i + 1, code=f"B-{i + 1}", wording="A promise", channel=channel.value,
                                      standards=[CALL_BACK, ANSWER] if channel == Channel.PHONE else [CALL_BACK])
                           for i, channel in enumerate(Channel)]
    db.session.add(charter)
    db.session.commit()


def _file() -> str:
    out = io.StringIO()
    out.write("month,channel,service,calls_offered,calls_answered,callbacks_promised,callbacks_made,"
              "answered_within_20s\n")
    for channel in Channel:
        for month in _months():
            for service in ["", *(f"service-{n}" for n in range(SERVICES))]:
                out.write(f"{month:%Y-%m},{channel.value},{service},1000,950,40,36,850\n")
    return out.getvalue()


def _run(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "CHARTERLINE_COUNCIL": "bench",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        set_today(TODAY)
        _setup()
        charter = db.session.scalar(db.select(Charter))
        text = _file()
        started = time.perf_counter()
        result, problems = import_csv(text, charter, by=None, source="bench.csv")
        first = time.perf_counter() - started
        assert not problems, problems[:3]
        started = time.perf_counter()
        again, _ = import_csv(text, charter, by=None, source="bench.csv")
        second = time.perf_counter() - started
        timings = []
        year = (date(2025, 4, 1), date(2026, 3, 31))
        for _ in range(50):
            for channel in Channel:
                started = time.perf_counter()
                measure(channel.value, CALL_BACK, 5, *year)
                timings.append(time.perf_counter() - started)
            started = time.perf_counter()
            figure = measure("phone", ANSWER, 5, *year)
            timings.append(time.perf_counter() - started)
        name = db.engine.dialect.name
        print(f"{name}: imported {result.imported:,} rows in {first:.2f} s; imported again ({again.replaced:,} "
              f"replaced) in {second:.2f} s")
        print(f"{name}: measure() over a year: p50 {statistics.median(timings) * 1000:.1f} ms, "
              f"p95 {statistics.quantiles(timings, n=20)[-1] * 1000:.1f} ms ({len(timings)} calls); "
              f"phone answer: {figure.met:,} of {figure.total:,} in {figure.months} months")
        db.session.remove()
        db.drop_all()


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        _run(f"sqlite:///{scratch}/bench.db")
    if os.environ.get("BENCH_DATABASE_URL"):
        _run(os.environ["BENCH_DATABASE_URL"])


if __name__ == "__main__":
    main()
