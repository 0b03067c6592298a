"""Intake benchmark: concurrent complaints through the feedback API on gunicorn; prints throughput, latency, integrity.

Starts the app under gunicorn (2 workers) on a loopback port against a fresh SQLite database, and against
PostgreSQL too when BENCH_DATABASE_URL is set (that database is emptied: give it a scratch one). Creates its
own API key, sends complaints from concurrent clients until the count or the time limit is reached, then checks
that every submission answered with 2xx is in the database exactly once and nothing else was written.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run from a checkout as `python bench/intake.py`: make the project importable.
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from core.charters import load_charter_file  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Role  # noqa: E402
from core.staff import create_staff  # noqa: E402
from feedback.models import FeedbackItem  # noqa: E402
from feedback.services import issue_api_key  # noqa: E402

TARGET_RATE = 300  # submissions per second
TARGET_P95_MS = 100
WORKERS = 2


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)  # marker -> reference
    failures: dict[str, int] = field(default_factory=dict)


def prepare(url: str) -> str:
    """A fresh schema with Harrow's charter and an API key for the benchmark; returns the key."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_charter_file(ROOT / "charters" / "harrow.toml")
        admin = create_staff(email="bench@example.gov.uk", name="Benchmark", role=Role.ADMIN,
                             password=secrets.token_urlsafe(16), by=None)
        _key, raw = issue_api_key(name="Intake benchmark", per_minute=10_000_000, by=admin)
        db.engine.dispose()
    return raw


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(32), "CHARTERLINE_ENV": "production",
           "CHARTERLINE_COUNCIL": "harrow", "CHARTERLINE_BASE_URL": f"http://127.0.0.1:{port}"}
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
               "--backlog", "2048", "--log-level", "warning", "app:create_app()"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 seconds")


def complaint(marker: str) -> bytes:
    return json.dumps({
        "kind": "complaint",
        "description": f"{marker}: the recycling was not collected and the crew left litter in the street.",
        "service_area": "waste-recycling",
        "commitments": ["HAR-03"],
        "resident": {"name": "Bench Resident", "email": "bench@example.com", "reply_by": "email"},
    }).encode()


def client_loop(port: int, key: str, run: str, next_number, stop_at: float, result: Result,
                lock: threading.Lock) -> None:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    # gunicorn's sync workers close each connection after answering; http.client opens a new one each time.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop_at:
        number = next_number()
        if number is None:
            break
        marker = f"{run}-{number:06d}"
        started = time.perf_counter()
        try:
            connection.request("POST", "/api/v1/feedback", body=complaint(marker), headers=headers)
            response = connection.getresponse()
            body = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status, body = type(exc).__name__, b""
        elapsed = time.perf_counter() - started
        with lock:
            result.latencies.append(elapsed)
            if status == 201:
                result.created[marker] = json.loads(body)["reference"]
            else:
                result.failures[str(status)] = result.failures.get(str(status), 0) + 1
    connection.close()


def load(port: int, key: str, clients: int, total: int, seconds: float, run: str) -> tuple[Result, float]:
    counter = iter(range(total))
    counter_lock = threading.Lock()

    def next_number():
        with counter_lock:
            return next(counter, None)

    result, lock = Result(), threading.Lock()
    started = time.perf_counter()
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=client_loop, args=(port, key, run, next_number, stop_at, result, lock))
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result, time.perf_counter() - started


def check_rows(url: str, run: str, result: Result) -> tuple[int, int, int]:
    """(missing, doubled, unexpected): 2xx answers not in the database once, and rows no 2xx answer accounts for."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        marker = func.substr(FeedbackItem.description, 1, len(run) + 7)
        rows = db.session.execute(
            select(marker, func.count(), func.min(FeedbackItem.reference))
            .where(FeedbackItem.description.like(f"{run}-%")).group_by(marker)
        ).all()
        db.engine.dispose()
    found = {m: (count, reference) for m, count, reference in rows}
    missing = sum(1 for m, reference in result.created.items() if found.get(m, (0, None))[1] != reference)
    doubled = sum(1 for count, _ in found.values() if count > 1)
    unexpected = sum(1 for m in found if m not in result.created)
    return missing, doubled, unexpected


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def bench(name: str, url: str, args: argparse.Namespace) -> bool:
    key = prepare(url)
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        server = start_server(url, port, Path(scratch) / "gunicorn.log")
        try:
            load(port, key, args.clients, args.clients * 10, 10, "warmup")  # start both workers' caches
            run = f"bench{secrets.token_hex(3)}"
            result, elapsed = load(port, key, args.clients, args.requests, args.seconds, run)
        finally:
            server.terminate()
            server.wait(timeout=30)
    missing, doubled, unexpected = check_rows(url, run, result)
    sent = len(result.latencies)
    rate = sent / elapsed if elapsed else 0.0
    p50 = statistics.median(result.latencies) * 1000 if result.latencies else 0.0
    p95 = percentile(result.latencies, 0.95) * 1000
    errors = sum(result.failures.values())
    print(f"{name}: {sent} complaints from {args.clients} clients in {elapsed:.1f} s: {rate:.0f} per second, "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, errors {errors} {result.failures or ''}".rstrip())
    print(f"{name}: {len(result.created)} answered 201; in the database: {missing} missing, {doubled} doubled, "
          f"{unexpected} unexpected")
    met = rate >= TARGET_RATE and p95 < TARGET_P95_MS and errors == 0 and not (missing or doubled or unexpected)
    print(f"{name}: target {TARGET_RATE}/s with p95 under {TARGET_P95_MS} ms, zero errors: {'met' if met else 'NOT met'}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--requests", type=int, default=6000, help="complaints to send (default 6000)")
    parser.add_argument("--seconds", type=float, default=30, help="stop after this long at most (default 30)")
    args = parser.parse_args()
    if args.clients < 1 or args.requests < 1 or args.seconds <= 0:
        parser.error("--clients, --requests and --seconds must be positive")
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        results.append(bench("SQLite", f"sqlite:///{Path(scratch) / 'bench.db'}", args))
    if os.environ.get("BENCH_DATABASE_URL"):
        from core.config import normalise_database_url

        results.append(bench("PostgreSQL", normalise_database_url(os.environ["BENCH_DATABASE_URL"]), args))
    else:
        print("PostgreSQL: skipped (set BENCH_DATABASE_URL to a scratch database to include it)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
