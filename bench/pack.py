"""Benchmark of the annual standards-review pack over a large council's year: builds the ``ReviewPack`` and prints
it to PDF, on SQLite (and PostgreSQL with --database-url).

Loads a throwaway database with feedback items (default 1,000,000, of which 100,000 complaints under the procedure
with their stage clocks), scored survey answers (default 2,000,000, tagged to commitments) and a charter whose
commitments carry standards, then prints the time and peak Python memory to build the pack (target: under 10 s and
500 MB) and to print the PDF (target: under 30 s and 5 MB). A smaller run: --feedback 100000 --complaints 10000
--answers 200000.

    python bench/pack.py [--feedback N] [--complaints N] [--answers N] [--database-url URL [--skip-sqlite]]
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import time
import tracemalloc
from datetime import date, datetime
from pathlib import Path

# Run from a checkout as `python bench/pack.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from bench.synthetic.complaints import BATCH, load_complaints, load_people_and_places  # noqa: E402
from bench.synthetic.feedback import count_tagged_months, insert_rows, load_clocks, load_feedback, progress  # noqa: E402
from bench.synthetic.runner import on_each_database  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Charter, Commitment  # noqa: E402
from core.standards import Standard  # noqa: E402
from reviews.cycles import review_year  # noqa: E402
from reviews.pack.builder import build_pack  # noqa: E402
from reviews.pack.printing import pdf  # noqa: E402
from surveys.models import Answer, Question, Response, Section, Survey, question_commitment  # noqa: E402

TODAY = date(2026, 6, 15)
YEAR = 2025
#: Targets from the issue.
PACK_SECONDS, PACK_MB, PDF_SECONDS, PDF_MB = 10, 500, 30, 5
STANDARDS = {"B-00": ("email", [Standard("acknowledge", 2, "working_days", 0.9, "working-days:2")]),
             "B-01": ("web_form", [Standard("reply", 10, "working_days", 0.8, "working-days:10")]),
             "B-02": ("any", [Standard("acknowledge", 5, "working_days", 0.9, None, "complaint-stage-1"),
                              Standard("reply", 10, "working_days", 0.9, None, "complaint-stage-1")])}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedback", type=int, default=1_000_000, help="feedback items in all (default 1,000,000)")
    parser.add_argument("--complaints", type=int, default=100_000, help="of which complaints (default 100,000)")
    parser.add_argument("--answers", type=int, default=2_000_000, help="scored survey answers (default 2,000,000)")
    parser.add_argument("--database-url", default=None, help="also run against this scratch PostgreSQL database")
    parser.add_argument("--skip-sqlite", action="store_true", help="run against PostgreSQL only")
    return parser.parse_args()


def _standards() -> None:
    charter = db.session.scalar(select(Charter).where(Charter.council_slug == "bench"))
    charter.effective_from = date(2018, 4, 1)
    for commitment in db.session.scalars(select(Commitment).where(Commitment.charter_id == charter.id)):
        channel, standards = STANDARDS.get(commitment.code, ("any", []))
        commitment.channel = channel
        commitment.standards = standards
    db.session.commit()


def _answers(count: int, commitments: list[int], rng: random.Random) -> None:
    """A good / average / poor question per channel, each tagged to a commitment, answered ``count`` times over the
    review year (one answer per response)."""
    surveys = []
    for n, channel in enumerate(("phone", "email", "web_form", "visit")):
        survey = Survey(slug=f"bench-{channel}", version=1, title=f"How did we do ({channel})?", state="live")
        survey.sections = [Section(position=1, title="Your experience")]
        db.session.add(survey)
        db.session.flush()
        question = Question(survey_id=survey.id, section_id=survey.sections[0].id, position=1,
                            type="good_average_poor", text="How did we do?")
        db.session.add(question)
        db.session.flush()
        insert_rows(question_commitment, [{"question_id": question.id, "commitment_id": commitments[n]}])
        surveys.append((survey.id, question.id, channel))
    db.session.commit()
    step = progress("survey answers", count)
    months = [date(YEAR + (m > 8), (3 + m) % 12 + 1, 1) for m in range(12)]
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        picks = [(rng.choice(surveys), rng.choice(months)) for _ in range(size)]
        insert_rows(Response.__table__, [
            {"survey_id": s[0], "token_hash": secrets.token_hex(32), "via": "open", "channel": s[2],
             "status": "submitted", "draft": {}, "started_at": datetime(month.year, month.month, 2),
             "submitted_at": datetime(month.year, month.month, 2), "month": month} for s, month in picks])
        ids = list(db.session.scalars(select(Response.id).order_by(Response.id.desc()).limit(size)))[::-1]
        rows = []
        for response_id, ((survey_id, question_id, channel), month) in zip(ids, picks, strict=True):
            roll = rng.random()
            choice, satisfied, net = (("good", 1, 1) if roll < 0.6 else ("average", 0, 0) if roll < 0.8
                                      else ("poor", 0, -1))
            rows.append({"response_id": response_id, "question_id": question_id, "part": 0, "survey_id": survey_id,
                         "month": month, "channel": channel, "choice": choice, "satisfied": satisfied, "net": net})
        insert_rows(Answer.__table__, rows)
        db.session.commit()
        step(size)
    print(file=sys.stderr)


def _load(app, args: argparse.Namespace) -> None:
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        _officer, handlers, areas, commitments = load_people_and_places()
        _standards()
        rng = random.Random(15)
        load_complaints(args.complaints, TODAY, handlers, areas, commitments, progress("complaints", args.complaints))
        print(file=sys.stderr)
        load_clocks(rng)
        load_feedback(args.complaints + 1, args.feedback - args.complaints, commitments, rng, TODAY, 3 * 365)
        print(file=sys.stderr)
        _answers(args.answers, commitments, rng)
        count_tagged_months()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
        print(f"  loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _measured(run):
    tracemalloc.start()
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return result, seconds, peak


def run(url: str, label: str, args: argparse.Namespace) -> bool:
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "CHARTERLINE_TODAY": TODAY.isoformat(), "CHARTERLINE_COUNCIL": "bench",
                      "CHARTERLINE_HOMES": 20_000})
    print(f"{label}: loading {args.feedback:,} feedback items ({args.complaints:,} complaints) and "
          f"{args.answers:,} survey answers", file=sys.stderr)
    _load(app, args)
    with app.app_context():
        period = review_year("bench", YEAR)
        build_pack(period)  # warm: the calendar and the charter versions are read once per process
        db.session.remove()
        pack, pack_seconds, pack_mb = _measured(lambda: build_pack(period))
        printed, pdf_seconds, pdf_mb = _measured(lambda: pdf(pack))
        db.session.remove()
        db.engine.dispose()
    size_mb = len(printed) / 1e6
    ok = pack_seconds < PACK_SECONDS and pack_mb < PACK_MB and pdf_seconds < PDF_SECONDS and size_mb < PDF_MB
    print(f"\n{label}: {args.feedback:,} feedback items, {args.complaints:,} complaints, {args.answers:,} answers")
    print(f"  ReviewPack  {pack_seconds:6.2f} s  peak {pack_mb:7.1f} MB (Python)  "
          f"{len(pack.tables)} tables   target {PACK_SECONDS} s, {PACK_MB} MB")
    print(f"  PDF         {pdf_seconds:6.2f} s  peak {pdf_mb:7.1f} MB (Python)  {size_mb:.2f} MB file   "
          f"target {PDF_SECONDS} s, {PDF_MB} MB   {'ok' if ok else 'OVER TARGET'}")
    return ok


def main() -> None:
    args = _arguments()
    if not 0 < args.complaints <= args.feedback:
        sys.exit("--complaints must be at least 1 and no more than --feedback")
    on_each_database(lambda url, label: run(url, label, args), "pack.db", args.database_url,
                     skip_sqlite=args.skip_sqlite)


if __name__ == "__main__":
    main()
