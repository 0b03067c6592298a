"""Benchmark of the charter review's evidence over a large council's year, through the real entry point and page.

Builds a throwaway database holding 1,000,000 feedback items (100,000 of them complaints with their stage clocks),
2,000,000 survey answers and 10 channels x 24 months of channel statistics, for a charter whose twelve commitments
carry a standard of every kind, with a second version coming into force half way through the year. Then times:

- the evidence for every commitment (``reviews.evidence.evidence_for``), with and without what residents said
  (target: under 5 s), against a baseline measured in the same run: one COUNT of the year's feedback items;
- the page for one commitment, ``GET /reviews/<id>/evidence/<code>``, for each commitment (target: p95 under
  300 ms).

    python bench/review.py [--feedback N] [--complaints N] [--repeat N] [--database-url URL]

Runs on a scratch SQLite file, and also on PostgreSQL when --database-url names a scratch database (it is emptied).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

# Run from a checkout as `python bench/review.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from bench.surveys import build_surveys, generate  # noqa: E402
from bench.synthetic.complaints import load_complaints, load_people_and_places  # noqa: E402
from bench.synthetic.feedback import count_tagged_months, load_clocks, load_feedback, progress  # noqa: E402
from bench.synthetic.runner import on_each_database  # noqa: E402
from channel_stats.models import ChannelMonth, ChannelThreshold  # noqa: E402
from core.auth import SEEN_AT, SIGNED_IN_AT  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Channel, Charter, CharterStatus, Commitment, Role, StaffUser  # noqa: E402
from core.standards import Standard  # noqa: E402
from core.timesource import set_today  # noqa: E402
from feedback.models import FeedbackItem  # noqa: E402
from feedback.tallies import TaggedMonth  # noqa: E402
from reviews.cycles import review_year  # noqa: E402
from reviews.evidence import evidence_for  # noqa: E402
from reviews.models import Review  # noqa: E402

TODAY = date(2026, 6, 15)
YEAR = 2025  # April 2025 to March 2026; the year before is read for "last year"
EVIDENCE_TARGET_S = 5.0
PAGE_TARGET_MS = 300
#: A standard of every kind the evidence measures: feedback records, complaint stage clocks, channel statistics.
STANDARDS = [
    ("email", [Standard("acknowledge", 2, "working_days", 0.9, "working-days:2")]),
    ("email", [Standard("reply", 5, "working_days", None, "working-days:5")]),
    ("web_form", [Standard("acknowledge", 1, "working_days", 0.95, "working-days:1"),
                  Standard("reply", 10, "working_days", 0.8, "working-days:10")]),
    ("any", [Standard("acknowledge", 5, "working_days", 0.9, None, "complaint-stage-1")]),
    ("any", [Standard("reply", 10, "working_days", 0.9, None, "complaint-stage-1")]),
    ("phone", [Standard("answer", 4, "rings", 0.85), Standard("put_through", 60, "seconds", 0.8)]),
    ("visit", [Standard("see_visitor", 15, "minutes", 0.9), Standard("see_appointment", 5, "minutes", 0.9)]),
    ("web_chat", [Standard("connect_chat", 60, "seconds", 0.8)]),
    ("any", [Standard("supply_information", 20, "working_days", None, "foi")]),
    ("letter", [Standard("acknowledge", 0, "working_days", 0.8, "working-days:0")]),
    ("any", []),
    ("any", []),
]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedback", type=int, default=1_000_000, help="feedback items in all (default 1,000,000)")
    parser.add_argument("--complaints", type=int, default=100_000, help="of which complaints (default 100,000)")
    parser.add_argument("--responses", type=int, default=50_000,
                        help="survey responses a month for 12 months (default 50,000: 2,000,000 answers)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each measurement (default 5)")
    parser.add_argument("--database-url", default=None, help="also run against this scratch PostgreSQL database")
    parser.add_argument("--keep", default=None, help="SQLite: build the data in this file and keep it")
    parser.add_argument("--reuse", action="store_true", help="time the data already built (with --keep or "
                        "--database-url) rather than building it again")
    return parser.parse_args()


def _charter(commitment_ids: list[int]) -> None:
    """Give the synthetic charter its standards and a second version from 1 October 2025 with a stricter target."""
    charter = db.session.scalar(select(Charter).where(Charter.council_slug == "bench"))
    charter.effective_from = date(2024, 4, 1)
    charter.seconds_per_ring = 5
    for commitment, (channel, standards) in zip(charter.commitments, STANDARDS, strict=True):
        commitment.channel = channel
        commitment.standards = standards
    charter.status = CharterStatus.RETIRED
    second = Charter(council_slug="bench", council_name=charter.council_name, title=charter.title, version=2,
                     status=CharterStatus.PUBLISHED, effective_from=date(2025, 10, 1), seconds_per_ring=5)
    second.commitments = [Commitment(code=c.code, number=c.number, wording=c.wording, channel=c.channel,
                                     standard_rows=list(c.standard_rows)) for c in charter.commitments]
    first = list(second.commitments[0].standards)
    second.commitments[0].standards = [Standard(first[0].metric, first[0].target, first[0].unit, 0.95, first[0].rule)]
    db.session.add(second)
    db.session.commit()


def _months(first: date, count: int) -> list[date]:
    return [date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1) for n in range(count)]


def _channel_statistics(rng: random.Random) -> None:
    """10 channels x 24 months of whole-council figures, with the thresholds the charter's standards name."""
    thresholds = [("answered", 20), ("put_through", 60), ("seen", 900), ("seen_with_appointment", 300),
                  ("chat_connected", 60)]
    months = _months(date(2024, 4, 1), 24)
    moment = datetime(2026, 6, 1)
    rows, kept = [], []
    for channel in Channel:
        for month in months:
            offered = rng.randint(8_000, 12_000)
            answered = int(offered * rng.uniform(0.85, 0.97))
            rows.append({"month": month, "channel": channel.value, "service_area_id": None, "area_key": 0,
                         "calls_offered": offered, "calls_answered": answered, "calls_abandoned": offered - answered,
                         "calls_queued": offered // 2, "average_wait_seconds": 40, "longest_wait_seconds": 600,
                         "callbacks_promised": 200, "callbacks_made": 180, "chats_offered": 900,
                         "chats_connected": 850, "visitors_without_appointment": 700, "visitors_with_appointment": 300,
                         "foi_due": 60, "foi_on_time": rng.randint(48, 60), "imported_at": moment,
                         "source": "bench.csv"})
    db.session.connection().execute(insert(ChannelMonth.__table__), rows)
    ids = db.session.execute(select(ChannelMonth.id, ChannelMonth.calls_answered)).all()
    bases = {"answered": None, "put_through": 0.5, "seen": 700, "seen_with_appointment": 300, "chat_connected": 850}
    for month_id, answered in ids:
        for measure, seconds in thresholds:
            base = answered if measure == "answered" else (int(answered * 0.5) if measure == "put_through"
                                                            else bases[measure])
            kept.append({"channel_month_id": month_id, "measure": measure, "seconds": seconds,
                         "count": int(base * rng.uniform(0.75, 0.95))})
    db.session.connection().execute(insert(ChannelThreshold.__table__), kept)
    db.session.commit()


