"""Intake benchmark: concurrent complaints through the feedback API on gunicorn; prints throughput, latency, integrity.

Starts the app under gunicorn (2 workers) on a loopback port against a fresh SQLite database, and against
PostgreSQL too when BENCH_DATABASE_URL is set (that database is emptied: give it a scratch one). Creates its
own API key, sends complaints from 20 concurrent clients for a bounded time (and, with the Python loop, a
bounded count), then checks that every submission answered 201 is in the database exactly once.

In the same run, on the same database and through the same gunicorn, it measures a bare Flask route that inserts
one row (bench/bare_app.py), and prints Charterline's figure as a ratio of that baseline.

The load comes from wrk when it is installed (written in C, so it leaves the two cores to the server), otherwise
from a Python loop of threads; `--client python` chooses the loop.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
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

from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from bench.bare_app import create_table as create_bare_table  # noqa: E402
from core.accounts import create_staff  # noqa: E402
from core.charters import load_charter_file  # noqa: E402
from core.config import normalise_database_url  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Role  # noqa: E402
from feedback.models import FeedbackItem  # noqa: E402
from feedback.services import issue_api_key  # noqa: E402

TARGET_RATE = 150  # complaints a second: well above any council's busiest hour
TARGET_P95_MS = 200
WORKERS = 2  # the default; --workers changes it (the README's production example uses 4)
WRK_SCRIPT = Path(__file__).with_suffix(".lua")
WORKER_READY = "Language data loaded"  # what gunicorn.conf.py logs once a worker is ready


@dataclass
class Run:
    """What the clients saw: references answered 201, failures by status, time taken and latency."""

    references: set[str] = field(default_factory=set)
    failures: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.references) + sum(self.failures.values())


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


#: What gunicorn serves, and the page that answers once it is ready: Charterline, or the bare baseline.
APPS = {"charterline": ("app:create_app()", "/api/v1/openapi.json", "/api/v1/feedback"),
        "bare": ("bench.bare_app:create_app()", "/ready", "/bare")}


def start_server(url: str, port: int, log: Path, app: str = "charterline", workers: int = WORKERS) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(32), "CHARTERLINE_ENV": "production",
           "CHARTERLINE_COUNCIL": "harrow", "CHARTERLINE_BASE_URL": f"http://127.0.0.1:{port}"}
    target, ready_path, _post_path = APPS[app]
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--backlog", "2048", "--log-level", "info", target]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up:\n{log.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", ready_path)
            # Each worker loads its language data before its first request (gunicorn.conf.py): wait for all of
            # them, or the first seconds measure one worker while the other is still reading WordNet.
            if connection.getresponse().status == 200 and log.read_text().count(WORKER_READY) >= workers:
                return server
            time.sleep(0.2)
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn and its workers were not ready within 60 seconds")


def complaint(marker: str) -> bytes:
    return json.dumps({
        "kind": "complaint",
        "description": f"{marker}: the recycling was not collected and the crew left litter in the street.",
        "service_area": "waste-recycling",
        "commitments": ["HAR-03"],
        "resident": {"name": "Bench Resident", "email": "bench@example.com", "reply_by": "email"},
    }).encode()


# The Python loop

def _client(port: int, key: str, run: str, numbers, stop_at: float, result: Run, lock: threading.Lock,
            path: str) -> None:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    # gunicorn's sync workers close each connection after answering; http.client opens a new one each time.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop_at and (number := numbers()) is not None:
        started = time.perf_counter()
        try:
            connection.request("POST", path, body=complaint(f"{run}-{number:06d}"), headers=headers)
            response = connection.getresponse()
            status, body = response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            status, body = type(exc).__name__, b""
        elapsed = time.perf_counter() - started
        with lock:
            result.latencies.append(elapsed)
            if status == 201:
                result.references.add(json.loads(body)["reference"])
            else:
                result.failures[str(status)] = result.failures.get(str(status), 0) + 1
    connection.close()


def python_load(port: int, key: str, clients: int, total: int, seconds: float, run: str,
                path: str = "/api/v1/feedback") -> Run:
    counter, counter_lock = iter(range(total)), threading.Lock()

    def numbers():
        with counter_lock:
            return next(counter, None)

    result, lock = Run(), threading.Lock()
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=_client, args=(port, key, run, numbers, stop_at, result, lock, path))
               for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    ordered = sorted(result.latencies)
    if ordered:
        result.p50_ms = ordered[len(ordered) // 2] * 1000
        result.p95_ms = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000
    return result


# wrk

def wrk_load(port: int, key: str, clients: int, seconds: float, run: str, path: str = "/api/v1/feedback") -> Run:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "wrk.out"
        duration = f"{max(1, round(seconds))}s"
        command = ["wrk", "--threads", "2", "--connections", str(clients), "--duration", duration, "--timeout", "10s",
                   "--script", str(WRK_SCRIPT), f"http://127.0.0.1:{port}", "--", run, key, str(output), path]
        subprocess.run(command, check=True, capture_output=True)
        lines = [line.split(" ") for line in output.read_text().splitlines()]
    result = Run()
    for name, *values in lines:
        if name == "ref":
            result.references.add(values[0])
        elif name == "fail":
            result.failures[values[0]] = int(values[1])
        elif name == "socket" and int(values[0]):
            result.failures["socket error"] = int(values[0])
        elif name in {"seconds", "p50", "p95"}:
            setattr(result, {"seconds": "seconds", "p50": "p50_ms", "p95": "p95_ms"}[name], float(values[0]))
    return result


def check_rows(url: str, run: str, result: Run) -> tuple[int, int, int]:
    """(missing, doubled, extra): references answered 201 but not stored with this run's marker, markers stored
    more than once, and stored rows no 201 accounts for."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        rows = db.session.execute(
            select(FeedbackItem.reference, FeedbackItem.description).where(FeedbackItem.description.like(f"{run}-%"))
        ).all()
        db.engine.dispose()
    stored = {reference for reference, _ in rows}
    markers = [description.split(":", 1)[0] for _, description in rows]
    doubled = len(markers) - len(set(markers))
    return len(result.references - stored), doubled, len(stored - result.references)


