"""Benchmark of the staff home over a large council's data, through the real view, for each role.

Builds a throwaway SQLite database (and PostgreSQL with --database-url) holding 1,000,000 feedback items, of which
100,000 are complaints under the procedure with their stage clocks, three quarters tagged to a commitment, with an
outbox, restrictions, survey invitations and comments; signs in as each role and times GET /staff. Prints p50 and
p95 per role; the target is p95 under 150 ms.

    python bench/staff_home.py [--feedback N] [--complaints N] [--repeat N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

# Run from a checkout as `python bench/staff_home.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, update  # noqa: E402

from app import create_app  # noqa: E402
from bench.synthetic.complaints import BATCH, BENCH_PASSWORD, load_complaints, load_people_and_places  # noqa: E402
from bench.synthetic.feedback import TEXTS, insert_rows, load_clocks, load_feedback, progress  # noqa: E402
from bench.synthetic.runner import on_each_database  # noqa: E402
from complaints.models import Restriction  # noqa: E402
from core.auth import hash_password  # noqa: E402
from core.contacts import ContactRecord  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import OutboxMessage, Resident, StaffUser  # noqa: E402
from reviews.models import Review  # noqa: E402
from surveys.models import (  # noqa: E402
    Answer,
    Invitation,
    Question,
    Response,
    Section,
    Survey,
    question_commitment,
)

TODAY = date(2026, 6, 15)
TARGET_MS = 150
ROLES = ("case_handler", "complaints_officer", "policy_officer", "admin")

def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedback", type=int, default=1_000_000, help="feedback items in all (default 1,000,000)")
    parser.add_argument("--complaints", type=int, default=100_000, help="of which complaints (default 100,000)")
    parser.add_argument("--repeat", type=int, default=100, help="timed requests per role (default 100)")
    parser.add_argument("--database-url", default=None, help="also run against this scratch PostgreSQL database")
    return parser.parse_args()






def _staff() -> dict[str, str]:
    """One account per role to sign in as (the complaints officer is the casework benchmark's); the case handler
    is handler 0, who has cases."""
    password = hash_password(BENCH_PASSWORD)
    db.session.add_all([
        StaffUser(email="admin@bench.example", name="Bench Admin", role="admin", password_hash=password),
        StaffUser(email="policy@bench.example", name="Bench Policy", role="policy_officer", password_hash=password)])
    db.session.execute(update(StaffUser).where(StaffUser.email == "handler0@bench.example")
                       .values(password_hash=password))
    db.session.commit()
    return {"case_handler": "handler0@bench.example", "complaints_officer": "officer@bench.example",
            "policy_officer": "policy@bench.example", "admin": "admin@bench.example"}






def _the_rest(officer_id: int, commitments: list[int], rng: random.Random) -> None:
    """The outbox, restrictions, a review, and a post-contact survey's invitations and comments."""
    insert_rows(OutboxMessage.__table__, [
        {"channel": "email", "to_address": "resident@example.com", "subject": "Your feedback", "body": "Thank you",
         "format": "standard", "status": rng.choices(("sent", "failed", "to_print", "posted"), (90, 2, 3, 5))[0],
         "attempts": 1, "created_at": datetime(2026, 6, 1), "post_by_notify": False} for _ in range(20_000)])
    residents = [{"name": f"Resident {n}", "adjustments": [], "created_at": datetime(2026, 1, 1)} for n in range(200)]
    insert_rows(Resident.__table__, residents)
    resident_ids = list(db.session.scalars(select(Resident.id)))
    insert_rows(Restriction.__table__, [
        {"resident_id": rid, "decided_by_id": officer_id, "decided_on": date(2026, 1, 5), "reason": "Bench",
         "restrictions": "Written contact only", "channels_open": [],
         "review_on": TODAY + timedelta(days=rng.randint(-20, 180)), "version_id": 1} for rid in resident_ids])
    db.session.add(Review(council_slug="bench", title="2025 to 2026", starts_on=date(2025, 4, 1),
                          ends_on=date(2026, 3, 31), stage="consultation"))
    survey = Survey(slug="after-contact", version=1, title="After you contacted us", state="live")
    survey.sections = [Section(position=1, title="Page 1")]
    db.session.add(survey)
    db.session.flush()
    questions = [Question(survey_id=survey.id, section_id=survey.sections[0].id, position=n + 1, type="free_text",
                          text=text) for n, text in enumerate(("Anything else?", "How was your call?"))]
    db.session.add_all(questions)
    db.session.flush()
    insert_rows(question_commitment, [{"question_id": questions[1].id, "commitment_id": commitments[0]}])
    db.session.commit()
    contacts = 40_000
    step = progress("survey invitations and comments", contacts)
    for start in range(0, contacts, BATCH):
        size = min(BATCH, contacts - start)
        insert_rows(ContactRecord.__table__, [{"channel": "phone", "occurred_at": datetime(2026, 5, 20),
                                               "source": "bench", "created_at": datetime(2026, 5, 20)}
                                              for _ in range(size)])
        contact_ids = list(db.session.scalars(select(ContactRecord.id).order_by(ContactRecord.id.desc()).limit(size)))
        invitations = []
        for contact_id in contact_ids:
            month = rng.choice((date(2026, 5, 1), date(2026, 6, 1)))
            used = rng.random() < 0.3
            invitations.append({"survey_id": survey.id, "contact_id": contact_id, "status": "sent", "channel": "phone",
                                "sent_at": datetime.combine(month, datetime.min.time()), "sent_month": month,
                                "used_at": datetime.combine(month, datetime.min.time()) if used else None,
                                "created_at": datetime(2026, 5, 20)})
        insert_rows(Invitation.__table__, invitations)
        responses = [{"survey_id": survey.id, "token_hash": secrets.token_hex(32), "via": "open", "channel": "phone",
                      "status": "submitted", "draft": {}, "started_at": datetime(2026, 6, 1),
                      "submitted_at": datetime(2026, 6, 1), "month": date(2026, 6, 1)}
                     for invitation in invitations if invitation["used_at"]]
        insert_rows(Response.__table__, responses)
        response_ids = list(db.session.scalars(select(Response.id).order_by(Response.id.desc()).limit(len(responses))))
        insert_rows(Answer.__table__, [{"response_id": rid, "question_id": rng.choice(questions).id, "part": 0,
                                    "survey_id": survey.id, "month": date(2026, 6, 1), "channel": "phone",
                                    "text": rng.choice(TEXTS)} for rid in response_ids])
        db.session.commit()
        step(size)
    print(file=sys.stderr)


def _load(app, args: argparse.Namespace) -> dict[str, str]:
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        officer, handlers, areas, commitments = load_people_and_places()
        accounts = _staff()
        rng = random.Random(18)
        load_complaints(args.complaints, TODAY, handlers, areas, commitments,
                        progress("complaints", args.complaints))
        print(file=sys.stderr)
        load_clocks(rng)
        load_feedback(args.complaints + 1, args.feedback - args.complaints, commitments, rng, TODAY, 5 * 365)
        _the_rest(officer.id, commitments, rng)
        # Fresh statistics, as autovacuum (PostgreSQL) or a routine ANALYZE (SQLite) would give.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
        print(f"  loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        return accounts


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def run(url: str, label: str, args: argparse.Namespace) -> bool:
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "CHARTERLINE_TODAY": TODAY.isoformat(),
                      "CHARTERLINE_COUNCIL": "bench"})
    print(f"{label}: loading {args.feedback:,} feedback items, {args.complaints:,} of them complaints",
          file=sys.stderr)
    accounts = _load(app, args)
    ok = True
    print(f"\n{label}: GET /staff with {args.feedback:,} feedback items ({args.complaints:,} complaints), "
          f"{args.repeat} requests per role (ms); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for role in (*ROLES, "queue"):
        client = app.test_client()
        account = accounts["policy_officer" if role == "queue" else role]
        response = client.post("/sign-in", data={"email": account, "password": BENCH_PASSWORD})
        assert response.status_code == 302, role
        path = "/staff/untagged" if role == "queue" else "/staff"
        assert client.get(path).status_code == 200  # warm, as a working server would be
        wall, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        shown = response.get_data(as_text=True)
        items, figures = shown.count('name="items"'), shown.count('class="app-figure__value"')
        if role == "queue":
            # The queue of items on no commitment (25 items with their suggestions) is not a target; for scale.
            print(f"  {'queue page (policy)':<20} p50 {statistics.median(wall):6.1f}  p95 {_p95(wall):6.1f}  "
                  f"CPU p95 {_p95(cpu):6.1f}  ({items} items)  (not a target)")
            continue
        # The wall clock is the target. On a shared machine other processes stretch it; the CPU time of this
        # process (which on PostgreSQL leaves out the server's own work) shows what rendering the page costs.
        met = _p95(wall) < TARGET_MS
        ok &= met
        print(f"  {role:<20} p50 {statistics.median(wall):6.1f}  p95 {_p95(wall):6.1f}  CPU p95 {_p95(cpu):6.1f}  "
              f"({figures} figures)  {'ok' if met else 'OVER TARGET'}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return ok


def main() -> None:
    args = _arguments()
    if not 0 < args.complaints <= args.feedback:
        sys.exit("--complaints must be at least 1 and no more than --feedback")
    on_each_database(lambda url, label: run(url, label, args), "staff_home.db", args.database_url)


if __name__ == "__main__":
    main()
