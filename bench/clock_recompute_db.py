"""Benchmark of `flask clocks recompute` against a database: 100,000 open clocks in a scratch SQLite file."""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

# Run from a checkout as `python bench/clock_recompute_db.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from core.clocks import closures as clock_service  # noqa: E402
from core.clocks.models import Clock, ClockStatus, ClosureDate  # noqa: E402
from core.clocks.rules import compute  # noqa: E402
from core.extensions import db  # noqa: E402

CLOCKS = 100_000
RULES = ["lgsco-stage1-ack", "lgsco-stage1-response", "ho-stage2-response", "foi", "sar", "working-days:3"]
SEED = 20261224


def _fill(rng: random.Random) -> None:
    calendar = clock_service.calendar_for_app()
    rows = []
    for n in range(CLOCKS):
        rule = rng.choice(RULES)
        start = date(2026, 10, 1) + timedelta(days=rng.randint(0, 80))
        rows.append({"subject_type": "bench", "subject_id": n, "rule": rule, "calendar": calendar.name,
                     "started_on": start, "ledger": [], "due_on": compute(rule, start, calendar).due,
                     "status": ClockStatus.OPEN})
    db.session.execute(db.insert(Clock), rows)
    db.session.commit()


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI":
                          f"sqlite:///{Path(scratch) / 'bench.db'}"})
        with app.app_context():
            db.create_all()
            _fill(random.Random(SEED))
            db.session.add(ClosureDate(day=date(2026, 12, 24), name="Christmas Eve closure"))
            db.session.commit()

            started = time.perf_counter()
            report = clock_service.recompute_open_clocks(on=date(2026, 11, 24))
            first = time.perf_counter() - started
            print(f"recompute {report.checked:,} open clocks in SQLite after a closure is added: {first:.2f} s "
                  f"({len(report.moved):,} due dates moved, each with an audit event)")

            started = time.perf_counter()
            again = clock_service.recompute_open_clocks(on=date(2026, 11, 24))
            second = time.perf_counter() - started
            print(f"run again (nothing to move): {second:.2f} s ({len(again.moved)} moved)")
            db.engine.dispose()
    if first >= 5 or again.moved:
        print("TARGETS MISSED (under 5 s; a second run moves nothing)")
        raise SystemExit(1)
    print("all targets met")


if __name__ == "__main__":
    main()