def bench(name: str, url: str, args: argparse.Namespace) -> bool:
    key = prepare(url)
    port = free_port()
    use_wrk = args.client == "wrk"
    with tempfile.TemporaryDirectory() as scratch:
        server = start_server(url, port, Path(scratch) / "gunicorn.log", workers=args.workers)
        try:
            python_load(port, key, args.clients, args.clients * 10, 10, "warmup")  # both workers warm
            run = f"bench{secrets.token_hex(3)}"
            if use_wrk:
                result = wrk_load(port, key, args.clients, args.seconds, run)
            else:
                result = python_load(port, key, args.clients, args.requests, args.seconds, run)
        finally:
            server.terminate()
            server.wait(timeout=30)
    missing, doubled, extra = check_rows(url, run, result)
    rate = len(result.references) / result.seconds if result.seconds else 0.0
    errors = sum(result.failures.values())
    print(f"{name} ({'wrk' if use_wrk else 'Python loop'}, {args.clients} clients, {args.workers} gunicorn workers): "
          f"{result.requests} complaints in {result.seconds:.1f} s, {rate:.0f} per second, "
          f"p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, errors {errors} {result.failures or ''}".rstrip())
    bare = baseline(url, args)
    bare_rate = len(bare.references) / bare.seconds if bare.seconds else 0.0
    print(f"{name} baseline, a bare Flask route inserting one row through the same gunicorn: {bare_rate:.0f} per "
          f"second, p50 {bare.p50_ms:.1f} ms, p95 {bare.p95_ms:.1f} ms; Charterline does "
          f"{rate / bare_rate if bare_rate else 0:.2f} of the baseline's rate")
    # wrk stops the clock with a request open on each connection: those are stored but never seen answered.
    in_flight = min(extra, args.clients) if use_wrk else 0
    print(f"{name}: {len(result.references)} answered 201; in the database {missing} missing, {doubled} doubled, "
          f"{extra - in_flight} unaccounted for" + (f" ({in_flight} still in flight when wrk stopped)"
                                                   if in_flight else ""))
    met = rate >= TARGET_RATE and result.p95_ms < TARGET_P95_MS and errors == 0
    intact = not (missing or doubled or extra - in_flight)
    print(f"{name}: target {TARGET_RATE}/s, p95 under {TARGET_P95_MS} ms, no errors: {'met' if met else 'not met'}; "
          f"every 201 stored exactly once: {'yes' if intact else 'NO'}")
    return intact and errors == 0


def baseline(url: str, args: argparse.Namespace) -> Run:
    """The bare route's figures, measured the same way on the same database."""
    create_bare_table(url)
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        server = start_server(url, port, Path(scratch) / "gunicorn.log", app="bare", workers=args.workers)
        try:
            python_load(port, "", args.clients, args.clients * 10, 10, "warmup", path="/bare")
            if args.client == "wrk":
                return wrk_load(port, "", args.clients, args.seconds, "bare", path="/bare")
            return python_load(port, "", args.clients, args.requests, args.seconds, "bare", path="/bare")
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--workers", type=int, default=WORKERS, help=f"gunicorn workers (default {WORKERS})")
    parser.add_argument("--requests", type=int, default=6000, help="most complaints the Python loop sends (6000)")
    parser.add_argument("--seconds", type=float, default=20, help="how long to send for at most (default 20)")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python",
                        help="load generator (default wrk when installed)")
    args = parser.parse_args()
    if args.clients < 1 or args.requests < 1 or args.seconds <= 0:
        parser.error("--clients, --requests and --seconds must be positive")
    if args.client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed: install it (apt-get install wrk) or use --client python")
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        results.append(bench("SQLite", f"sqlite:///{Path(scratch) / 'bench.db'}", args))
    if os.environ.get("BENCH_DATABASE_URL"):
        results.append(bench("PostgreSQL", normalise_database_url(os.environ["BENCH_DATABASE_URL"]), args))
    else:
        print("PostgreSQL: skipped (set BENCH_DATABASE_URL to a scratch database to include it)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
