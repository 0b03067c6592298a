"""Running a benchmark on a scratch SQLite file, then on PostgreSQL when a scratch database is named."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from core.config import normalise_database_url


def on_each_database(run: Callable[[str, str], bool], file_name: str, database_url: str | None, *,
                     sqlite_path: str | None = None, skip_sqlite: bool = False) -> None:
    """``run(url, label)`` on SQLite (a scratch ``file_name``, or ``sqlite_path`` kept), then on ``database_url``;
    exits 0 when every run met its targets, 1 otherwise."""
    ok = True
    if sqlite_path:
        ok &= run(f"sqlite:///{Path(sqlite_path).resolve()}", "SQLite")
    elif not skip_sqlite:
        with tempfile.TemporaryDirectory() as scratch:
            ok &= run(f"sqlite:///{Path(scratch) / file_name}", "SQLite")
    if database_url:
        ok &= run(normalise_database_url(database_url), "PostgreSQL")
    else:
        print("\nPostgreSQL: skipped (give --database-url a scratch database to include it)")
    sys.exit(0 if ok else 1)