def _load(app, args: argparse.Namespace) -> int:
    with app.app_context():
        set_today(TODAY)
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        _officer, handlers, areas, commitments = load_people_and_places()
        _charter(commitments)
        policy = StaffUser(email="policy@bench.example", name="Bench Policy", role=Role.POLICY_OFFICER,
                           password_hash="!")
        db.session.add(policy)
        rng = random.Random(13)
        load_complaints(args.complaints, TODAY, handlers, areas, commitments, progress("complaints", args.complaints))
        print(file=sys.stderr)
        load_clocks(rng)
        # The rest over the two years the review reads (this one and last), up to today.
        load_feedback(args.complaints + 1, args.feedback - args.complaints, commitments, rng, TODAY,
                      (TODAY - date(2024, 4, 1)).days)
        charter_commitments = list(db.session.scalar(
            select(Charter).where(Charter.council_slug == "bench", Charter.version == 1)).commitments)
        surveys = build_surveys(charter_commitments)
        db.session.commit()
        print("  survey answers:", file=sys.stderr)
        generate(surveys, first=date(2025, 4, 1), commitment_ids=commitments, per_month=args.responses)
        _channel_statistics(rng)
        year = review_year("bench", YEAR)
        review = Review(council_slug="bench", title=year.title, starts_on=year.starts_on, ends_on=year.ends_on)
        db.session.add(review)
        db.session.commit()
        count_tagged_months()
        # Fresh statistics, as autovacuum (PostgreSQL) or a routine ANALYZE (SQLite) would give.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
        print(f"  loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        return review.id


def _timed(run, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def run(url: str, label: str, args: argparse.Namespace) -> bool:
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "CHARTERLINE_COUNCIL": "bench", "RATELIMIT_ENABLED": False})
    review_id = None
    if args.reuse:
        with app.app_context():
            db.create_all()
            review_id = db.session.scalar(select(Review.id).where(Review.council_slug == "bench"))
            if review_id is not None and db.session.scalar(select(TaggedMonth.month).limit(1)) is None:
                count_tagged_months()  # data kept from before the counts existed
    if review_id is None:
        review_id = _load(app, args)
    with app.app_context():
        set_today(TODAY)
        review = db.session.get(Review, review_id)
        year = review_year("bench", YEAR)
        items = db.session.scalar(select(func.count()).select_from(FeedbackItem))
        baseline = _timed(lambda: db.session.scalar(select(func.count()).select_from(FeedbackItem).where(
            FeedbackItem.received_on >= year.starts_on, FeedbackItem.received_on <= year.ends_on)), args.repeat)
        summary = _timed(lambda: evidence_for(review, voice=False), args.repeat)
        full = _timed(lambda: evidence_for(review), args.repeat)
        result = evidence_for(review)
        codes = [c.code for c in result.commitments]
        verdicts = ", ".join(f"{c.code} {c.verdict.value}" for c in result.commitments)
        policy = db.session.scalar(select(StaffUser).where(StaffUser.email == "policy@bench.example"))
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = policy.get_id()
            session[SIGNED_IN_AT] = session[SEEN_AT] = int(time.time())
        pages = []
        for _ in range(args.repeat):
            for code in codes:
                started = time.perf_counter()
                response = client.get(f"/reviews/{review_id}/evidence/{code}")
                pages.append(time.perf_counter() - started)
                assert response.status_code == 200, (code, response.status_code)
        db.session.remove()
    best, p95 = min(full), statistics.quantiles(pages, n=20)[18] * 1000
    base = min(baseline)
    print(f"\n{label}: {items:,} feedback items; review year {year.title}; {args.repeat} runs each")
    print(f"  baseline, one COUNT of the year's items:   best {base * 1000:8.1f} ms")
    print(f"  evidence, every commitment, figures only:   best {min(summary):8.2f} s "
          f"({min(summary) / base:,.0f}x the baseline)")
    met = "met" if max(full) < EVIDENCE_TARGET_S else "NOT met"
    print(f"  evidence, every commitment, with voice:     best {best:8.2f} s, worst {max(full):.2f} s "
          f"({best / base:,.0f}x the baseline; target {EVIDENCE_TARGET_S:.0f} s: {met})")
    print(f"  one commitment's page ({len(pages)} requests): p50 {statistics.median(pages) * 1000:6.0f} ms, "
          f"p95 {p95:6.0f} ms (target {PAGE_TARGET_MS} ms: {'met' if p95 < PAGE_TARGET_MS else 'NOT met'})")
    print(f"  verdicts: {verdicts}")
    return max(full) < EVIDENCE_TARGET_S and p95 < PAGE_TARGET_MS


def main() -> None:
    args = _arguments()
    on_each_database(lambda url, label: run(url, label, args), "review.db", args.database_url,
                     sqlite_path=args.keep)


if __name__ == "__main__":
    main()
