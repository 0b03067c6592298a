"""Synthetic complaints for benchmarks: staff, service areas, feedback items and complaints, bulk inserted."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert

from complaints.models import Complaint
from core.auth import hash_password
from core.extensions import db
from core.models import Charter, CharterStatus, Commitment, ServiceArea, StaffUser
from feedback.models import FeedbackItem, feedback_commitment

HANDLERS = 50
BATCH = 20_000
#: Share of complaints with a clock still running; most of a council's history is finished.
OPEN_SHARE = 0.03
BENCH_PASSWORD = "benchmark password"

_FINISHED = [(1, "responded"), (1, "closed"), (1, "refused"), (1, "withdrawn"), (2, "closed"), (2, "withdrawn")]
_RUNNING = [(1, "received"), (1, "acknowledged"), (2, "received"), (2, "acknowledged")]


def load_people_and_places() -> tuple[StaffUser, list[int], list[int], list[int]]:
    """An officer to sign in as, the handlers, service areas (3 housing, 7 other) and charter commitments."""
    officer = StaffUser(email="officer@bench.example", name="Bench Officer", role="complaints_officer",
                        password_hash=hash_password(BENCH_PASSWORD))
    db.session.add(officer)
    handlers = [StaffUser(email=f"handler{n}@bench.example", name=f"Handler {n:02d}", role="case_handler",
                          password_hash="!") for n in range(HANDLERS)]
    areas = [ServiceArea(code=f"area-{n}", name=f"Service {n}", regime="ho" if n < 3 else "lgsco") for n in range(10)]
    charter = Charter(council_slug="bench", council_name="Bench Council", title="Charter", version=1,
                      status=CharterStatus.PUBLISHED)
    charter.commitments = [Commitment(code=f"B-{n:02d}", number=n + 1, wording=f"Promise {n}") for n in range(12)]
    db.session.add_all([*handlers, *areas, charter])
    db.session.commit()
    return officer, [h.id for h in handlers], [a.id for a in areas], [c.id for c in charter.commitments]


def _rows(count: int, today: date, handlers: list[int], areas: list[int], commitments: list[int],
          rng: random.Random) -> Iterator[tuple[dict, dict, list[dict]]]:
    """(feedback item, complaint, commitment links) for each synthetic complaint, oldest first."""
    span = 8 * 365
    moment = datetime.combine(today, time(9))
    for n in range(1, count + 1):
        running = rng.random() < OPEN_SHARE
        if running:
            received = today - timedelta(days=rng.randint(0, 60))
            stage, state = rng.choice(_RUNNING)
            # Due dates from a month ago to five weeks ahead: some overdue, some due soon, most on track.
            due = today + timedelta(days=rng.randint(-30, 35))
        else:
            received = today - timedelta(days=rng.randint(61, span))
            stage, state = rng.choice(_FINISHED)
            due = None
        area = rng.choice(areas)
        stage1 = rng.choice(handlers)
        stage2 = rng.choice([h for h in handlers if h != stage1]) if stage == 2 else None
        item = {"id": n, "reference": f"CMP-B-{n:07d}", "kind": "complaint", "status": "received",
                "channel": "web_form", "service_area_id": area, "received_on": received, "received_at": moment,
                "description": "Synthetic complaint for the benchmark.", "version_id": 1, "themes": []}
        complaint = {"id": n, "feedback_id": n, "regime": "ho" if area <= areas[2] else "lgsco", "stage": stage,
                     "state": state, "stage1_handler_id": stage1, "stage2_handler_id": stage2,
                     "handler_id": stage1 if stage == 1 else stage2, "is_open": running, "due_on": due,
                     "opened_at": moment, "version_id": 1}
        links = [{"feedback_id": n, "commitment_id": rng.choice(commitments)}] if rng.random() < 0.5 else []
        item["tagged"] = bool(links)
        yield item, complaint, links


def load_complaints(count: int, today: date, handlers: list[int], areas: list[int], commitments: list[int],
                    progress: Callable[[int], None] | None = None, seed: int = 6) -> None:
    """Bulk insert ``count`` feedback items and their complaints, a batch at a time."""
    rng = random.Random(seed)
    items, complaints, links = [], [], []
    for item, complaint, item_links in _rows(count, today, handlers, areas, commitments, rng):
        items.append(item)
        complaints.append(complaint)
        links += item_links
        if len(items) == BATCH:
            _flush(items, complaints, links, progress)
            items, complaints, links = [], [], []
    if items:
        _flush(items, complaints, links, progress)


def _flush(items: list[dict], complaints: list[dict], links: list[dict], progress) -> None:
    # Core inserts (executemany), not ORM objects: loading is what takes the time here.
    connection = db.session.connection()
    connection.execute(insert(FeedbackItem.__table__), items)
    connection.execute(insert(Complaint.__table__), complaints)
    if links:
        connection.execute(insert(feedback_commitment), links)
    db.session.commit()
    if progress:
        progress(len(items))
